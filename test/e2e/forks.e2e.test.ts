import { describe, expect, it } from 'vitest';
import { e2eEnabled } from './helpers/browser.ts';
import { useApp } from './helpers/suite.ts';

describe.runIf(e2eEnabled())('what-if forks in the app', { timeout: 90_000 }, () => {
  const fx = useApp();

  it('forks a run at an event, opens the fork, forks it again and compares', async () => {
    const { app } = fx;
    await app.openScenario('retries-with-backoff');
    await app.runToIdle();
    const base = (await app.snapshot()).runId!;
    expect((await app.snapshot()).lastSeq).toBe(22);

    // Back to event #4 (the first retry_scheduled), then fork with fewer retries.
    await app.scrubToStartThenForward(4);
    await app.waitFor(async () => (await app.position()).startsWith('#4 /'), 'event #4');
    const said = await app.fork(['actors.call_external_api.options.max_retries=1']);
    const fork = /Forked: (\S+\.db): 4 events shared, 10 in all/.exec(said)?.[1];
    expect(fork, said).toBeDefined();
    expect(await app.runList()).toEqual(expect.arrayContaining([base, fork]));

    // Open it: a stored run, read-only, ten events (two attempts, then the dead letter).
    await app.openFork(fork!);
    expect((await app.snapshot()).lastSeq).toBe(10);

    // A fork of the fork after its own fork point keeps max_retries=1 (still ten events).
    await app.scrubToStartThenForward(8);
    await app.waitFor(async () => (await app.position()).startsWith('#8 /'), 'event #8');
    const again = await app.fork(['actors.call_external_api.options.min_backoff=10']);
    expect(again).toMatch(/: 8 events shared, 10 in all/);

    // Compare the fork (open now) with the fork of the fork: same outcome.
    const rows = await app.compare();
    expect(rows.get('times dead-lettered')).toEqual(['1', '1']);
    expect(rows.get('events')).toEqual(['10', '10']);
  });
});
