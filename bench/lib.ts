/**
 * Small helpers shared by the bench sections: temp directories, timing, RSS and the wire body of
 * a no-op message. Nothing here asserts: a bench reports, it never fails the process.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { encodeMessage } from '../core/index.ts';

/** Queue and actor names used by every section (raw rows look like the engine's). */
export const QUEUE = 'default';
export const ACTOR = 'noop';

/**
 * One timed repetition: how many messages went through in how many wall-clock seconds, and how
 * much CPU (user + system) this process used meanwhile — steadier than wall time on a busy box.
 */
export type Timed = { messages: number; seconds: number; cpuSeconds: number };

/** Runs `fn` with a fresh temp directory, removed afterwards whatever happens. */
export async function withTempDir<T>(fn: (dir: string) => Promise<T> | T): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'rehearsal-bench-'));
  try {
    return await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Monotonic milliseconds (bench/ is outside core, so it may read the host clock). */
export function nowMs(): number {
  return performance.now();
}

/** Starts a stopwatch; calling the result gives the elapsed wall and CPU seconds. */
export function stopwatch(): () => { seconds: number; cpuSeconds: number } {
  const t0 = nowMs();
  const c0 = process.cpuUsage();
  return () => {
    const c = process.cpuUsage(c0);
    return { seconds: (nowMs() - t0) / 1000, cpuSeconds: (c.user + c.system) / 1e6 };
  };
}

/** Times a synchronous loop over `messages` messages. */
export function timeSync(messages: number, fn: () => void): Timed {
  const stop = stopwatch();
  fn();
  return { messages, ...stop() };
}

/** Current resident set size, MB. */
export function rssMb(): number {
  return process.memoryUsage().rss / 1024 / 1024;
}

/** Peak resident set size of this process so far, MB. */
export function peakRssMb(): number {
  return process.resourceUsage().maxRSS / 1024;
}

/** Real sleep (the bench measures wall time on purpose). */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The encoded body of the i-th no-op message, exactly as the engine would store it. */
export function noopBody(i: number, messageId: string = randomUUID()): string {
  return encodeMessage({
    queueName: QUEUE,
    actorName: ACTOR,
    args: [i],
    kwargs: {},
    options: {},
    messageId,
    messageTimestamp: Math.trunc(Date.now()),
  });
}

/** Rounds a rate for display and JSON (3 significant digits is all the noise allows). */
export function round(x: number, digits = 3): number {
  if (!Number.isFinite(x) || x === 0) return x;
  const p = Math.pow(10, digits - Math.ceil(Math.log10(Math.abs(x))));
  return Math.round(x * p) / p;
}
