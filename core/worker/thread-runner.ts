/**
 * ThreadRunner: an `ActorRunner` that runs actor code in a pool of Node worker threads, so a time
 * limit (or a shutdown notification) stops even code that never yields, such as a CPU loop.
 *
 * Contract:
 * 1. A pool of `threads` threads (default 8). Each registers tsx (so the module may be TypeScript),
 *    imports the actor module `module` once, and finds actors by name among its exports (see
 *    thread-entry.ts). Threads start on the first `run` (or `ready()`); an attempt waits in a FIFO
 *    queue while every thread is busy or starting.
 * 2. An attempt settles with the actor's result (a JSON value; anything else fails the attempt with
 *    `NOT_JSON_SERIALIZABLE`) or its error, rebuilt as thread-protocol.ts describes (`Retry` keeps
 *    its `delayMs`, `SkipMessage` skips, type names and messages are kept).
 * 3. `interrupt(err)` terminates the attempt's thread, rejects the attempt with `err` at once and
 *    starts a replacement thread. A thread that dies on its own (an uncaught error, `process.exit`)
 *    fails its attempt the same way and is replaced.
 * 4. A module that cannot be imported fails the attempts waiting for that thread with
 *    `ACTOR_MODULE_FAILED`; no replacement starts until the next `run`.
 * 5. Idle threads do not keep the process alive; threads are referenced while they start and
 *    while any attempt is waiting or running.
 * 6. Meant for the real clock: actor code in a thread lives on wall time, and messages it sends go
 *    straight to `dbFile` (see thread-entry.ts).
 *
 * Sizing: give the pool at least the worker's `threads`. A spare thread keeps the attempt after an
 * interrupt from waiting for a fresh thread to boot (which takes a moment, and the waiting
 * attempt's time limit is already running). Actor code that holds a write transaction open (a
 * long `broker.batch`) makes the worker's own writes wait, up to the busy timeout; terminating its
 * thread rolls that transaction back and releases the lock.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve as resolvePath } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker as NodeThread } from 'node:worker_threads';
import type { Actor } from '../actor.ts';
import type { MessageProxy } from '../broker/message-proxy.ts';
import { RehearsalError } from '../errors.ts';
import { silentLogger, type Logger } from '../logging.ts';
import { toMessageData } from '../message.ts';
import type { ActorRunner, RunningAttempt } from './runner.ts';
import {
  fromWireError,
  type FromThread,
  type ThreadData,
  type ToThread,
  type WireError,
} from './thread-protocol.ts';

/** Options of `ThreadRunner`. */
export type ThreadRunnerOptions = {
  /** The actor module every thread imports: a path (relative to the cwd) or a file: URL. */
  module: string;
  /** Database file that actor code sending messages writes to (default: sends fail clearly). */
  dbFile?: string | null;
  /** Threads in the pool (default 8). */
  threads?: number;
  /** Where thread crashes are reported (default silent). */
  logger?: Logger;
};

type Job = {
  readonly id: number;
  readonly actor: Actor;
  readonly request: ToThread;
  readonly resolve: (value: unknown) => void;
  readonly reject: (err: Error) => void;
  thread: Thread | null;
  settled: boolean;
};

type Thread = {
  readonly handle: NodeThread;
  state: 'starting' | 'idle' | 'busy' | 'dead';
  job: Job | null;
  readonly ready: Promise<void>;
  markReady(): void;
  failReady(err: Error): void;
};

