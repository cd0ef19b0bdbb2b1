import { describe, expect, it } from 'vitest';
import type { WebSocketRoute } from 'playwright-core';
import { e2eEnabled } from './helpers/browser.ts';
import { useApp } from './helpers/suite.ts';

describe.runIf(e2eEnabled())('a lost connection', { timeout: 60_000 }, () => {
  const fx = useApp();

  it('shows a banner, reconnects by itself and resumes from the last event without a gap', async () => {
    const { app, server } = fx;
    // Every WebSocket of the page goes through this route, so the test can cut it.
    const routes: WebSocketRoute[] = [];
    await app.page.routeWebSocket(/\/ws\?token=/, (ws) => {
      ws.connectToServer();
      routes.push(ws);
    });
    await app.page.reload();
    await app.page.locator('[data-testid="view-queues"]').waitFor();
    await app.openScenario('retries-with-backoff');
    await app.stepForward(2);
    const before = (await app.snapshot()).lastSeq;

    for (const r of routes) await r.close({ code: 4000, reason: 'network down (test)' });
    await app.connectionBanner().waitFor();
    expect(await app.connectionBanner().innerText()).toMatch(
      /Connection to the engine lost — reconnecting/,
    );
    // The run moves on while the page is away.
    await server.host.call('clock.runUntil', { idle: true });

    await app.connectionBanner().waitFor({ state: 'detached' });
    await app.waitFor(
      async () => (await app.snapshot()).lastSeq === 22,
      'the events missed while away',
    );
    const seqs = (await app.snapshot()).recentSeqs;
    expect(seqs.filter((s) => s > before)).toEqual(
      Array.from({ length: 22 - before }, (_, i) => before + 1 + i),
    );
  });
});
