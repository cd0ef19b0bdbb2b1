/**
 * `bullmq_e2e_jobs_per_s`: the same end-to-end measurement as `engine_e2e_msgs_per_s`, on BullMQ
 * over a local Redis, so the engine's figure has a familiar yardstick next to it.
 *
 * Contract:
 * 1. Each repetition starts its own `redis-server` on a free loopback port, in the repetition's
 *    temp directory, with persistence off (`--save '' --appendonly no`), and stops it afterwards,
 *    also when the repetition fails and on Ctrl+C / SIGTERM (the process then exits 130 / 143).
 * 2. Like the engine's e2e: N jobs are prefilled with `queue.addBulk` (1000 per call, untimed),
 *    then a `Worker` with concurrency 8 and a no-op processor starts, and the time runs until the
 *    worker has reported N `completed` events. BullMQ's defaults otherwise (completed jobs are
 *    kept, the events stream is on), as the engine keeps its journal.
 * 3. Without `redis-server` on the PATH, `redisMissing()` says so and the section reports null.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';
import { Queue, Worker } from 'bullmq';
import { nowMs, stopwatch, type Timed } from './lib.ts';

/** Concurrency of the BullMQ worker: the engine's e2e uses 8 threads. */
const CONCURRENCY = 8;

/** The absolute path of `redis-server` on the PATH, or null. */
export function findRedisServer(): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, 'redis-server');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return null;
}

/** Why the section cannot run here (a note for the JSON), or null when it can. */
export function redisMissing(): string | null {
  return findRedisServer() === null
    ? 'not run: redis-server is not installed (on Debian/Ubuntu: apt-get install redis-server)'
    : null;
}

/** A free TCP port on 127.0.0.1 (asked from the OS, then released for redis to take). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const addr = server.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

/** A running redis-server and how to stop it (idempotent). */
type Redis = { port: number; version: string | null; stop(): Promise<void> };

/** Starts redis-server in `dir` and resolves once it accepts connections (contract item 1). */
async function startRedis(dir: string): Promise<Redis> {
  const bin = findRedisServer();
  if (bin === null) throw new Error(redisMissing()!);
  const port = await freePort();
  const child: ChildProcess = spawn(
    bin,
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
      '--daemonize',
      'no',
    ],
    { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      resolve();
    }),
  );
  // A Ctrl+C (or SIGTERM) while redis runs: stop it before this process goes.
  const onSignal = (signal: NodeJS.Signals): void => {
    child.kill('SIGTERM');
    const code = signal === 'SIGINT' ? 130 : 143;
    const force = setTimeout(() => process.exit(code), 2000);
    void exit.then(() => {
      clearTimeout(force);
      process.exit(code);
    });
  };
  const onExit = (): void => {
    if (!exited) child.kill('SIGKILL');
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  process.once('exit', onExit);
  const stop = async (): Promise<void> => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('exit', onExit);
    if (exited) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exit;
    clearTimeout(timer);
  };
  let out = '';
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`redis-server did not start within 10 s: ${out.slice(-300)}`)),
        10_000,
      );
      const onData = (d: Buffer): void => {
        out += d.toString();
        if (out.includes('Ready to accept connections')) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      void exit.then(() => {
        clearTimeout(timer);
        reject(new Error(`redis-server exited at start: ${out.slice(-300)}`));
      });
    });
  } catch (err) {
    await stop();
    throw err;
  }
  return { port, version: /version=([\d.]+)/.exec(out)?.[1] ?? null, stop };
}

/** Result of one BullMQ repetition. */
export type BullmqResult = Timed & { redisVersion: string | null };

/** One repetition (contract items 1–2): `n` no-op jobs through a fresh redis-server. */
export async function bullmqE2e(
  dir: string,
  n: number,
  timeoutMs = 180_000,
): Promise<BullmqResult> {
  const redis = await startRedis(dir);
  const connection = { host: '127.0.0.1', port: redis.port };
  const queue = new Queue('bench', { connection });
  let worker: Worker | null = null;
  try {
    for (let i = 0; i < n; i += 1000) {
      const jobs = [];
      for (let j = i; j < Math.min(n, i + 1000); j++) jobs.push({ name: 'noop', data: { i: j } });
      await queue.addBulk(jobs);
    }
    let completed = 0;
    let done: () => void = () => undefined;
    const allDone = new Promise<void>((resolve) => (done = resolve));
    const w = new Worker('bench', async () => undefined, {
      connection,
      concurrency: CONCURRENCY,
      autorun: false,
    });
    worker = w;
    w.on('completed', () => {
      if (++completed === n) done();
    });
    let failure: Error | null = null;
    w.on('failed', (_job, err) => {
      failure = err;
      done();
    });
    await w.waitUntilReady();
    const stop = stopwatch();
    const deadline = nowMs() + timeoutMs;
    void w.run();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), Math.max(0, deadline - nowMs()));
    });
    const how = await Promise.race([allDone.then(() => 'done' as const), timeout]);
    clearTimeout(timer);
    const t = stop();
    if (failure) throw new Error(`a BullMQ job failed: ${(failure as Error).message}`);
    if (how === 'timeout') throw new Error(`timed out with ${n - completed} jobs not completed`);
    return { messages: completed, ...t, redisVersion: redis.version };
  } finally {
    await worker?.close();
    await queue.close();
    await redis.stop();
  }
}
