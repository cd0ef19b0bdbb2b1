/**
 * The broker seen by the worker and middleware, without knowing what stores the messages
 * (SQLite today; a Dramatiq Redis deployment later).
 *
 * Contract:
 * 1. `enqueue` stores a message (on `q.DQ` with `options.eta` when a delay is given, including 0)
 *    and journals it; before/after enqueue hooks fire around it.
 * 2. `claim` leases up to `limit` due messages of one queue to one owner (at-least-once: a lease
 *    that runs out returns the message to its queue, with a `requeued` journal row).
 * 3. `batch(fn)` groups state changes into one atomic commit. `batch(fn, { grouped: true })` (a
 *    worker's claims, starts and acks) may also share that commit with other grouped batches of
 *    the next few ms: a crash can then undo them together, which at-least-once delivery already
 *    covers (the leases run out and the messages come back). A broker may ignore it.
 * 4. Hook emission: before hooks in list order, after hooks in reverse (see `emitBefore`).
 */
import type { Actor } from '../actor.ts';
import type { Clock } from '../clock/clock.ts';
import { MiddlewareError } from '../errors.ts';
import type { Journal } from '../journal/journal.ts';
import type { Logger } from '../logging.ts';
import type { Message } from '../message.ts';
import type { HookArgs, HookName, Middleware } from '../middleware/middleware.ts';
import type { Rng } from '../random/rng.ts';
import type { RateLimiterBackend } from '../rate-limits/rate-limiter.ts';
import type { ResultBackend } from '../results/result-backend.ts';
import type { MessageProxy } from './message-proxy.ts';

/** Why a message was enqueued (journal `reason`). */
export type EnqueueReason =
  | 'send'
  | 'arrival'
  | 'retry'
  | 'on_success'
  | 'on_failure'
  | 'on_retry_exhausted'
  | 'pipeline_step'
  | 'group_completed'
  | 'requeue';

/** Options of `Broker.batch` (contract item 3). */
export type BatchOptions = {
  /** The change may wait for a group commit (a worker's own bookkeeping). */
  grouped?: boolean;
};

/** Options of `Broker.enqueue`. */
export type EnqueueOptions = {
  /** ms until due; null/undefined = immediate. 0 still goes through the delay queue (Dramatiq). */
  delayMs?: number | null;
  reason?: EnqueueReason;
  /** The message that caused this one. */
  parentId?: string | null;
  /** Scenario label (journal `label`). */
  label?: string | null;
  /** Deliveries already made of this message id (a retry carries its count). */
  attempts?: number;
};

/** An actor declared on the database by some process. */
export type KnownActor = {
  name: string;
  queue: string;
  priority: number;
  options: Record<string, unknown>;
};

/** Counts of one queue. */
export type QueueStats = {
  queue: string;
  ready: number;
  delayed: number;
  inFlight: number;
  dead: number;
  paused: boolean;
};

/** A dead letter as listed to users. */
export type DeadLetter = {
  id: number;
  message: Message;
  label: string | null;
  deadAt: number;
  attempts: number;
};

/**
 * Where a message body without `message_id` or `message_timestamp` gets them (Dramatiq §1.2: a
 * fresh id and the current time).
 */
export function freshFields(broker: Pick<Broker, 'rng' | 'clock'>): {
  id: () => string;
  now: () => number;
} {
  return new FreshFields(broker);
}

/** `freshFields` as methods (tsx names every closure it creates, which costs per message). */
class FreshFields {
  constructor(private readonly broker: Pick<Broker, 'rng' | 'clock'>) {}

  id(): string {
    return this.broker.rng.uuid4();
  }

  now(): number {
    return this.broker.clock.now();
  }
}

export interface Broker {
  readonly clock: Clock;
  readonly rng: Rng;
  readonly logger: Logger;
  readonly journal: Journal;
  /** The middleware list, in order. */
  readonly middleware: readonly Middleware[];
  /** Actor option names accepted on this broker (union over middleware). */
  readonly actorOptions: ReadonlySet<string>;
  /** Dead letters older than this are purged (ms; default 7 days). */
  readonly deadMessageTtlMs: number;

  /** Adds a middleware at the end, or before/after the first middleware of a class. */
  addMiddleware(
    m: Middleware,
    where?: {
      before?: abstract new (...a: never[]) => Middleware;
      after?: abstract new (...a: never[]) => Middleware;
    },
  ): void;
  /** Registers an actor (and declares its queue). */
  declareActor(actor: Actor): void;
  getActor(name: string): Actor | undefined;
  /** Actors declared on this database by any process (name, queue, priority, JSON-safe options). */
  knownActors(): KnownActor[];
  readonly actors: readonly Actor[];
  /** Declares a queue (idempotent). */
  declareQueue(name: string): void;
  /** Queues declared through this broker object (its actors' queues and explicit declarations). */
  getDeclaredQueues(): string[];
  /** Every queue declared on the database, by any process. */
  knownQueues(): string[];

