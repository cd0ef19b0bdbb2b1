/**
 * One browser and one engine per describe block: `useApp()` gives each test a fresh page (its own
 * browser context) on that engine, through the AppPage object. Tests open the scenario they need,
 * which starts a fresh run; a test that needs an engine with nothing loaded gets its own block.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import type { Browser, BrowserContext } from 'playwright-core';
import type { RunningServer } from '../../../core/index.ts';
import { AppPage } from '../pages/app-page.ts';
import { buildRendererOnce, launchChromium, startEngine } from './browser.ts';

export type AppFixture = { app: AppPage; server: RunningServer; browser: Browser };

export function useApp(opts: { colorScheme?: 'dark' | 'light' } = {}): AppFixture {
  const fx = {} as AppFixture;
  let context: BrowserContext | null = null;
  beforeAll(async () => {
    buildRendererOnce();
    [fx.browser, fx.server] = await Promise.all([launchChromium(), startEngine()]);
  }, 180_000);
  afterAll(async () => {
    await fx.browser?.close();
    await fx.server?.close();
  });
  beforeEach(async () => {
    context = await fx.browser.newContext({
      viewport: { width: 1400, height: 880 },
      colorScheme: opts.colorScheme ?? 'dark',
    });
    const page = await context.newPage();
    page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
    fx.app = new AppPage(page);
    await fx.app.open(fx.server.url);
  });
  afterEach(async (ctx) => {
    // A failed test leaves a screenshot behind, to see what the user would have seen.
    if (ctx.task.result?.state === 'fail' && fx.app) {
      const file = join(
        tmpdir(),
        `rehearsal-e2e-${ctx.task.name.replace(/\W+/g, '-').slice(0, 60)}.png`,
      );
      await fx.app.page.screenshot({ path: file }).catch(() => undefined);
      console.error(`screenshot of the failure: ${file}`);
      console.error(`toasts shown: ${JSON.stringify(await fx.app.toastLog().catch(() => []))}`);
    }
    await context?.close();
  });
  return fx;
}
