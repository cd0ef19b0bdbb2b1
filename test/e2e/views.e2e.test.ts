import { describe, expect, it } from 'vitest';
import { e2eEnabled } from './helpers/browser.ts';
import { useApp } from './helpers/suite.ts';

describe.runIf(e2eEnabled())(
  'the graph, the profiler, the palette and the themes',
  { timeout: 60_000 },
  () => {
    const fx = useApp();

    it('draws a group as a DAG that pans and zooms', async () => {
      const { app } = fx;
      await app.openScenario('group-fan-out-fan-in');
      await app.runToIdle();
      await app.show('pipelines');
      const nodes = app.page.locator('.react-flow__node');
      await nodes.first().waitFor();
      await app.waitFor(
        async () => (await nodes.count()) === 8,
        '8 nodes (7 messages and the group)',
      );
      expect(await app.page.locator('.react-flow__edge').count()).toBeGreaterThanOrEqual(9);
      expect(await app.page.locator('.gnode--succeeded').count()).toBe(7);
      const before = await app.page.locator('.react-flow__viewport').getAttribute('style');
      await app.page.locator('.react-flow__controls-zoomin').click();
      await app.waitFor(
        async () =>
          (await app.page.locator('.react-flow__viewport').getAttribute('style')) !== before,
        'a zoom',
      );
    });

    it('charts throughput, depth, latency and a histogram, with Little’s law beside them', async () => {
      const { app } = fx;
      await app.openScenario('thundering-herd-with-jitter');
      await app.runToIdle();
      await app.show('profiler');
      for (const chart of ['throughput', 'depth', 'latency', 'histogram'])
        await app.page.locator(`[data-testid="chart-${chart}"] canvas`).waitFor();
      expect(await app.page.locator('[data-testid="littles-law"]').innerText()).toMatch(/λ·W/);
      const download = app.page.waitForEvent('download');
      await app.page.locator('[data-testid="export-csv"]').click();
      expect((await download).suggestedFilename()).toMatch(/\.csv$/);
    });

    it('lists every command with its shortcut in the palette (Ctrl+K) and switches theme with T', async () => {
      const { app } = fx;
      await app.press('Control+k');
      const text = await app.palette().innerText();
      for (const s of ['Space', '→', '←', 'Shift+→']) expect(text).toContain(s);
      await app.press('Escape');
      await app.palette().waitFor({ state: 'detached' });
      const theme = () => app.page.evaluate(() => document.documentElement.dataset.theme);
      const first = await theme();
      await app.press('t');
      await app.waitFor(async () => (await theme()) !== first, 'the other theme');
    });
  },
);

describe.runIf(e2eEnabled())('your own scenario', () => {
  const fx = useApp();

  it('lists validation errors inline with their JSON path, and starts nothing', async () => {
    const { app } = fx;
    await app.show('scenarios');
    const editor = app.page.getByLabel('Scenario JSON');
    await editor.fill(
      JSON.stringify({
        rehearsal: 1,
        actors: [{ name: 'flaky', options: { max_retries: -1 } }],
        messages: [{ actor: 'flakey' }],
      }),
    );
    await app.page.locator('[data-testid="run-scenario"]').click();
    const problems = app.page.locator('[data-testid="scenario-problems"]');
    await problems.waitFor();
    expect(await problems.innerText()).toMatch(/actors\[0\]\.options\.max_retries/);
    expect((await app.snapshot()).mode).toBe('empty');
  });
});

describe.runIf(e2eEnabled())('an engine with nothing loaded', () => {
  const fx = useApp();

  it('shows useful empty states', async () => {
    const { app } = fx;
    expect(await app.page.locator('.empty__title').innerText()).toBe('No run loaded');
    await app.show('profiler');
    expect(await app.page.locator('.empty__title').innerText()).toBe('Nothing to profile yet');
    await app.show('messages');
    expect(await app.page.locator('.empty__title').innerText()).toBe('No messages yet');
  });
});
