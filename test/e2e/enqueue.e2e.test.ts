import { describe, expect, it } from 'vitest';
import { e2eEnabled } from './helpers/browser.ts';
import { useApp } from './helpers/suite.ts';

describe.runIf(e2eEnabled())('enqueueing from the form', { timeout: 60_000 }, () => {
  const fx = useApp();

  it('shows invalid JSON inline and sends nothing', async () => {
    const { app } = fx;
    await app.openScenario('retries-with-backoff');
    const before = (await app.snapshot()).lastSeq;
    await app.enqueue({ actor: 'call_external_api', args: '["https://example.test/1",' });
    await app.fieldError('args (JSON array)').waitFor();
    expect(await app.fieldError('args (JSON array)').innerText()).toMatch(/^invalid JSON/);
    await app.page.waitForTimeout(300);
    expect((await app.snapshot()).lastSeq).toBe(before);
    expect(await app.toasts().count()).toBe(1); // only "Opened …"
  });

  it('enqueues a valid message, which shows in the list and can be duplicated into the form', async () => {
    const { app } = fx;
    await app.openScenario('retries-with-backoff');
    await app.enqueue({
      actor: 'call_external_api',
      args: '["https://example.test/7"]',
      label: 'by-hand',
    });
    await app.toasts().filter({ hasText: 'Enqueued call_external_api' }).waitFor();
    await app.show('messages');
    await app.page.getByRole('searchbox', { name: 'Label' }).fill('by-hand');
    await app.waitFor(async () => (await app.messageRows().count()) === 1, 'the new message');
    await app.selectFirstMessage();
    await app.page.locator('[data-testid="duplicate"]').click();
    await app.page.locator('[data-testid="view-enqueue"]').waitFor();
    expect(await app.page.getByLabel('args (JSON array)').inputValue()).toContain(
      'https://example.test/7',
    );
  });

  it('shows an engine refusal with its code, and the app keeps working', async () => {
    const { app } = fx;
    await app.openScenario('retries-with-backoff');
    await app.enqueue({ actor: 'no_such_actor' });
    await app.page.locator('.form__server', { hasText: 'UNKNOWN_ACTOR' }).waitFor();
    await app.show('queues');
    await app.stepForward(1);
  });
});
