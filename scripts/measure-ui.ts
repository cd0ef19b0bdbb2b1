/**
 * Measures the app as a user feels it, in headless Chromium: `npx tsx scripts/measure-ui.ts`.
 *
 * 1. First paint from `rehearsal serve` start: spawn the CLI, wait for the URL it prints, load it
 *    (in a tab of an already running browser, as a user's would be) and read
 *    first-contentful-paint as wall time. `npm run bench -- --only first_paint` takes the median
 *    of several runs (bench/first-paint.ts).
 * 2. A 100 000-message run: time to show the Messages view, to jump to the middle of the list,
 *    to filter it by text, and the frame gaps while scrolling.
 * 3. Live: frame gaps while that scenario plays at 1000× and events stream in.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { startServer } from '../core/index.ts';

const root = resolve(import.meta.dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'rehearsal-measure-'));
const MESSAGES = Number(process.env.MESSAGES ?? 100_000);

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-sync'],
});

/** Worst and 95th-percentile gaps between animation frames while `during` runs. */
async function frameGaps(
  page: Page,
  during: () => Promise<void>,
): Promise<{ p95: number; worst: number; frames: number }> {
  // A string, not a function: tsx would wrap named inner functions in a helper the page lacks.
  await page.evaluate(`(() => {
    window.__gaps = [];
    window.__stop = false;
    let last = performance.now();
    const tick = (now) => {
      window.__gaps.push(now - last);
      last = now;
      if (!window.__stop) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  })()`);
  await during();
  const gaps = await page.evaluate(() => {
    const w = window as unknown as { __gaps: number[]; __stop: boolean };
    w.__stop = true;
    return w.__gaps;
  });
  const sorted = [...gaps].sort((a, b) => a - b);
  return {
    p95: Math.round(sorted[Math.floor(sorted.length * 0.95)] ?? 0),
    worst: Math.round(sorted[sorted.length - 1] ?? 0),
    frames: gaps.length,
  };
}

