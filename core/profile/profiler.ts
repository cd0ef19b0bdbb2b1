/**
 * The profiler: measures where a worker's time goes by wrapping the parts it talks to, without
 * changing the broker or the worker.
 *
 * Contract:
 * 1. `broker(b)` returns a Proxy of `b` for the worker to use: the broker methods of
 *    `BROKER_STEPS` are timed under their step name, `batch` is timed as `commit` (BEGIN, COMMIT
 *    and savepoints) around the worker's own code inside the transaction (`worker`), so are the
 *    group commits the broker's timer makes (`groupCommitHook`), and the
 *    journal it hands out times `append` as `journal`. Every method runs on the real broker (its
 *    `this` is the target), so the engine's internal calls are not intercepted and cost nothing
 *    extra; their time is charged to the step that made them.
 * 2. Every middleware on the broker gets each hook it overrides wrapped, in place, as
 *    `<Middleware name>.<hook>`; `restore()` puts the instances back as they were.
 * 3. `runner(inner)` wraps an `ActorRunner`: the call that starts an attempt (the synchronous part
 *    of the actor, up to its first await) is timed as `actor`, and each attempt's wall time until
 *    it settles is kept per actor (`attempts`).
 * 4. Time is `monotonicMs` (core/clock), or the injected `now`; the steps form one self-time
 *    account (span-recorder.ts), so they add up without double counting. `stop()` ends the
 *    measured phase: nothing after it is counted.
 */
import type { Actor } from '../actor.ts';
import type { BatchOptions, Broker } from '../broker/broker.ts';
import type { MessageProxy } from '../broker/message-proxy.ts';
import { monotonicMs } from '../clock/real-clock.ts';
import type { Journal } from '../journal/journal.ts';
import { Middleware } from '../middleware/middleware.ts';
import type { ActorRunner, RunningAttempt } from '../worker/runner.ts';
import { SpanRecorder } from './span-recorder.ts';

/** Broker methods timed by the proxy, and the step each is charged to. */
export const BROKER_STEPS: Readonly<Partial<Record<keyof Broker, string>>> = {
  claim: 'claim',
  markStarted: 'start',
  holdsLease: 'lease check',
  ack: 'ack',
  nack: 'nack',
  requeue: 'requeue',
  enqueue: 'enqueue',
  renewLeases: 'lease renewal',
  reclaimExpired: 'lease renewal',
  nextDue: 'poll',
  pendingCount: 'poll',
  hasPending: 'poll',
  commitGroup: 'commit',
  isQueuePaused: 'poll',
};

/** Every hook of the Middleware base class (its prototype's methods). */
const HOOKS: readonly string[] = Object.getOwnPropertyNames(Middleware.prototype).filter(
  (k) =>
    k !== 'constructor' &&
    typeof Object.getOwnPropertyDescriptor(Middleware.prototype, k)?.value === 'function',
);

/** What the profiler saw of one actor's attempts (in this process). */
export type AttemptTotals = {
  queue: string;
  ok: number;
  failed: number;
  /** Wall time of every attempt from its start until it settled, ms. */
  runMs: number[];
};

type Hooked = Record<string, unknown>;

export class Profiler {
  readonly recorder: SpanRecorder;
  readonly now: () => number;
  /** Attempts by actor name (contract item 3). */
  readonly attempts = new Map<string, AttemptTotals>();
  private readonly restores: (() => void)[] = [];
  private stopped = false;

  constructor(opts: { now?: () => number } = {}) {
    this.now = opts.now ?? monotonicMs;
    this.recorder = new SpanRecorder(this.now);
  }

