/**
 * What every e2e file needs: Debian's Chromium (or a clean skip outside CI), the renderer built
 * once per test run, and an engine server started in process on a temp database.
 *
 * - Chromium is /usr/bin/chromium (`.ci/run` installs it). Outside CI, a machine without it skips
 *   the e2e suite with a message saying so; in CI (CI=true) a missing browser is a failure.
 * - The renderer is built once per `vitest` run (a stamp with the runner's pid, under a lock, as
 *   the e2e files run in parallel workers) into node_modules/.cache, so a `rehearsal serve` using
 *   dist/renderer is never disturbed.
 */
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { startServer, type RunningServer } from '../../../core/index.ts';

export const CHROMIUM = '/usr/bin/chromium';
const ROOT = resolve(import.meta.dirname, '..', '..', '..');
export const E2E_RENDERER_DIR = join(ROOT, 'node_modules', '.cache', 'rehearsal-e2e', 'renderer');
const LOCK = join(ROOT, 'node_modules', '.cache', 'rehearsal-e2e', 'build.lock');
const STAMP = join(E2E_RENDERER_DIR, '.built-by');

/** True when the e2e suite can run here; false (with a reason printed once) when it skips. */
export function e2eEnabled(): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env.CI === 'true') return true; // run, and fail loudly: CI must have the browser
  console.warn(
    `e2e tests skipped: ${CHROMIUM} is missing (install it with \`apt-get install -y chromium\`; in CI they run)`,
  );
  return false;
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Builds the renderer for this test run unless another worker already did (see the header). */
export function buildRendererOnce(): string {
  const runId = String(process.ppid);
  const built = () => existsSync(STAMP) && readFileSync(STAMP, 'utf8') === runId;
  if (built()) return E2E_RENDERER_DIR;
  mkdirSync(join(LOCK, '..'), { recursive: true });
  const started = Date.now();
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch {
      if (built()) return E2E_RENDERER_DIR;
      // A lock left by a killed run.
      if (existsSync(LOCK) && Date.now() - statSync(LOCK).mtimeMs > 120_000)
        rmSync(LOCK, { recursive: true, force: true });
      if (Date.now() - started > 180_000)
        throw new Error('timed out waiting for the e2e renderer build');
      sleep(100);
    }
  }
  try {
    if (!built()) {
      execFileSync(
        process.execPath,
        [
          join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'),
          'build',
          '--outDir',
          E2E_RENDERER_DIR,
          '--emptyOutDir',
          '--sourcemap',
          'false',
          '--logLevel',
          'warn',
        ],
        // vitest sets NODE_ENV=test, which would make vite bundle React's development build.
        { cwd: ROOT, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } },
      );
      writeFileSync(STAMP, runId);
    }
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
  return E2E_RENDERER_DIR;
}

/** Launches headless Chromium with the flags CI needs. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
    ],
  });
}

/**
 * An engine server on a database in a fresh temp dir (removed on close) and a free port, serving
 * the e2e build. (Not test/helpers' tempDbPath: that dir goes after each test, and the engine
 * serves a whole describe block.)
 */
export async function startEngine(
  opts: Omit<Parameters<typeof startServer>[0], 'db' | 'rendererDir'> = {},
): Promise<RunningServer> {
  const dir = mkdtempSync(join(tmpdir(), 'rehearsal-e2e-'));
  const server = await startServer({
    db: join(dir, 'run.db'),
    rendererDir: E2E_RENDERER_DIR,
    ...opts,
  });
  const close = server.close.bind(server);
  return {
    ...server,
    close: async () => {
      await close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
