/**
 * The browser's side of the server's guard (the handshake details — no token, wrong token, foreign
 * Origin or Host, frame limits — are covered at the socket level in
 * test/host/ws-server.security.test.ts; these check what a page in Chromium gets).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { RunningServer } from '../../core/index.ts';
import { buildRendererOnce, e2eEnabled, launchChromium, startEngine } from './helpers/browser.ts';

describe.runIf(e2eEnabled())(
  'a page without the right token or origin',
  { timeout: 60_000 },
  () => {
    let browser: Browser;
    let engine: RunningServer;
    let evil: Server;
    let evilUrl = '';

    beforeAll(async () => {
      buildRendererOnce();
      browser = await launchChromium();
      engine = await startEngine();
      // Another site on this machine, trying to reach the engine with a stolen token.
      evil = createServer((_req, res) => {
        res.writeHead(200, { 'Content-Type': 'text/html' });
        res.end('<!doctype html><title>evil</title>');
      });
      await new Promise<void>((r) => evil.listen(0, '127.0.0.1', r));
      evilUrl = `http://127.0.0.1:${(evil.address() as AddressInfo).port}/`;
    }, 180_000);

    afterAll(async () => {
      await browser?.close();
      await engine?.close();
      await new Promise<void>((r) => (evil ? evil.close(() => r()) : r()));
    });

    it('gets no app without the token, or with a wrong one', async () => {
      const page = await browser.newPage();
      const base = engine.url.replace(/\?token=.*$/, '');
      for (const url of [base, `${base}?token=wrong`]) {
        const res = await page.goto(url);
        expect(res?.status()).toBe(401);
        expect(await page.locator('body').innerText()).toContain(
          'open the link shown by rehearsal serve',
        );
        expect(await page.locator('#root').count()).toBe(0);
      }
      await page.close();
    });

    it('cannot open the engine WebSocket without the token, with a wrong one, or from another origin', async () => {
      const page = await browser.newPage();
      await page.goto(evilUrl);
      const tries = await page.evaluate(async (wsUrl: string) => {
        const attempt = (url: string) =>
          new Promise<string>((resolve) => {
            const ws = new WebSocket(url);
            ws.onopen = () => {
              ws.close();
              resolve('open');
            };
            ws.onerror = () => resolve('refused');
          });
        const noToken = wsUrl.replace(/\?token=.*$/, '');
        return {
          stolenToken: await attempt(wsUrl),
          noToken: await attempt(noToken),
          wrongToken: await attempt(`${noToken}?token=wrong`),
        };
      }, engine.wsUrl);
      expect(tries).toEqual({ stolenToken: 'refused', noToken: 'refused', wrongToken: 'refused' });
      await page.close();
    });
  },
);