/** Registers tsx in the fresh thread, then loads thread-entry (a TypeScript file). */
const BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
(async () => {
  if (workerData.tsxCjsApiUrl) (await import(workerData.tsxCjsApiUrl)).register();
  if (workerData.tsxEsmApiUrl) (await import(workerData.tsxEsmApiUrl)).register();
  await import(workerData.entryUrl);
})();
`;

export class ThreadRunner implements ActorRunner {
  readonly size: number;
  readonly moduleUrl: string;
  readonly dbFile: string | null;
  private readonly logger: Logger;
  private readonly data: ThreadData;
  private readonly pool = new Set<Thread>();
  private readonly waiting: Job[] = [];
  private nextId = 1;
  private closed = false;

  constructor(opts: ThreadRunnerOptions) {
    this.size = Math.max(1, Math.floor(opts.threads ?? 8));
    this.moduleUrl = opts.module.startsWith('file:')
      ? opts.module
      : pathToFileURL(resolvePath(opts.module)).href;
    this.dbFile = opts.dbFile ?? null;
    if (this.dbFile === ':memory:') {
      throw new RehearsalError(
        'THREAD_RUNNER_MEMORY_DB',
        'worker threads cannot share a `:memory:` database; pass a database file as `dbFile`',
        {},
      );
    }
    this.logger = opts.logger ?? silentLogger;
    const tsx = tsxApiUrls();
    this.data = {
      entryUrl: new URL(`./thread-entry${extensionOf(import.meta.url)}`, import.meta.url).href,
      tsxEsmApiUrl: tsx?.esm ?? null,
      tsxCjsApiUrl: tsx?.cjs ?? null,
      moduleUrl: this.moduleUrl,
      dbFile: this.dbFile,
    };
  }

  /** Starts every thread; resolves when all have loaded the module (rejects if one cannot). */
  async ready(): Promise<void> {
    this.fill();
    await Promise.all([...this.pool].map((t) => t.ready));
  }

  /** Threads alive now (starting, idle or busy). */
  get liveThreads(): number {
    return this.pool.size;
  }

  run(actor: Actor, p: MessageProxy): RunningAttempt {
    let resolve: (value: unknown) => void = () => undefined;
    let reject: (err: Error) => void = () => undefined;
    const promise = new Promise<unknown>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const id = this.nextId++;
    const job: Job = {
      id,
      actor,
      request: {
        type: 'run',
        id,
        actorName: actor.actorName,
        message: toMessageData(p.message),
        delivery: {
          rowId: p.delivery.rowId,
          owner: p.delivery.owner,
          previousAttempts: p.delivery.previousAttempts,
          label: p.delivery.label,
          attempt: p.attempt,
          worker: p.worker,
          thread: p.thread,
        },
      },
      resolve,
      reject,
      thread: null,
      settled: false,
    };
    if (this.closed) this.settle(job, closedError());
    else {
      this.waiting.push(job);
      this.fill();
      this.dispatch();
    }
    return { promise, interrupt: (err: Error) => this.interrupt(job, err) };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const job of this.waiting.splice(0)) this.settle(job, closedError());
    const stopping: Promise<unknown>[] = [];
    for (const t of [...this.pool]) {
      if (t.job) this.settle(t.job, closedError());
      stopping.push(this.kill(t));
    }
    await Promise.all(stopping);
  }

  /** Contract item 3. */
  private interrupt(job: Job, err: Error): void {
    if (job.settled) return;
    const t = job.thread;
    const waitingAt = this.waiting.indexOf(job);
    if (t) void this.kill(t);
    else if (waitingAt >= 0) this.waiting.splice(waitingAt, 1);
    this.settle(job, err);
    this.fill();
    this.dispatch();
  }

  private settle(job: Job, outcome: Error | { result: unknown }): void {
    if (job.settled) return;
    job.settled = true;
    if (job.thread?.job === job) job.thread.job = null;
    job.thread = null;
    if (outcome instanceof Error) job.reject(outcome);
    else job.resolve(outcome.result);
    this.updateRefs();
  }

  /** Starts threads until the pool is full. */
  private fill(): void {
    while (!this.closed && this.pool.size < this.size) this.spawn();
  }

  private spawn(): void {
    let markReady: () => void = () => undefined;
    let failReady: (err: Error) => void = () => undefined;
    const ready = new Promise<void>((res, rej) => {
      markReady = res;
      failReady = rej;
    });
    // Nobody may be waiting on `ready`: a failure is reported through the attempts.
    ready.catch(() => undefined);
    const handle = new NodeThread(BOOTSTRAP, { eval: true, workerData: this.data });
    const t: Thread = { handle, state: 'starting', job: null, ready, markReady, failReady };
    this.pool.add(t);
    handle.on('message', (msg: FromThread) => this.onMessage(t, msg));
    handle.on('error', (err: Error) => this.onDeath(t, err));
    handle.on('exit', (code: number) =>
      this.onDeath(
        t,
        new RehearsalError('ACTOR_THREAD_EXITED', `a worker thread exited with code ${code}`, {
          code,
        }),
      ),
    );
    this.updateRefs();
  }

  private onMessage(t: Thread, msg: FromThread): void {
    if (t.state === 'dead') return;
    switch (msg.type) {
      case 'ready':
        t.state = 'idle';
        t.markReady();
        this.dispatch();
        return;
      case 'init-failed':
        this.initFailed(t, moduleError(this.moduleUrl, msg.error));
        return;
      case 'done': {
        const job = t.job;
        t.state = 'idle';
        if (job && job.id === msg.id) {
          this.settle(job, msg.ok ? { result: msg.result } : fromWireError(msg.error, job.actor));
        }
        this.dispatch();
        return;
      }
    }
  }

  /** A thread that died without being killed (contract items 3 and 4). */
  private onDeath(t: Thread, err: Error): void {
    if (t.state === 'dead') return;
    if (t.state === 'starting') {
      this.initFailed(t, err);
      return;
    }
    const job = t.job;
    void this.kill(t);
    this.logger.log({
      level: 'ERROR',
      logger: 'rehearsal.worker.ThreadRunner',
      message: `A worker thread ${job ? `running actor ${job.actor.actorName} ` : ''}died (${err.message}); starting a new one.`,
      error: err,
    });
    if (job) this.settle(job, err);
    this.fill();
    this.dispatch();
  }

  private initFailed(t: Thread, err: Error): void {
    void this.kill(t);
    t.failReady(err);
    // The module is likely broken for every thread: fail what waits rather than spin.
    for (const job of this.waiting.splice(0)) this.settle(job, err);
  }

  /** Terminates a thread and forgets it (idempotent). */
  private kill(t: Thread): Promise<unknown> {
    if (t.state === 'dead') return Promise.resolve();
    t.state = 'dead';
    this.pool.delete(t);
    this.updateRefs();
    return t.handle.terminate().catch(() => undefined);
  }

  /** Gives waiting attempts to idle threads. */
  private dispatch(): void {
    for (const t of this.pool) {
      if (this.waiting.length === 0) break;
      if (t.state !== 'idle') continue;
      const job = this.waiting.shift()!;
      t.state = 'busy';
      t.job = job;
      job.thread = t;
      t.handle.postMessage(job.request);
    }
    this.updateRefs();
  }

  /** Contract item 5: a starting thread is referenced too, so `await ready()` keeps running. */
  private updateRefs(): void {
    const pending = this.waiting.length > 0 || [...this.pool].some((t) => t.job !== null);
    for (const t of this.pool) {
      if (pending || t.state === 'starting') t.handle.ref();
      else t.handle.unref();
    }
  }
}

function closedError(): RehearsalError {
  return new RehearsalError(
    'RUNNER_CLOSED',
    'the worker stopped before this attempt finished; its thread was terminated',
    {},
  );
}

function moduleError(moduleUrl: string, w: WireError): RehearsalError {
  const err = new RehearsalError(
    'ACTOR_MODULE_FAILED',
    `a worker thread could not load the actor module ${moduleUrl}: ${w.type}: ${w.message}; fix the module so it imports cleanly on its own`,
    { module: moduleUrl, error: { type: w.type, message: w.message } },
  );
  if (w.stack) err.stack = `${err.name}: ${err.message}\n${w.stack}`;
  return err;
}

/** `.ts` when this file runs from source, `.js` when compiled. */
function extensionOf(url: string): string {
  return url.endsWith('.js') ? '.js' : '.ts';
}

/** file: URLs of tsx's registration APIs (ESM build of each), or null when tsx is absent. */
function tsxApiUrls(): { esm: string; cjs: string } | null {
  try {
    const pkgPath = createRequire(import.meta.url).resolve('tsx/package.json');
    const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as {
      exports: Record<string, { import?: { default?: string } } | string>;
    };
    const entry = (key: string): string => {
      const e = pkg.exports[key];
      const rel = typeof e === 'object' ? e.import?.default : undefined;
      if (!rel) throw new Error(`tsx has no ESM export ${key}`);
      return pathToFileURL(join(dirname(pkgPath), rel)).href;
    };
    return { esm: entry('./esm/api'), cjs: entry('./cjs/api') };
  } catch {
    return null;
  }
}
