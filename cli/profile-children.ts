/**
 * The extra worker processes of `rehearsal profile --processes N` (real clock): N - 1 plain
 * `rehearsal worker MODULE --in-process` children on the profile's database.
 *
 * Contract:
 * 1. Each child is this CLI (`process.execPath bin/rehearsal.js worker ... --child-index i`, i from
 *    1), so it ignores Ctrl+C and stops when its parent goes away (supervisor.ts contract); its
 *    stdout is dropped and its stderr kept (the last 4 KB) for errors.
 * 2. `startChildren` resolves once every child has logged "Worker process is ready for action."
 *    (they start consuming at that moment); a child that exits first, or a boot that takes over
 *    `timeoutMs`, stops the others and fails with `WORKER_DIED`, quoting the child's stderr.
 * 3. `stop()` sends SIGTERM to each child still running and waits for them (SIGKILL after 10 s).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cliError } from './errors.ts';
import type { Io } from './io.ts';

/** Running children (contract item 3). */
export type Children = { readonly count: number; stop(): Promise<void> };

const READY = 'Worker process is ready for action.';

/** Starts `count` worker children (contract items 1–2). */
export async function startChildren(
  io: Io,
  o: { moduleFile: string; db: string; threads: number; count: number; timeoutMs?: number },
): Promise<Children> {
  const procs: { child: ChildProcess; err: string; ready: boolean; exited: Promise<void> }[] = [];
  for (let i = 1; i <= o.count; i++) {
    const child = spawn(
      process.execPath,
      [
        io.bin,
        'worker',
        o.moduleFile,
        '--db',
        o.db,
        '--threads',
        String(o.threads),
        '--in-process',
        '--child-index',
        String(i),
      ],
      { cwd: io.cwd, env: io.env, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] },
    );
    const entry = {
      child,
      err: '',
      ready: false,
      exited: new Promise<void>((resolve) => child.once('exit', () => resolve())),
    };
    child.stderr?.on('data', (d: Buffer) => {
      entry.err = (entry.err + d.toString()).slice(-4096);
      if (!entry.ready && entry.err.includes(READY)) entry.ready = true;
    });
    procs.push(entry);
  }
  const stop = async (): Promise<void> => {
    for (const p of procs) {
      if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGTERM');
    }
    const timer = setTimeout(() => {
      for (const p of procs) if (p.child.exitCode === null) p.child.kill('SIGKILL');
    }, 10_000);
    await Promise.all(procs.map((p) => p.exited));
    clearTimeout(timer);
  };
  const deadline = Date.now() + (o.timeoutMs ?? 60_000);
  for (;;) {
    const dead = procs.find((p) => p.child.exitCode !== null || p.child.signalCode !== null);
    if (dead) {
      await stop();
      throw cliError(
        'WORKER_DIED',
        `a worker process of --processes exited before it was ready (${dead.child.signalCode ?? `code ${dead.child.exitCode}`})`,
        { stderr: dead.err },
        dead.err.trim().split('\n').slice(-5),
      );
    }
    if (procs.every((p) => p.ready)) break;
    if (Date.now() > deadline) {
      await stop();
      throw cliError('WORKER_DIED', 'the worker processes of --processes did not start in time', {
        timeoutMs: o.timeoutMs ?? 60_000,
      });
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return { count: o.count, stop };
}