try {
  // ---- 1. first paint from serve start ----
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  const spawnedAt = Date.now();
  const t0 = performance.now();
  const child = spawn(
    process.execPath,
    [
      join(root, 'bin', 'rehearsal.js'),
      'serve',
      'retries-with-backoff',
      '--db',
      join(dir, 'paint.db'),
    ],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const url = await new Promise<string>((done) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /http:\/\/127\.0\.0\.1:\d+\/\?token=\S+/.exec(out);
      if (m) done(m[0]);
    });
  });
  const tUrl = performance.now();
  await page.goto(url, { waitUntil: 'commit' });
  const paint = (await page.evaluate(`new Promise((done) => {
    const seen = () => performance.getEntriesByName('first-contentful-paint')[0];
    const e = seen();
    if (e) return done({ origin: performance.timeOrigin, fcp: e.startTime });
    new PerformanceObserver(() => {
      const x = seen();
      if (x) done({ origin: performance.timeOrigin, fcp: x.startTime });
    }).observe({ type: 'paint', buffered: true });
  })`)) as { origin: number; fcp: number };
  await page.locator('[data-testid="run-title"]', { hasText: 'Retries' }).waitFor();
  const tReady = performance.now();
  console.log(
    `first paint: serve start → URL printed ${Math.round(tUrl - t0)} ms; page first-contentful-paint ${Math.round(paint.fcp)} ms after navigation; serve start → first paint ${Math.round(paint.origin + paint.fcp - spawnedAt)} ms; run on screen ${Math.round(tReady - t0)} ms`,
  );
  await page.close();
  child.kill('SIGINT');

  // ---- 2. a 100k-message run ----
  const scenario = {
    rehearsal: 1,
    name: `${MESSAGES} messages`,
    seed: 7,
    actors: [
      {
        name: 'work',
        options: { max_retries: 1, min_backoff: 100 },
        behavior: {
          duration: { dist: 'constant', ms: 2 },
          fail: { probability: 0.05, error: 'Flaky' },
        },
      },
    ],
    workers: [{ threads: 16, processes: 1 }],
    arrivals: [{ actor: 'work', process: 'uniform', rate: 2000, count: MESSAGES }],
  };
  const server = await startServer({ db: join(dir, 'big.db'), scenario });
  let t = performance.now();
  const end = await server.host.call('clock.runUntil', { idle: true });
  console.log(
    `engine: ${MESSAGES} messages, ${end.seq} events simulated in ${Math.round(performance.now() - t)} ms`,
  );

  const big = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  t = performance.now();
  await big.goto(server.url);
  await big.locator('[data-testid="run-title"]', { hasText: 'messages' }).waitFor();
  console.log(`open the app on the finished run: ${Math.round(performance.now() - t)} ms`);
  t = performance.now();
  await big.keyboard.press('2');
  await big.locator('[data-testid="message-row"]').first().waitFor();
  await big
    .locator('[data-testid="message-total"]', {
      hasText: MESSAGES.toLocaleString('en-US').replace(/,/g, '\u202f'),
    })
    .waitFor();
  console.log(
    `messages view with ${MESSAGES} messages: first rows in ${Math.round(performance.now() - t)} ms`,
  );
  const domRows = await big.locator('[data-testid="message-row"]').count();
  t = performance.now();
  await big
    .locator('[data-testid="message-list"]')
    .evaluate((el) => (el.scrollTop = el.scrollHeight / 2));
  await big.waitForFunction(() => {
    const rows = [...document.querySelectorAll('[data-testid="message-row"]')];
    return rows.some(
      (r) =>
        r.id ===
        `msg-${Math.floor(document.querySelector('[data-testid="message-list"]')!.scrollTop / 32)}`,
    );
  });
  console.log(
    `jump to the middle of the list: rows in ${Math.round(performance.now() - t)} ms (${domRows} rows in the DOM, of ${MESSAGES})`,
  );
  const idle = await frameGaps(big, () => big.waitForTimeout(2000));
  console.log(
    `baseline, idle for 2 s: ${idle.frames} frames, p95 frame gap ${idle.p95} ms, worst ${idle.worst} ms`,
  );
  const scroll = await frameGaps(big, async () => {
    await big.locator('[data-testid="message-list"]').hover();
    for (let i = 0; i < 60; i++) {
      await big.mouse.wheel(0, 900);
      await big.waitForTimeout(16);
    }
  });
  console.log(
    `scrolling (60 wheel steps of 900 px): ${scroll.frames} frames, p95 frame gap ${scroll.p95} ms, worst ${scroll.worst} ms`,
  );
  t = performance.now();
  const before = await big.locator('[data-testid="message-total"]').innerText();
  await big.getByRole('searchbox', { name: 'Search text' }).fill('Flaky');
  await big.waitForFunction(
    (b) => document.querySelector('[data-testid="message-total"]')!.textContent !== b,
    before,
  );
  console.log(
    `text filter "Flaky" over ${MESSAGES} messages: ${Math.round(performance.now() - t)} ms (200 ms of it is typing debounce); ${await big.locator('[data-testid="message-total"]').innerText()}`,
  );
  await big.close();

  // ---- 3. live: play while events stream ----
  const live = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await live.goto(server.url);
  await live.locator('[data-testid="run-title"]').waitFor();
  await server.host.call('loadScenario', { scenario });
  await live.locator('[data-testid="clock-state"]', { hasText: 'paused' }).waitFor();
  await live.keyboard.press('2');
  const seqBefore = await live.evaluate(
    () =>
      (
        window as unknown as {
          __rehearsal: { store: { getState(): { journal: { lastSeq: number } } } };
        }
      ).__rehearsal.store.getState().journal.lastSeq,
  );
  await server.host.call('clock.setSpeed', { factor: 1000 });
  const cdp = await live.context().newCDPSession(live);
  await cdp.send('Performance.enable');
  const metric = async () => {
    const { metrics } = await cdp.send('Performance.getMetrics');
    const get = (n: string) => metrics.find((m) => m.name === n)?.value ?? 0;
    return {
      task: get('TaskDuration'),
      script: get('ScriptDuration'),
      layout: get('LayoutDuration') + get('RecalcStyleDuration'),
    };
  };
  const m0 = await metric();
  const gaps = await frameGaps(live, () => live.waitForTimeout(4000));
  const m1 = await metric();
  console.log(
    `page main thread while playing: busy ${Math.round((m1.task - m0.task) * 1000)} ms of 4000 (script ${Math.round((m1.script - m0.script) * 1000)} ms, style+layout ${Math.round((m1.layout - m0.layout) * 1000)} ms)`,
  );
  await server.host.call('clock.setSpeed', { factor: 0 });
  const seqAfter = await live.evaluate(
    () =>
      (
        window as unknown as {
          __rehearsal: { store: { getState(): { journal: { lastSeq: number } } } };
        }
      ).__rehearsal.store.getState().journal.lastSeq,
  );
  console.log(
    `playing at 1000× on the messages view: ${seqAfter - seqBefore} events in 4 s applied, ${gaps.frames} frames, p95 frame gap ${gaps.p95} ms, worst ${gaps.worst} ms`,
  );
  await live.close();
  await server.close();
} finally {
  await browser.close();
  rmSync(dir, { recursive: true, force: true });
}
