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

  it('opens on N with the only actor of the run chosen and its field focused', async () => {
    const { app } = fx;
    await app.openScenario('retries-with-backoff');
    await app.page.keyboard.press('Escape');
    await app.page.keyboard.press('n');
    await app.page.locator('[data-testid="view-enqueue"]').waitFor();
    await app.waitFor(
      async () => (await app.page.evaluate(() => document.activeElement?.id)) === 'f-actor',
      'the actor field focused',
    );
    expect(await app.page.locator('#f-actor').inputValue()).toBe('call_external_api');
  });

  it('shows an engine refusal with its code, and the app keeps working', async () => {
    const { app } = fx;
    await app.openScenario('retries-with-backoff');
    await app.enqueue({ actor: 'no_such_actor' });
    await app.page.locator('.form__server', { hasText: 'UNKNOWN_ACTOR' }).waitFor();
    // Fixing the form takes the refusal away: it was about the form as it was.
    await app.page.locator('#f-actor').fill('call_external_api');
    expect(await app.page.locator('.form__server').count()).toBe(0);
    await app.show('queues');
    await app.stepForward(1);
  });
});
