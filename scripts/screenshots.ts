/**
 * Takes a screenshot of every view in both themes with headless Chromium, writing
 * docs/screenshots/*.png: `npx tsx scripts/screenshots.ts` (builds the renderer first if needed).
 *
 * The engine runs in process on a temp database (core's startServer), like `rehearsal serve`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { startServer } from '../core/index.ts';

const root = resolve(import.meta.dirname, '..');
const outDir = join(root, 'docs', 'screenshots');
const only = process.argv[2] ?? '';

if (!existsSync(join(root, 'dist', 'renderer', 'index.html')))
  execFileSync(process.execPath, [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build'], {
    cwd: root,
    stdio: 'inherit',
  });
mkdirSync(outDir, { recursive: true });
const dir = mkdtempSync(join(tmpdir(), 'rehearsal-shots-'));
const server = await startServer({ db: join(dir, 'run.db') });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-sync'],
});

/** The light theme is shot for these views only (the dark one for all). */
const LIGHT = ['queues', 'message-detail', 'time-travel', 'profiler', 'pipelines'];

async function shot(page: Page, name: string): Promise<void> {
  if (only && !name.includes(only)) return;
  if (name.startsWith('light-') && !LIGHT.includes(name.slice('light-'.length))) return;
  await page.waitForTimeout(400);
  await page.screenshot({ path: join(outDir, `${name}.png`) });
  console.log(`docs/screenshots/${name}.png`);
}

async function openScenario(page: Page, name: string): Promise<void> {
  await page.keyboard.press('6');
  await page.click(`[data-testid="open-${name}"]`);
  await page.waitForSelector(`[data-testid="view-queues"]`);
  await page.waitForTimeout(300);
}

try {
  for (const theme of ['dark', 'light'] as const) {
    const page = await browser.newPage({
      viewport: { width: 1440, height: 900 },
      colorScheme: theme,
    });
    page.on('pageerror', (e) => console.error('page error:', e.message));
    await page.goto(server.url);
    await page.waitForSelector('[data-testid="view-queues"]');
    await page.evaluate((t) => localStorage.setItem('rehearsal.theme', t), theme);
    await page.reload();
    await page.waitForSelector('[data-testid="view-queues"]');
    await shot(page, `${theme}-empty`);

    await page.keyboard.press('6');
    await shot(page, `${theme}-scenarios`);

    // A retry storm, stepped, then scrubbed back to a retry.
    await openScenario(page, 'retries-with-backoff');
    for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowRight');
    await shot(page, `${theme}-queues`);
    await page.keyboard.press('Shift+ArrowRight');
    await page.waitForTimeout(300);
    await page.keyboard.press('2');
    await page.click('[data-testid="message-row"]');
    await shot(page, `${theme}-message-detail`);
    for (let i = 0; i < 6; i++) await page.keyboard.press('ArrowLeft');
    await shot(page, `${theme}-time-travel`);
    await page.keyboard.press('l');
    await page.keyboard.press('Escape');

    await page.keyboard.press('3');
    await page.fill('#f-actor', 'call_external_api');
    await page.fill('#f-args', '["https://example.test/1",');
    await page.click('[data-testid="send"]');
    await shot(page, `${theme}-enqueue-invalid`);
    await page.keyboard.press('Escape');

    await page.keyboard.press('7');
    await shot(page, `${theme}-journal`);

    // Dead letters.
    await openScenario(page, 'dead-letters-and-requeue');
    await page.keyboard.press('Shift+ArrowRight');
    await page.waitForTimeout(800);
    await shot(page, `${theme}-dead-letters`);

    // Profiler on an M/M/c queue.
    await openScenario(page, 'mmc-utilization-0.80');
    await page.keyboard.press('Shift+ArrowRight');
    await page.waitForTimeout(800);
    await page.keyboard.press('5');
    await page.waitForSelector('[data-testid="chart-histogram"] canvas');
    await page.waitForTimeout(1200);
    await shot(page, `${theme}-profiler`);
    await page.keyboard.press('2');
    await shot(page, `${theme}-messages`);

    // What if there were three threads from a fifth of the way in? Fork, compare, list the runs.
    if (!only || 'fork-compare'.includes(only)) {
      const slider = page.getByRole('slider', { name: 'Journal position' });
      await slider.focus();
      await page.keyboard.press('Home');
      await page.keyboard.press('PageUp');
      await page.keyboard.press('PageUp');
      await page.keyboard.press('6');
      await page.fill('#fork-sets', 'workers[0].threads=3');
      await page.click('[data-testid="fork"]');
      await page.waitForSelector('[data-testid="open-fork"]', { timeout: 60_000 });
      await page.click('[data-testid="compare"]');
      await page.waitForSelector('[data-testid="compare-table"]', { timeout: 60_000 });
      await page.locator('#fork-title').scrollIntoViewIfNeeded();
      await shot(page, `${theme}-fork-compare`);
      await page.locator('[data-testid="run-list"]').scrollIntoViewIfNeeded();
      await shot(page, `${theme}-fork-runs`);
    }

    // Pipelines and groups.
    await openScenario(page, 'group-fan-out-fan-in');
    await page.keyboard.press('Shift+ArrowRight');
    await page.waitForTimeout(500);
    await page.keyboard.press('4');
    await page.waitForSelector('.react-flow__node');
    await page.waitForTimeout(800);
    await shot(page, `${theme}-pipelines`);

    await page.keyboard.press('Control+k');
    await shot(page, `${theme}-palette`);
    await page.keyboard.press('Escape');
    await page.close();
  }
} finally {
  await browser.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}
