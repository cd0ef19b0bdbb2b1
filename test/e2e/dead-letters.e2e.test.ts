import { describe, expect, it } from 'vitest';
import { e2eEnabled } from './helpers/browser.ts';
import { useApp } from './helpers/suite.ts';

describe.runIf(e2eEnabled())('dead letters', { timeout: 60_000 }, () => {
  const fx = useApp();

  it('requeues every dead letter from the palette, and the dashboard follows', async () => {
    const { app } = fx;
    await app.openScenario('dead-letters-and-requeue');
    await app.runToIdle();
    await app.waitFor(
      async () =>
        (await app.queueRow('default').count()) === 1 && (await app.deadCount('default')) > 0,
      'dead letters',
    );
    const dead = await app.deadCount('default');
    await app.page.locator('[data-testid="dead-letters"]').waitFor();
    await app.runCommand('requeue all dead');
    await app.waitFor(
      async () => (await app.toasts().allInnerTexts()).some((t) => t.includes('Requeued')),
      'the requeue toast',
    );
    expect((await app.toasts().allInnerTexts()).join('\n')).toContain(
      `Requeued ${dead} dead letters.`,
    );
    await app.waitFor(async () => (await app.deadCount('default')) === 0, 'no dead letters');
  });

  it('requeues one dead letter from its detail', async () => {
    const { app } = fx;
    await app.openScenario('dead-letters-and-requeue');
    await app.runToIdle();
    await app.show('messages');
    await app.filterStatus('dead');
    await app.selectFirstMessage();
    await app.page.locator('[data-testid="requeue-one"]').click();
    await app.toasts().filter({ hasText: 'Requeued 1 dead letter.' }).waitFor();
    expect(await app.toasts().filter({ hasText: 'Requeued' }).count()).toBe(1);
  });
});
