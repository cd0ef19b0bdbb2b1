/**
 * Child processes of the fault experiments: spawned with `process.execPath --import tsx`, their
 * output captured, and waited on with deadlines (nothing here waits forever).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The repository root (cwd of every child). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** A running child. */
export type Child = {
  proc: ChildProcess;
  name: string;
  /** Everything it wrote to stdout so far. */
  stdout(): string;
  /** Everything it wrote to stderr so far. */
  stderr(): string;
  /** Resolves with the exit code, or the signal's name, once it has exited. */
  exited: Promise<number | string>;
  /** True once it has exited. */
  readonly done: boolean;
};

const live = new Set<ChildProcess>();

/** Spawns `node --import tsx <script> <args>` from the repository root. */
export function spawnScript(
  script: string,
  args: Record<string, string | number>,
  name = script,
): Child {
  const argv = Object.entries(args).flatMap(([k, v]) => [`--${k}`, String(v)]);
  const proc = spawn(process.execPath, ['--import', 'tsx', script, ...argv], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(proc);
  let out = '';
  let err = '';
  let done = false;
  proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | string>((resolve) =>
    proc.on('exit', (code, signal) => {
      done = true;
      live.delete(proc);
      resolve(code ?? signal ?? 'unknown');
    }),
  );
  return {
    proc,
    name,
    stdout: () => out,
    stderr: () => err,
    exited,
    get done() {
      return done;
    },
  };
}

/** Spawns a worker process (scripts/faults/worker-child.ts). */
export function spawnWorker(opts: {
  db: string;
  index: number;
  threads?: number;
  leaseMs?: number;
  workerTimeoutMs?: number;
}): Child {
  return spawnScript(
    'scripts/faults/worker-child.ts',
    {
      db: opts.db,
      index: opts.index,
      threads: opts.threads ?? 8,
      'lease-ms': opts.leaseMs ?? 60_000,
      'worker-timeout-ms': opts.workerTimeoutMs ?? 100,
    },
    `worker ${opts.index}`,
  );
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Resolves once `cond()` is true (polled every `everyMs`); throws naming `what` after `timeoutMs`. */
export async function until(
  cond: () => boolean,
  what: string,
  timeoutMs: number,
  everyMs = 20,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** `p`, or an error naming `what` after `timeoutMs`. */
export async function within<T>(p: Promise<T>, what: string, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_r, reject) => {
        timer = setTimeout(
          () => reject(new Error(`${what} took more than ${timeoutMs} ms`)),
          timeoutMs,
        );
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Waits until `child` printed `marker` on stdout; throws if it exits first or time runs out. */
export async function waitFor(child: Child, marker: string, timeoutMs: number): Promise<void> {
  await until(
    () => {
      if (child.done)
        throw new Error(`${child.name} exited before printing "${marker}":\n${child.stderr()}`);
      return child.stdout().includes(marker);
    },
    `${child.name} to print "${marker}"`,
    timeoutMs,
    5,
  );
}

/** Sends SIGTERM and waits for a graceful exit; returns the exit code (SIGKILL after the grace). */
export async function stopGracefully(child: Child, graceMs = 20_000): Promise<number | string> {
  if (child.done) return child.exited;
  child.proc.kill('SIGTERM');
  try {
    return await within(child.exited, `${child.name} to stop`, graceMs);
  } catch {
    child.proc.kill('SIGKILL');
    await child.exited;
    return 'timeout';
  }
}

/** Kills every child still running (on the harness's way out). */
export function killAll(): void {
  for (const p of live) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
}
