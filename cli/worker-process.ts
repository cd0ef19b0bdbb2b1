/**
 * One worker process: declares the module's actors on the database, boots a `Worker` and runs it
 * until it is told to stop (Dramatiq's `worker_process`).
 *
 * Contract:
 * 1. Boot order as Dramatiq's CLI: open the broker, add the module's own middleware (after the
 *    default stack), declare the actors, emit `afterProcessBoot`, start the worker, then log
 *    "Worker process is ready for action.". Middleware hooks run here, in the worker process, also
 *    when actors run in worker threads (the threads run only the actor functions)..
 * 2. SIGTERM (and SIGINT when this process runs alone) stops gracefully: no new messages, running
 *    attempts finish (up to the shutdown timeout), unstarted ones go back to their queues. A second
 *    signal (more than 300 ms later: sooner, it is the same one delivered twice) exits at once
 *    with code 1.
 * 3. A child of `--processes N` ignores SIGINT and SIGHUP (the parent turns them into SIGTERM
 *    for every child, as Dramatiq does) and stops when its parent goes away (the IPC channel
 *    closes).
 * 4. SIGHUP to a process that runs alone stops it like SIGTERM and asks for a reload (`reload` in
 *    the result): the command then starts again with the same arguments (Dramatiq re-execs).
 */
import {
  InProcessRunner,
  ThreadRunner,
  Worker,
  type Actor,
  type ActorRunner,
  type Logger,
  type Middleware,
  type SqliteBroker,
} from '../core/index.ts';
import { openOrCreate } from './db.ts';
import { EXIT_FAILURE, EXIT_OK } from './errors.ts';

/** A stop signal this soon after the first is the same stop delivered twice (item 2). */
const DUPLICATE_SIGNAL_MS = 300;

/** What one worker process needs. */
export type WorkerProcessOptions = {
  file: string;
  /** Absolute path of the actor module (thread runners import it themselves). */
  moduleFile: string;
  actors: readonly Actor[];
  /** The module's own middleware, added to the broker before the actors are declared. */
  middleware: readonly Middleware[];
  queues: readonly string[];
  threads: number;
  index: number;
  /** Run actors on the worker's event loop instead of worker threads. */
  inProcess: boolean;
  shutdownTimeoutMs: number;
  logger: Logger;
  /** True when started by a `--processes N` parent (contract item 3). */
  child: boolean;
};

/** Runs one worker until stopped (contract items 1–4); resolves to the exit code. */
export async function runWorkerProcess(
  o: WorkerProcessOptions,
): Promise<{ code: number; reload: boolean }> {
  const log = (level: 'INFO' | 'WARNING', message: string): void =>
    o.logger.log({ level, logger: `dramatiq.WorkerProcess(${o.index})`, message });
  // The worker's timers and idle threads do not keep the process alive; this does, until we stop.
  const keepAlive = setInterval(() => undefined, 1 << 30);
  // Installed before the boot, so a Ctrl+C while threads start still stops cleanly.
  const stopped = stopSignal(o.child, log);
  try {
    const { broker, runner } = await boot(o, log);
    const worker = new Worker(broker, {
      threads: o.threads,
      queues: o.queues,
      index: o.index,
      runner,
    });
    try {
      worker.start();
      log('INFO', 'Worker process is ready for action.');
      await stopped.promise;
      await worker.stop({ timeoutMs: o.shutdownTimeoutMs });
      return { code: EXIT_OK, reload: stopped.reload() };
    } finally {
      broker.close();
    }
  } finally {
    stopped.dispose();
    clearInterval(keepAlive);
  }
}

/** Contract item 1 up to the worker's start; closes what it opened when a step fails. */
async function boot(
  o: WorkerProcessOptions,
  log: (level: 'INFO' | 'WARNING', message: string) => void,
): Promise<{ broker: SqliteBroker; runner: ActorRunner }> {
  const broker = openOrCreate(o.file, o.logger);
  let runner: ActorRunner | null = null;
  try {
    for (const m of o.middleware) broker.addMiddleware(m);
    for (const a of o.actors) broker.declareActor(a);
    broker.emitAfter('afterProcessBoot');
    if (o.inProcess) runner = new InProcessRunner();
    else {
      const threads = new ThreadRunner({
        module: o.moduleFile,
        dbFile: o.file,
        threads: o.threads,
        logger: o.logger,
      });
      runner = threads;
      // Each thread loads the module on its own; waiting here keeps that boot time out of the
      // first messages' time limits.
      log('INFO', `Starting ${o.threads} worker thread${o.threads === 1 ? '' : 's'}...`);
      await threads.ready();
    }
    return { broker, runner };
  } catch (err) {
    await runner?.close();
    broker.close();
    throw err;
  }
}

/**
 * Resolves on the first stop signal (contract items 2 and 3); a second one exits at once.
 * `dispose` removes the handlers.
 */
function stopSignal(
  child: boolean,
  log: (level: 'INFO' | 'WARNING', message: string) => void,
): { promise: Promise<void>; dispose(): void; reload(): boolean } {
  let signals = 0;
  let reload = false;
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  let firstAt = 0;
  const onSignal = (): void => {
    // One stop delivered twice (to the whole process group and passed on by a reloading parent,
    // or by a service manager) is still one stop; a second Ctrl+C comes later than this.
    if (signals === 1 && Date.now() - firstAt < DUPLICATE_SIGNAL_MS) return;
    signals++;
    firstAt = Date.now();
    if (signals === 1) {
      log('INFO', 'Stopping worker process...');
      resolve();
    } else {
      log('WARNING', 'Killing worker process...');
      process.exit(EXIT_FAILURE);
    }
  };
  const ignore = (): void => undefined;
  const onInt = child ? ignore : onSignal;
  const onHup = child
    ? ignore
    : (): void => {
        if (signals === 0) reload = true;
        onSignal();
      };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onInt);
  process.on('SIGHUP', onHup);
  if (child) process.on('disconnect', onSignal);
  return {
    promise,
    reload: () => reload,
    dispose() {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onInt);
      process.off('SIGHUP', onHup);
      process.off('disconnect', onSignal);
    },
  };
}
