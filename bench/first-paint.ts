/**
 * `first_paint_ms`: from starting `rehearsal serve` to the app's first paint in a browser — what
 * a user waits between pressing Enter and seeing something.
 *
 * 1. Each run spawns `node bin/rehearsal.js serve retries-with-backoff --db <fresh file>` exactly
 *    as a user would (the CLI bundle when fresh, else tsx: bin/rehearsal.js decides), waits for
 *    the URL on stdout, and opens it at once in a tab that was already open (a blank page in a
 *    fresh context of a running headless Chromium: a first visit, nothing cached). The figure is
 *    the page's first-contentful-paint as wall time (`performance.timeOrigin` + the paint entry)
 *    minus the wall time of the spawn.
 * 2. One untimed run comes first (it rebuilds a stale CLI bundle or a missing renderer, and warms
 *    the disk cache); the figure is the median of the timed runs. Also reported: the time to the
 *    URL and the CPU time the CLI used until then (steadier than wall time on a busy machine),
 *    navigation to paint, and the time until the run's title is on screen (the app connected
 *    and loaded the run).
 * 3. Chromium is /usr/bin/chromium with the CI flags; without it the section reports why not.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

const ROOT = resolve(import.meta.dirname, '..');
export const CHROMIUM = '/usr/bin/chromium';
const SCENARIO = 'retries-with-backoff';

/** The figures of the section (ms). */
export type FirstPaintResult = {
  first_paint_ms: number;
  url_ms: number;
  /** CPU ms the serve process used until it printed the URL (Linux; null elsewhere). */
  url_cpu_ms: number | null;
  navigation_to_paint_ms: number;
  app_ready_ms: number;
  runs: number;
  /** Whether `serve` ran the CLI bundle (dist/cli) or the TypeScript sources through tsx. */
  cli: 'bundle' | 'tsx';
  every_first_paint_ms: number[];
};

/** Why the section cannot run here, or null. */
export function chromiumMissing(): string | null {
  return existsSync(CHROMIUM) ? null : `skipped: ${CHROMIUM} is not installed`;
}

type OneRun = { paint: number; url: number; urlCpu: number | null; nav: number; ready: number };

/**
 * CPU ms (user + system) a process has used so far, from /proc (Linux; null elsewhere). Less
 * sensitive than wall time to other work on a shared machine.
 */
function cpuMsOf(pid: number | undefined): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 14 and 15 of stat(5) (utime, stime), counted from the state field (3): 11 and 12.
    return (Number(fields[11]) + Number(fields[12])) * 10; // USER_HZ is 100 on Linux
  } catch {
    return null;
  }
}

async function once(
  browser: Browser,
  dir: string,
  i: number,
  env: Record<string, string>,
): Promise<OneRun> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  // The tab was open before the command ran: let the browser settle after opening it.
  await new Promise((r) => setTimeout(r, 1000));
  const spawnedAt = Date.now();
  const t0 = performance.now();
  const child = spawn(
    process.execPath,
    [join(ROOT, 'bin', 'rehearsal.js'), 'serve', SCENARIO, '--db', join(dir, `paint-${i}.db`)],
    {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_OPTIONS: '', ...env },
    },
  );
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  try {
    const url = await new Promise<string>((done, fail) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /http:\/\/127\.0\.0\.1:\d+\/\?token=\S+/.exec(out);
        if (m) done(m[0]);
      });
      child.on('exit', (code) => fail(new Error(`serve exited with ${code}: ${err.trim()}`)));
    });
    const tUrl = performance.now() - t0;
    const urlCpu = cpuMsOf(child.pid);
    await page.goto(url, { waitUntil: 'commit' });
    // A string, not a function: tsx would wrap inner functions in a helper the page lacks.
    const paint = (await page.evaluate(`new Promise((done) => {
        const seen = () => performance.getEntriesByName('first-contentful-paint')[0];
        const e = seen();
        if (e) return done({ origin: performance.timeOrigin, fcp: e.startTime });
        new PerformanceObserver(() => {
          const x = seen();
          if (x) done({ origin: performance.timeOrigin, fcp: x.startTime });
        }).observe({ type: 'paint', buffered: true });
      })`)) as { origin: number; fcp: number };
    await page.locator('[data-testid="run-title"]').waitFor();
    const ready = performance.now() - t0;
    return {
      paint: Math.round(paint.origin + paint.fcp - spawnedAt),
      url: Math.round(tUrl),
      urlCpu,
      nav: Math.round(paint.fcp),
      ready: Math.round(ready),
    };
  } finally {
    await context.close();
    await new Promise<void>((done) => {
      if (child.exitCode !== null) return done();
      child.on('exit', () => done());
      child.kill('SIGINT');
    });
  }
}

function median(xs: number[]): number {
  const a = [...xs].sort((x, y) => x - y);
  return a[Math.floor(a.length / 2)]!;
}

/** Whether bin/rehearsal.js will run the bundle (asked in a child: the helper is plain JS). */
async function cliKind(env: Record<string, string>): Promise<'bundle' | 'tsx'> {
  if ((env.REHEARSAL_NO_BUNDLE ?? process.env.REHEARSAL_NO_BUNDLE) === '1') return 'tsx';
  const code =
    "import('./bin/cli-bundle.js').then((m) => process.stdout.write(m.freshBundle() ? 'bundle' : 'tsx'))";
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', code], { cwd: ROOT });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', () => done(out.trim() === 'bundle' ? 'bundle' : 'tsx'));
  });
}

/**
 * Runs the section (see the module comment). `env` is added to the CLI's environment
 * (`{ REHEARSAL_NO_BUNDLE: '1' }` measures the TypeScript sources through tsx, as before the
 * bundle).
 */
export async function firstPaintBench(
  runs: number,
  env: Record<string, string> = {},
): Promise<FirstPaintResult> {
  const dir = mkdtempSync(join(tmpdir(), 'rehearsal-bench-paint-'));
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
  try {
    await once(browser, dir, 0, env); // item 2: untimed
    const cli = await cliKind(env);
    const all: OneRun[] = [];
    for (let i = 1; i <= runs; i++) all.push(await once(browser, dir, i, env));
    return {
      first_paint_ms: median(all.map((r) => r.paint)),
      url_ms: median(all.map((r) => r.url)),
      url_cpu_ms: all.every((r) => r.urlCpu !== null) ? median(all.map((r) => r.urlCpu!)) : null,
      navigation_to_paint_ms: median(all.map((r) => r.nav)),
      app_ready_ms: median(all.map((r) => r.ready)),
      runs,
      cli,
      every_first_paint_ms: all.map((r) => r.paint),
    };
  } finally {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
