import { describe, expect, it } from 'vitest';
import { e2eEnabled } from './helpers/browser.ts';
import { useApp } from './helpers/suite.ts';

describe.runIf(e2eEnabled())(
  'stepping through a retry storm and travelling in time',
  { timeout: 60_000 },
  () => {
    const fx = useApp();

    it('opens a gallery scenario, steps with →, and explains each retry with its formula', async () => {
      const { app } = fx;
      await app.openScenario('retries-with-backoff');
      expect(await app.runTitle()).toBe('Retries with exponential backoff');
      await app.stepForward(4);
      await app.waitFor(async () => (await app.snapshot()).lastSeq >= 7, 'the first retry');
      // Back to the first retry_scheduled event (#4): the teaching panel explains it.
      await app.waitFor(async () => {
        if ((await app.position()).startsWith('#4 /')) return true;
        await app.stepBack();
        return false;
      }, 'event #4');
      await app.waitFor(
        async () => /retry_scheduled/.test(await app.teaching()),
        'the retry explained',
      );
      // The actor's real max_retries and min_backoff (the `actors` query), not inferred ones.
      expect(await app.teaching()).toMatch(
        /Retries scheduled retry 1 of 5 in 1\.43 s: 1 s × 2⁰ × jitter 1\.43\./,
      );
      expect(await app.teaching()).not.toContain('inferred');
      expect(await app.position()).toMatch(/^#4 \/ \d+/);
    });

    it('scrubs back and forward over the whole journal, every view following, and returns live', async () => {
      const { app } = fx;
      await app.openScenario('retries-with-backoff');
      await app.runToIdle();
      expect((await app.snapshot()).lastSeq).toBe(22);
      await app.show('messages');
      await app.selectFirstMessage();
      expect(await app.detail().innerText()).toContain('succeeded');
      // The actor's effective options, its own and the defaults, with its real min_backoff in
      // every retry's formula.
      const options = app.detail().locator('[data-testid="actor-options"]');
      await options.waitFor();
      expect(await options.innerText()).toMatch(/min_backoff\s+1000 \(1 s\)/);
      expect(await options.innerText()).toMatch(/time_limit\s+600000 \(10 m 0 s\)\s*default/);
      expect(await app.detail().innerText()).toContain('1 s × 2² × jitter');
      // Scrub with the keyboard: start, then 10 events forward.
      await app.scrubToStartThenForward(12);
      await app.waitFor(
        async () => (await app.position()).startsWith('#12 / 22'),
        'the scrubber at #12',
      );
      await app.waitFor(
        async () => /retrying|delayed/.test(await app.messageRows().first().innerText()),
        'the list at #12',
      );
      expect(await app.detail().innerText()).toMatch(/Attempt 2|Attempt 1/);
      expect(await app.detail().innerText()).not.toContain('Attempt 4');
      // Forward again with →, then Live.
      await app.page.locator('body').focus();
      await app.stepForward(3);
      await app.waitFor(
        async () => (await app.position()).startsWith('#15 / 22'),
        'the scrubber at #15',
      );
      await app.goLive();
      await app.waitFor(async () => (await app.position()).startsWith('live'), 'live');
      expect((await app.snapshot()).cursor).toBeNull();
    });

    it('plays and pauses with Space', async () => {
      const { app } = fx;
      await app.openScenario('mmc-utilization-0.50');
      await app.page.locator('body').focus();
      await app.press(']', ']'); // 10×
      await app.press(' ');
      await app.waitFor(async () => (await app.snapshot()).lastSeq > 20, 'events while playing');
      await app.press(' ');
      await app.page.locator('[data-testid="clock-state"]', { hasText: 'paused' }).waitFor();
    });

    it('says what a "run to" time must look like, and runs to a good one', async () => {
      const { app } = fx;
      await app.openScenario('retries-with-backoff');
      const until = app.page.getByLabel('Run until time');
      await until.fill('banana');
      await until.press('Enter');
      await app
        .toasts()
        .filter({ hasText: 'Run to “banana”: expected a time like 30s, 2m, 1h or 1500ms.' })
        .waitFor();
      expect((await app.snapshot()).lastSeq).toBe(0);
      await until.fill('2s');
      await until.press('Enter');
      await app.waitFor(async () => (await app.snapshot()).lastSeq > 0, 'events up to 2 s');
    });
  },
);