  /** The broker as the worker should see it (contract items 1 and 2). */
  broker(b: Broker): Broker {
    this.wrapMiddleware(b.middleware);
    const rec = this.recorder;
    // Group commits that the broker's own timer makes are commits too.
    const runCommit = b.groupCommitHook;
    if (runCommit) {
      b.groupCommitHook = (commit) => rec.time('commit', () => runCommit(commit));
      this.restores.push(() => (b.groupCommitHook = runCommit));
    }
    const journal = timedJournal(b.journal, rec);
    const cache = new Map<PropertyKey, unknown>();
    return new Proxy(b, {
      get(target, key) {
        const hit = cache.get(key);
        if (hit !== undefined) return hit;
        if (key === 'journal') return journal;
        const value: unknown = Reflect.get(target, key, target);
        if (typeof value !== 'function') return value;
        const fn = value as (...a: unknown[]) => unknown;
        let wrapped: unknown;
        if (key === 'batch') {
          wrapped = <T>(body: () => T, opts?: BatchOptions): T =>
            rec.time('commit', () => target.batch(() => rec.time('worker', body), opts));
        } else {
          const step = BROKER_STEPS[key as keyof Broker];
          wrapped =
            step === undefined
              ? fn.bind(target)
              : (...a: unknown[]): unknown => rec.time(step, () => fn.apply(target, a));
        }
        cache.set(key, wrapped);
        return wrapped;
      },
    });
  }

  /** An `ActorRunner` that times `inner` (contract item 3). */
  runner(inner: ActorRunner): ActorRunner {
    const rec = this.recorder;
    const now = this.now;
    const record = (actor: Actor, t0: number, ok: boolean): void => {
      if (this.stopped) return;
      let a = this.attempts.get(actor.actorName);
      if (!a) {
        a = { queue: actor.queueName, ok: 0, failed: 0, runMs: [] };
        this.attempts.set(actor.actorName, a);
      }
      if (ok) a.ok++;
      else a.failed++;
      a.runMs.push(now() - t0);
    };
    return {
      run(actor: Actor, p: MessageProxy): RunningAttempt {
        const t0 = now();
        const attempt = rec.time('actor', () => inner.run(actor, p));
        attempt.promise.then(
          () => record(actor, t0, true),
          () => record(actor, t0, false),
        );
        return attempt;
      },
      close: () => inner.close(),
    };
  }

  /** Attempts seen so far, over every actor. */
  get attemptCount(): number {
    let n = 0;
    for (const a of this.attempts.values()) n += a.ok + a.failed;
    return n;
  }

  /** Ends the measured phase: later steps and attempts are not counted. */
  stop(): void {
    this.stopped = true;
    this.recorder.pause();
  }

  /** Puts the wrapped middleware back as it was (contract item 2). */
  restore(): void {
    for (const r of this.restores.splice(0).reverse()) r();
  }

  private wrapMiddleware(list: readonly Middleware[]): void {
    const rec = this.recorder;
    for (const m of list) {
      const target = m as unknown as Hooked;
      for (const hook of HOOKS) {
        const original = target[hook];
        if (typeof original !== 'function') continue;
        // Hooks left as the base class's no-op cost nothing worth a row.
        if (original === (Middleware.prototype as unknown as Hooked)[hook]) continue;
        const own = Object.getOwnPropertyDescriptor(m, hook);
        const label = `${m.name}.${hook}`;
        const fn = original as (...a: unknown[]) => unknown;
        Object.defineProperty(m, hook, {
          value: (...a: unknown[]): unknown => rec.time(label, () => fn.apply(m, a)),
          configurable: true,
          writable: true,
        });
        this.restores.push(() => {
          if (own) Object.defineProperty(m, hook, own);
          else delete target[hook];
        });
      }
    }
  }
}

/** A view of `journal` whose `append` is timed as `journal` (contract item 1). */
function timedJournal(journal: Journal, rec: SpanRecorder): Journal {
  const append = journal.append.bind(journal);
  const timed = (entry: Parameters<Journal['append']>[0]): number =>
    rec.time('journal', () => append(entry));
  return new Proxy(journal, {
    get(target, key) {
      if (key === 'append') return timed;
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function'
        ? (value as (...a: unknown[]) => unknown).bind(target)
        : value;
    },
  });
}
