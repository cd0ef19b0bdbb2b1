/**
 * Runs the real `rehearsal` bin in child processes, as a user would.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect } from 'vitest';
import { SqliteBroker } from '../../core/index.ts';

/** Absolute path of bin/rehearsal.js. */
export const BIN = fileURLToPath(new URL('../../bin/rehearsal.js', import.meta.url));

/** Absolute path of a fixture module. */
export function fixture(name: string): string {
  return fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
}

const dirs: string[] = [];

/**
 * A fresh temp directory, removed when the test file ends. (test/helpers/temp-db.ts removes its
 * directories after each test, which breaks tests that run concurrently.)
 */
export function scratchDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rehearsal-cli-test-'));
  dirs.push(dir);
  return dir;
}

afterAll(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** What a finished command printed and returned. */
export type CliResult = { code: number; stdout: string; stderr: string };

/** Asserts a refused command: exit 2, `error [CODE]` on stderr, no stack trace, nothing printed. */
export function expectRefused(r: CliResult, code: string): void {
  expect(r.stderr).toContain(`error [${code}]`);
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr).not.toMatch(/^\s+at /m);
}

/** A temp dir and a database path in it that does not exist yet. */
export function setup(): { cwd: string; db: string } {
  const cwd = scratchDir();
  return { cwd, db: join(cwd, 'test.db') };
}

/** The environment of a child: ours without REHEARSAL_DB (tests always pass --db). */
function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.REHEARSAL_DB;
  delete env.NODE_OPTIONS;
  return { ...env, ...extra };
}

/** Runs `rehearsal ...args` in `cwd` to completion. */
export function rehearsal(
  args: readonly string[],
  opts: { cwd: string; env?: Record<string, string>; timeoutMs?: number },
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: opts.cwd, env: childEnv(opts.env), timeout: opts.timeoutMs ?? 60_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : null) : 0;
        if (code === null) {
          const how = err?.killed ? 'was killed (timeout?)' : `ended with ${String(err?.signal)}`;
          reject(new Error(`rehearsal ${args.join(' ')} ${how}; stderr:\n${stderr}`));
        } else resolve({ code, stdout, stderr });
      },
    );
  });
}

/** A long-running `rehearsal` process (a worker, `journal --follow`). */
export type Running = {
  child: ChildProcess;
  /** Everything printed so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or 128 + signal number style name when killed). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
};

/** Starts `rehearsal ...args` without waiting for it. */
export function start(
  args: readonly string[],
  opts: { cwd: string; env?: Record<string, string> },
): Running {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: opts.cwd,
    env: childEnv(opts.env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Polls `check` until it returns a value that is not undefined (or the time runs out). */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let delay = 100;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(1000, delay * 2);
  }
}

/** A fingerprint of a file's bytes, or 'absent' (to prove a command did not touch it). */
export function fileState(path: string): string {
  if (!existsSync(path)) return 'absent';
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** Per-queue counts as `rehearsal queues --json` prints them. */
export type QueueRow = {
  queue: string;
  ready: number;
  delayed: number;
  in_flight: number;
  dead: number;
  paused: boolean;
};

/**
 * Per-queue counts read in this process (cheap, for waiting; assertions use the CLI), or
 * undefined while the database does not exist yet.
 */
export function countsNow(db: string): QueueRow[] | undefined {
  if (!existsSync(db)) return undefined;
  const broker = new SqliteBroker({ file: db });
  try {
    return broker.stats().map((q) => ({
      queue: q.queue,
      ready: q.ready,
      delayed: q.delayed,
      in_flight: q.inFlight,
      dead: q.dead,
      paused: q.paused,
    }));
  } finally {
    broker.close();
  }
}

/** `rehearsal queues --json`, parsed. */
export async function queues(cwd: string, db: string): Promise<QueueRow[]> {
  const r = await rehearsal(['queues', '--json', '--db', db], { cwd });
  if (r.code !== 0) throw new Error(`rehearsal queues failed (${r.code}): ${r.stderr}`);
  return JSON.parse(r.stdout) as QueueRow[];
}

/** The journal as exported objects (`rehearsal journal --format jsonl`). */
export async function journal(cwd: string, db: string): Promise<Record<string, unknown>[]> {
  const r = await rehearsal(['journal', '--format', 'jsonl', '--db', db], { cwd });
  if (r.code !== 0) throw new Error(`rehearsal journal failed (${r.code}): ${r.stderr}`);
  return r.stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}
