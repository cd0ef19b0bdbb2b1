/**
 * The parent of `rehearsal worker --processes N` (Dramatiq's main process): starts N worker
 * processes, turns Ctrl+C and SIGTERM into SIGTERM for each of them, and waits.
 *
 * Contract:
 * 1. Each child is this same CLI (`process.execPath bin/rehearsal.js worker ... --child-index i`),
 *    with the parent's cwd, environment and stderr, plus an IPC channel so a child notices when
 *    its parent is gone.
 * 2. SIGINT or SIGTERM to the parent sends SIGTERM to every child still running (a second signal
 *    sends another, which makes the children exit at once). SIGHUP does the same and asks for a
 *    reload (`reload` in the result: the command starts again, as Dramatiq re-execs).
 * 3. A child that exits while no stop was asked for is reported at CRITICAL ("Worker with PID …
 *    exited unexpectedly"), the others are stopped, and the parent exits with that child's code
 *    (1 when it was killed by a signal). Otherwise the exit code is the highest child code.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Logger } from '../core/index.ts';
import { EXIT_FAILURE, EXIT_OK } from './errors.ts';

/** How to start the children. */
export type SupervisorOptions = {
  /** Absolute path of bin/rehearsal.js. */
  bin: string;
  /** `worker …` arguments shared by every child (without `--child-index`). */
  childArgs: readonly string[];
  processes: number;
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  logger: Logger;
};

/** Runs the children until they all exit (contract items 1–3); resolves to the exit code. */
export function supervise(o: SupervisorOptions): Promise<{ code: number; reload: boolean }> {
  const log = (level: 'INFO' | 'CRITICAL' | 'WARNING', message: string): void =>
    o.logger.log({ level, logger: 'dramatiq.MainProcess', message });
  let running = true;
  let reload = false;
  let retcode = EXIT_OK;
  const children: ChildProcess[] = [];

  const stopChildren = (): void => {
    for (const c of children) {
      if (c.exitCode !== null || c.signalCode !== null) continue;
      try {
        c.kill('SIGTERM');
      } catch {
        log('WARNING', `Failed to send SIGTERM to PID ${c.pid}.`);
      }
    }
  };
  const onHup = (): void => {
    if (running) reload = true;
    onSignal();
  };
  const onSignal = (): void => {
    running = false;
    log('INFO', "Sending signal 'SIGTERM' to worker processes...");
    stopChildren();
  };

  return new Promise((resolve) => {
    let alive = o.processes;
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    process.on('SIGHUP', onHup);
    for (let i = 0; i < o.processes; i++) {
      const child = spawn(process.execPath, [o.bin, ...o.childArgs, '--child-index', String(i)], {
        cwd: o.cwd,
        env: o.env,
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      children.push(child);
      child.on('error', (err) => {
        log('CRITICAL', `Could not start worker process ${i}: ${err.message}`);
      });
      child.on('exit', (code, signal) => {
        const exit = code ?? EXIT_FAILURE;
        if (running) {
          log(
            'CRITICAL',
            `Worker with PID ${child.pid} exited unexpectedly (${signal ? `signal ${signal}` : `code ${code}`}). Shutting down...`,
          );
          running = false;
          retcode = exit === EXIT_OK ? EXIT_FAILURE : exit;
          stopChildren();
        } else {
          retcode = Math.max(retcode, exit);
        }
        alive--;
        if (alive === 0) {
          process.off('SIGINT', onSignal);
          process.off('SIGTERM', onSignal);
          process.off('SIGHUP', onHup);
          resolve({ code: retcode, reload: reload && retcode === EXIT_OK });
        }
      });
    }
  });
}