  /** Stores a message (contract item 1); returns the message as enqueued. */
  enqueue(message: Message, opts?: EnqueueOptions): Message;
  /** Leases due messages of `queue` (contract item 2). */
  claim(owner: string, queue: string, limit: number, leaseMs: number): MessageProxy[];
  /** Journals the start of an attempt and counts it. */
  markStarted(p: MessageProxy, worker: number, thread: number): void;
  /**
   * True while this delivery's lease is still its owner's. False once it ran out and the message
   * was reclaimed (by anyone, even for the same owner to claim again): the delivery is stale and
   * must be neither started nor recorded. Inside a write, the answer holds until the commit.
   */
  holdsLease(p: MessageProxy): boolean;
  /** Acks a delivery (fires before/after ack). */
  ack(p: MessageProxy): void;
  /** Dead-letters a delivery (fires before/after nack). */
  nack(p: MessageProxy): void;
  /** Gives deliveries that never started back to their queues. */
  requeue(ps: readonly MessageProxy[]): void;
  /** Extends every lease of `owner`. */
  renewLeases(owner: string, leaseMs: number): void;
  /** Returns messages whose lease ran out to their queues; returns how many. */
  reclaimExpired(): number;
  /** Earliest time a not-yet-due message of these queues becomes due, or null. */
  nextDue(queues: readonly string[]): number | null;
  /** Groups state changes into one commit (contract item 3). */
  batch<T>(fn: () => T, opts?: BatchOptions): T;
  /** Commits grouped batches now (contract item 3); a no-op when none is waiting. */
  commitGroup(): void;
  /** Runs each group commit the broker makes on its own (a profiler may time them). */
  groupCommitHook?: (commit: () => void) => void;
  /** Listens for enqueues made through this broker object (in-process wake-ups). */
  onEnqueue(listener: (queueName: string) => void): () => void;

  /** Per-queue counts. */
  stats(): QueueStats[];
  /** Pauses or resumes consumption of a queue by every worker on this database. */
  setQueuePaused(queue: string, paused: boolean): void;
  isQueuePaused(queue: string): boolean;
  /** Dead letters, oldest first. */
  deadLetters(queue?: string | null, limit?: number): DeadLetter[];
  /** Moves dead letters back to their queue (all of them when `ids` is 'all'); returns how many. */
  requeueDead(ids: readonly number[] | 'all', queue?: string | null): number;
  /** Deletes dead letters; returns how many. */
  purgeDead(queue?: string | null): number;
  /** Drops ready and delayed messages of a queue. */
  flush(queue: string): number;
  /** Drops the ready and delayed messages of every queue and every dead letter; returns how many. */
  flushAll(): number;
  /**
   * Resolves when nothing of `queue` (or its delay queue) is ready, delayed or in flight; checks
   * every 100 ms of the broker's clock (under the virtual clock, drive the clock meanwhile).
   * @throws QueueNotFound for a queue never declared on this database; QueueJoinTimeout past
   *   `timeoutMs`.
   */
  join(queue: string, opts?: { timeoutMs?: number | null }): Promise<void>;
  /** Messages not yet finished (ready, delayed or in flight) on `queue` or everywhere. */
  pendingCount(queue?: string): number;
  /** `pendingCount(queue) > 0`, without counting (cheap whatever the backlog). */
  hasPending(queue?: string): boolean;
  /** The result backend that lives with this broker (same database). */
  resultBackend(): ResultBackend;
  /** The rate-limiter backend that lives with this broker (same database). */
  rateLimiterBackend(): RateLimiterBackend;
  /** Closes the broker's connection. */
  close(): void;

  /** Runs a before hook on every middleware in order (see the middleware contract). */
  emitBefore<K extends HookName>(hook: K, ...args: HookArgs<K>): void;
  /** Runs an after hook on every middleware in reverse order. */
  emitAfter<K extends HookName>(hook: K, ...args: HookArgs<K>): void;
}

/** A hook's name as Dramatiq spells it in its logs (`beforeProcessMessage` → `before_process_message`). */
function wireHookName(hook: string): string {
  return hook.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/**
 * Before-hook emission shared by brokers: list order; `MiddlewareError` escapes, anything else is
 * logged CRITICAL and the remaining hooks still run.
 */
export function emitBeforeHooks<K extends HookName>(
  broker: Broker,
  hook: K,
  args: HookArgs<K>,
  list: readonly Middleware[] = broker.middleware,
): void {
  for (const m of list) {
    try {
      (m[hook] as unknown as (b: Broker, ...a: HookArgs<K>) => void).call(m, broker, ...args);
    } catch (err) {
      if (err instanceof MiddlewareError) throw err;
      broker.logger.log({
        level: 'CRITICAL',
        logger: 'dramatiq.broker',
        message: `Unexpected failure in ${wireHookName(hook)} of ${m.name}.`,
        error: err,
      });
    }
  }
}

/** After-hook emission shared by brokers: reverse list order; every exception is logged and swallowed. */
export function emitAfterHooks<K extends HookName>(
  broker: Broker,
  hook: K,
  args: HookArgs<K>,
  list: readonly Middleware[] = broker.middleware,
): void {
  for (let i = list.length - 1; i >= 0; i--) {
    const m = list[i]!;
    try {
      (m[hook] as unknown as (b: Broker, ...a: HookArgs<K>) => void).call(m, broker, ...args);
    } catch (err) {
      broker.logger.log({
        level: 'CRITICAL',
        logger: 'dramatiq.broker',
        message: `Unexpected failure in ${wireHookName(hook)} of ${m.name}.`,
        error: err,
      });
    }
  }
}
