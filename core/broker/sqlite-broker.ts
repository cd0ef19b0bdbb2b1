/**
 * The SQLite broker: queues, delay queues and dead letters in one database file, safe for several
 * processes (WAL, short IMMEDIATE transactions, leases).
 *
 * Contract (in addition to `Broker`'s):
 * 1. Each state change and its journal row commit in one transaction.
 * 2. A delayed message is a row that becomes claimable at `eta`; it then joins the back of its
 *    queue (FIFO by `(ready_at, id)`), like Dramatiq's re-enqueue of a released delayed message.
 *    Unlike Dramatiq, no worker holds delayed messages in memory (see README: no head-of-line
 *    blocking, and due messages are noticed at their eta, not up to `worker_timeout` later).
 * 3. A claim is a lease: a worker that dies stops renewing it, and once it runs out the message
 *    is given back to its queue with a `requeued` row (reason `lease_expired`).
 * 4. No module-level state: two brokers (even on one file) can live in one process.
 */
import type { Actor } from '../actor.ts';
import type { Clock, Timer } from '../clock/clock.ts';
import { SqliteStore } from '../db/store.ts';
import { STATE, type ClaimedRow, type MessageRow } from '../db/statements/messages.ts';
import {
  DecodeError,
  didYouMean,
  errorInfo,
  QueueJoinTimeout,
  QueueNotFound,
  RehearsalError,
} from '../errors.ts';
import { Journal } from '../journal/journal.ts';
import { silentLogger, type Logger } from '../logging.ts';
import {
  copyMessage,
  decodeMessage,
  encodeMessage,
  encodeMessageParts,
  type Message,
} from '../message.ts';
import { defaultMiddleware } from '../middleware/default-middleware.ts';
import { Middleware, type HookArgs, type HookName } from '../middleware/middleware.ts';
import { SystemRng, type Rng } from '../random/rng.ts';
import { RealClock } from '../clock/real-clock.ts';
import {
  emitAfterHooks,
  emitBeforeHooks,
  type BatchOptions,
  type Broker,
  type DeadLetter,
  type EnqueueOptions,
  type KnownActor,
  type QueueStats,
} from './broker.ts';
import { MessageProxy } from './message-proxy.ts';
import { takeFresh } from '../fresh-messages.ts';
import { assertQueueName, canonicalQueueName, delayQueueName } from './queue-names.ts';
import { checkWireOptions } from './wire-options.ts';
import { SqliteResultBackend } from '../results/sqlite-result-backend.ts';
import { SqliteRateLimiterBackend } from '../rate-limits/sqlite-backend.ts';

/** Dead letters live 7 days (Dramatiq's `dead_message_ttl`). */
export const DEFAULT_DEAD_MESSAGE_TTL_MS = 604_800_000;

/** How far before its claimed end a lease is taken as held without a query (see holdsLease). */
const LEASE_CERTAIN_MARGIN_MS = 2_000;

/** Options of `SqliteBroker`. */
export type SqliteBrokerOptions = {
  /** Database file, or `:memory:` (tests only). */
  file: string;
  /** Default: `RealClock`. */
  clock?: Clock;
  /** Default: a system-seeded generator. */
  rng?: Rng;
  /** Default: silent. */
  logger?: Logger;
  /** Default: `defaultMiddleware()`. */
  middleware?: Middleware[];
  /** Default 604_800_000 (7 days). */
  deadMessageTtlMs?: number;
  /** Busy timeout for the write lock, ms (default 10000). */
  busyTimeoutMs?: number;
  /** Open an existing file for reading only: no migrations, no writes (`DB_NOT_FOUND` if absent). */
  readonly?: boolean;
  /**
   * Group commit window, ms (real clock only; default 2, 0 = off): a worker's grouped batches
   * (claims, starts, acks) share one commit per window instead of one each (see README
   * "Performance"). Any other write commits the group at once.
   */
  groupCommitMs?: number;
};

/** Default group commit window (see `SqliteBrokerOptions.groupCommitMs`). */
export const DEFAULT_GROUP_COMMIT_MS = 2;

/** No group commit for this long after another connection was seen writing (see joinGroup). */
const GROUP_COMMIT_CONTENDED_PAUSE_MS = 1_000;

export class SqliteBroker implements Broker {
  readonly clock: Clock;
  readonly rng: Rng;
  readonly logger: Logger;
  readonly journal: Journal;
  readonly store: SqliteStore;
  readonly deadMessageTtlMs: number;
  private readonly mw: Middleware[];
  private readonly actorMap = new Map<string, Actor>();
  private readonly queues = new Set<string>();
  private readonly enqueueListeners = new Set<(queue: string) => void>();
  private accepted: Set<string> = new Set();
  private results: SqliteResultBackend | null = null;
  private readonly virtualRun: boolean;
  private queueCache: { at: number; names: string[]; paused: Set<string> } | null = null;
  private limits: SqliteRateLimiterBackend | null = null;
  private readonly hookLists = new Map<HookName, readonly Middleware[]>();
  private readonly groupCommitMs: number;
  private groupTimer: Timer | null = null;
  /** Runs each group commit of the window's timer (Broker: a profiler may time them). */
  groupCommitHook = (commit: () => void): void => commit();
  /** No group commit opens before this time (another connection wants the lock: joinGroup). */
  private groupPauseUntil = 0;
  /** When `joinGroup` last looked for announced waits (clock ms). */
  private waitsCheckedAt = -1;

  constructor(opts: SqliteBrokerOptions) {
    this.clock = opts.clock ?? new RealClock();
    this.rng = opts.rng ?? new SystemRng();
    this.logger = opts.logger ?? silentLogger;
    this.deadMessageTtlMs = opts.deadMessageTtlMs ?? DEFAULT_DEAD_MESSAGE_TTL_MS;
    this.groupCommitMs =
      this.clock.kind === 'real' && !opts.readonly
        ? Math.max(0, opts.groupCommitMs ?? DEFAULT_GROUP_COMMIT_MS)
        : 0;
    this.store = new SqliteStore(opts.file, {
      ...(opts.busyTimeoutMs === undefined ? {} : { busyTimeoutMs: opts.busyTimeoutMs }),
      ...(opts.readonly ? { readonly: true } : {}),
    });
    this.journal = new Journal(this.store, this.clock, { readonly: opts.readonly === true });
    // A simulated run's times are virtual: judge its dead letters' age by its own last event,
    // not by today's wall clock (which would make every one look older than the TTL).
    this.virtualRun = this.store.messages.getMeta('clock') === 'virtual';
    this.mw = [...(opts.middleware ?? defaultMiddleware())];
    this.recomputeAccepted();
  }

  get middleware(): readonly Middleware[] {
    return this.mw;
  }

  get actorOptions(): ReadonlySet<string> {
    return this.accepted;
  }

  get actors(): readonly Actor[] {
    return [...this.actorMap.values()];
  }

  private recomputeAccepted(): void {
    this.accepted = new Set(this.mw.flatMap((m) => [...m.actorOptions]));
  }

  addMiddleware(
    m: Middleware,
    where: {
      before?: abstract new (...a: never[]) => Middleware;
      after?: abstract new (...a: never[]) => Middleware;
    } = {},
  ): void {
    if (this.mw.some((x) => x.constructor === m.constructor)) {
      this.logger.log({
        level: 'WARNING',
        logger: 'dramatiq.broker',
        message: `Middleware ${m.name} is already on this broker; adding a second instance.`,
      });
    }
    const ref = where.before ?? where.after;
    if (ref) {
      const i = this.mw.findIndex((x) => x instanceof ref);
      if (i < 0)
        throw new RehearsalError(
          'MIDDLEWARE_NOT_FOUND',
          `middleware ${ref.name} is not on this broker, so ${m.name} cannot be placed ${where.before ? 'before' : 'after'} it`,
          { middleware: ref.name },
        );
      this.mw.splice(where.before ? i : i + 1, 0, m);
    } else this.mw.push(m);
    this.recomputeAccepted();
    this.hookLists.clear();
    for (const a of this.actorMap.values()) {
      m.beforeDeclareActor(this, a);
      m.afterDeclareActor(this, a);
    }
    for (const q of this.queues) {
      m.beforeDeclareQueue(this, q);
      m.afterDeclareQueue(this, q);
      m.afterDeclareDelayQueue(this, delayQueueName(q));
    }
  }

  declareActor(actor: Actor): void {
    const existing = this.actorMap.get(actor.actorName);
    if (existing && existing !== actor) {
      throw new RehearsalError(
        'DUPLICATE_ACTOR',
        `an actor named \`${actor.actorName}\` is already declared on this broker`,
        { actor: actor.actorName },
      );
    }
    this.emitBefore('beforeDeclareActor', actor);
    actor.bind(this);
    this.declareQueue(actor.queueName);
    this.actorMap.set(actor.actorName, actor);
    const options = JSON.stringify(actor.options, (_k, v: unknown) =>
      typeof v === 'function' ? `<${(v as { name?: string }).name || 'function'}>` : v,
    );
    this.store.write(() =>
      this.store.messages.upsertActor({
        name: actor.actorName,
        queue: actor.queueName,
        priority: actor.priority,
        options,
        at: this.clock.now(),
      }),
    );
    this.emitAfter('afterDeclareActor', actor);
  }

  knownActors(): KnownActor[] {
    return this.store.messages.listActors().map((r) => ({
      name: r.name,
      queue: r.queue,
      priority: r.priority,
      options: JSON.parse(r.options) as Record<string, unknown>,
    }));
  }

  getActor(name: string): Actor | undefined {
    return this.actorMap.get(name);
  }

  declareQueue(name: string): void {
    assertQueueName(name);
    if (this.queues.has(name)) return;
    this.emitBefore('beforeDeclareQueue', name);
    this.store.write(() => this.store.messages.declareQueue(name, this.clock.now()));
    this.queues.add(name);
    this.queueCache = null;
    this.emitAfter('afterDeclareQueue', name);
    this.emitAfter('afterDeclareDelayQueue', delayQueueName(name));
  }

  /**
   * Declared queues and their paused flags, read from the database at most every 200 ms of
   * engine time (other processes may declare or pause queues) and at once after a local change.
   * Under the virtual clock one process owns the file, so local changes are all there is.
   */
  private queueTable(): { names: string[]; paused: Set<string> } {
    const now = this.clock.now();
    const c = this.queueCache;
    if (c && (this.clock.kind === 'virtual' || now - c.at < 200)) return c;
    const rows = this.store.messages.listQueues();
    const fresh = {
      at: now,
      names: [...new Set([...this.queues, ...rows.map((q) => q.name)])].sort(),
      paused: new Set(rows.filter((q) => q.paused === 1).map((q) => q.name)),
    };
    this.queueCache = fresh;
    return fresh;
  }

  getDeclaredQueues(): string[] {
    return [...this.queues].sort();
  }

  knownQueues(): string[] {
    return [...this.queueTable().names];
  }

  enqueue(message: Message, opts: EnqueueOptions = {}): Message {
    const canonical = canonicalQueueName(message.queueName);
    if (!this.queues.has(canonical)) this.declareQueue(canonical);
    if (opts.reason === undefined || opts.reason === 'send' || opts.reason === 'arrival') {
      this.checkCallbackTargets(message);
    }
    const delay =
      opts.delayMs === undefined || opts.delayMs === null
        ? null
        : Math.max(0, Math.trunc(opts.delayMs));
    const now = this.clock.now();
    let stored = message;
    if (delay !== null)
      stored = copyMessage(message, {
        queueName: delayQueueName(canonical),
        options: { eta: now + delay },
      });
    else if ('eta' in message.options) stored = this.etaOnQueue(message, now);
    // Held until `eta` (a delay, or an `eta` sent to a normal queue: Dramatiq §3.2).
    const eta = delay !== null ? now + delay : (stored.options.eta as number | undefined);
    this.emitBefore('beforeEnqueue', stored, delay);
    // Encoded after the before hooks, as Dramatiq does: a value that is not JSON fails here.
    const { body, data } = encodeMessageParts(stored, true);
    const first = takeFresh(message);
    // Validated and encoded above, so only the database itself can fail in here: join an
    // enclosing batch without a savepoint (a failure dooms the batch, see writeJoined).
    this.store.writeJoined(() => {
      const common = {
        messageId: stored.messageId,
        label: opts.label ?? null,
        actor: stored.actorName,
        queue: canonical,
      };
      // A retry or a requeue continues its message's history: the same root.
      const known = first ? null : this.journal.rootOf(stored.messageId);
      const seq = this.journal.append(
        {
          kind: 'enqueued',
          ...common,
          parentId: opts.parentId ?? null,
          reason: opts.reason ?? 'send',
          args: stored.args,
          kwargs: stored.kwargs,
          options: stored.options,
          delay,
        },
        known ?? 'first',
        data,
      );
      const root = known ?? seq;
      this.store.messages.insert({
        message_id: stored.messageId,
        queue: canonical,
        actor: stored.actorName,
        state: eta === undefined ? STATE.ready : STATE.delayed,
        ready_at: eta === undefined ? now : eta,
        body,
        label: opts.label ?? null,
        attempts: opts.attempts ?? 0,
        enqueued_at: now,
        root,
      });
      if (eta !== undefined)
        this.journal.append(
          { kind: 'delayed', ...common, delay: delay ?? Math.max(0, eta - now) },
          root,
        );
    });
    this.emitAfter('afterEnqueue', stored, delay);
    if (eta !== undefined) this.emitBefore('beforeDelayMessage', stored);
    for (const l of this.enqueueListeners) l(canonical);
    return stored;
  }

  /**
   * A message sent to a normal queue with an `eta` option (Dramatiq §3.2): held until then like
   * a delayed one; `eta: null` is dropped, any other value that is not a time logs a WARNING and
   * becomes now.
   */
  private etaOnQueue(message: Message, now: number): Message {
    const raw = message.options.eta;
    if (typeof raw === 'number' && Number.isFinite(raw)) return message;
    const options = { ...message.options };
    if (raw === null || raw === undefined) delete options.eta;
    else {
      this.logger.log({
        level: 'WARNING',
        logger: 'dramatiq.broker',
        message: `Message ${message.messageId} has an eta that is not a time (${JSON.stringify(raw) ?? String(raw)}); it is due now.`,
      });
      options.eta = now;
    }
    return { ...message, options };
  }

  /**
   * Refuses a send whose callbacks name an actor nobody declared (Dramatiq only finds out when
   * the callback fires; README "Differences from Dramatiq").
   * @throws RehearsalError `UNKNOWN_CALLBACK_ACTOR` naming both actors.
   */
  private checkCallbackTargets(message: Message): void {
    const actor = this.actorMap.get(message.actorName);
    for (const key of ['on_success', 'on_failure', 'on_retry_exhausted']) {
      const m = message.options[key];
      const target = m ? m : actor?.options[key];
      if (typeof target !== 'string' || !target || this.actorMap.has(target)) continue;
      const known = this.knownActors().map((a) => a.name);
      if (known.includes(target)) continue;
      throw new RehearsalError(
        'UNKNOWN_CALLBACK_ACTOR',
        `${key} of a message for actor \`${message.actorName}\` names actor \`${target}\`, which is not declared${didYouMean(target, [...this.actorMap.keys(), ...known])}`,
        { actor: message.actorName, option: key, target },
      );
    }
  }

  claim(owner: string, queue: string, limit: number, leaseMs: number): MessageProxy[] {
    if (limit <= 0) return [];
    const now = this.clock.now();
    return this.store.writeJoined(() => {
      const out: MessageProxy[] = [];
      // Undecodable rows are dead-lettered, not returned: claim again for their places, so that
      // fewer than `limit` still means the queue ran dry (the worker stops looking otherwise).
      for (let want = limit; want > 0;) {
        const rows = this.store.messages.claim(queue, now, owner, now + leaseMs, want);
        for (const row of rows) {
          const p = this.rowToProxy(row, owner);
          if (p) out.push(p);
        }
        want = rows.length < want ? 0 : limit - out.length;
      }
      return out;
    });
  }

  /** Builds the proxy of a claimed row; a row that cannot be decoded is dead-lettered at once. */
  private rowToProxy(row: ClaimedRow, owner: string): MessageProxy | null {
    this.journal.knowRoot(row.message_id, row.root);
    let message: Message;
    try {
      // A body without id or timestamp gets them (Dramatiq §1.2): the row's id, and now.
      message = decodeMessage(row.body, new ClaimedFresh(row.message_id, this.clock));
      // A body written by hand may name a queue no send could, or carry options of the wrong
      // type: either would fail in the middle of recording the outcome (wire-options.ts).
      assertQueueName(canonicalQueueName(message.queueName));
      checkWireOptions(message.options);
    } catch (err) {
      const e =
        err instanceof DecodeError ? err : new DecodeError((err as Error).message ?? String(err));
      this.logger.log({
        level: 'CRITICAL',
        logger: 'dramatiq.worker.ConsumerThread',
        message: `Failed to decode message ${row.message_id} on queue ${row.queue}: ${e.message}. Moving it to the DLQ.`,
      });
      this.store.messages.deadDirect(row.id, this.clock.now());
      this.journal.append({
        kind: 'dead_lettered',
        messageId: row.message_id,
        label: row.label,
        actor: row.actor,
        queue: row.queue,
        error: errorInfo(e),
      });
      return null;
    }
    if ('eta' in message.options) {
      // A due delayed message continues on its canonical queue without `eta` (Dramatiq §3.2).
      const options = { ...message.options };
      delete options.eta;
      message = { ...message, queueName: canonicalQueueName(message.queueName), options };
    } else if (message.queueName !== row.queue) {
      // A body naming `q.DQ` or `q.XQ` (a raw message) is delivered on `q`, as its row is: the
      // journal and the message the actor sees name the canonical queue.
      message = { ...message, queueName: canonicalQueueName(message.queueName) };
    }
    return new MessageProxy(message, {
      rowId: row.id,
      owner,
      previousAttempts: row.attempts,
      label: row.label,
      readyAt: row.ready_at,
      ...(row.lease_until === null ? {} : { leaseUntil: row.lease_until }),
    });
  }

  markStarted(p: MessageProxy, worker: number, thread: number): void {
    p.attempt = p.delivery.previousAttempts + 1;
    p.worker = worker;
    p.thread = thread;
    // The row's `attempts` is not rewritten here (one UPDATE per message saved): the `started`
    // row below is the record of it, counted back when a lease runs out (`reclaimExpired`), and
    // the dead letter and retry rows carry the count themselves.
    this.store.writeJoined(() => {
      this.journal.append({
        kind: 'started',
        messageId: p.messageId,
        label: p.label,
        actor: p.actorName,
        queue: p.queueName,
        attempt: p.attempt,
        args: p.message.args,
        kwargs: p.message.kwargs,
        worker,
        thread,
      });
    });
  }

  holdsLease(p: MessageProxy): boolean {
    // Only an expired lease can be reclaimed (`reclaimExpired`), so well before the end the
    // claim set, the lease is still ours without asking SQLite. The margin covers another
    // process's clock reading slightly ahead of this one.
    const until = p.delivery.leaseUntil;
    if (until !== undefined && this.clock.now() < until - LEASE_CERTAIN_MARGIN_MS) return true;
    return this.store.messages.holdsLease(p.delivery.rowId, p.delivery.owner, p.delivery.readyAt);
  }

  /** Journal fields common to every event of a delivery. */
  deliveryFields(p: MessageProxy): {
    messageId: string;
    label: string | null;
    actor: string;
    queue: string;
    attempt: number | null;
  } {
    return {
      messageId: p.messageId,
      label: p.label,
      actor: p.actorName,
      queue: p.queueName,
      attempt: p.attempt || null,
    };
  }

  ack(p: MessageProxy): void {
    this.emitBefore('beforeAck', p);
    const ok = this.store.writeJoined(() => {
      const done = this.store.messages.ack(p.delivery.rowId, p.delivery.owner);
      if (done) this.journal.append({ kind: 'acked', ...this.deliveryFields(p) });
      return done;
    });
    if (!ok) this.leaseLost(p, 'ack');
    this.emitAfter('afterAck', p);
  }

  nack(p: MessageProxy): void {
    this.emitBefore('beforeNack', p);
    const ok = this.store.writeJoined(() => {
      const done = this.store.messages.nack(
        p.delivery.rowId,
        p.delivery.owner,
        encodeMessage(p.message),
        p.attempt || p.delivery.previousAttempts,
        this.clock.now(),
      );
      if (done) {
        const entry = {
          kind: 'dead_lettered' as const,
          ...this.deliveryFields(p),
          options: p.options,
        };
        this.journal.append(
          p.exception === undefined ? entry : { ...entry, error: errorInfo(p.exception) },
        );
      }
      return done;
    });
    if (!ok) this.leaseLost(p, 'nack');
    this.emitAfter('afterNack', p);
  }

  private leaseLost(p: MessageProxy, op: string): void {
    this.logger.log({
      level: 'WARNING',
      logger: 'dramatiq.broker',
      message: `Could not ${op} message '${p.messageId}': its lease ran out and it was given to another consumer.`,
    });
  }

  requeue(ps: readonly MessageProxy[]): void {
    if (ps.length === 0) return;
    const now = this.clock.now();
    this.store.write(() => {
      for (const p of ps) {
        // A stale delivery (its row reclaimed, maybe re-leased to this owner) gives back nothing.
        if (!this.holdsLease(p)) continue;
        if (this.store.messages.requeue(p.delivery.rowId, p.delivery.owner, now)) {
          this.journal.append({
            kind: 'requeued',
            ...this.deliveryFields(p),
            attempt: p.delivery.previousAttempts || null,
            reason: 'shutdown',
          });
        }
      }
    });
  }

  renewLeases(owner: string, leaseMs: number): void {
    this.store.write(() => this.store.messages.renewLeases(owner, this.clock.now() + leaseMs));
  }

  reclaimExpired(): number {
    const now = this.clock.now();
    return this.store.write(() => {
      let n = 0;
      for (const row of this.store.messages.expiredLeases(now)) {
        // A start does not rewrite the row (markStarted): its deliveries that started are the
        // `started` rows below its root. Rows from before migration 8 have no root: their
        // stored count stands.
        const attempts =
          row.root === null
            ? row.attempts
            : Math.max(row.attempts, this.store.messages.startsOf(row.root));
        if (!this.store.messages.reclaimExpired(row.id, attempts, now)) continue;
        row.attempts = attempts;
        n++;
        this.journal.append(
          {
            kind: 'requeued',
            messageId: row.message_id,
            label: row.label,
            actor: row.actor,
            queue: row.queue,
            attempt: row.attempts || null,
            reason: 'lease_expired',
          },
          row.root ?? undefined,
        );
      }
      // Dead letters past their TTL are purged here too (Dramatiq's maintenance).
      for (const row of this.store.messages.expiredDead(
        this.ttlNow() - this.deadMessageTtlMs,
        1000,
      )) {
        this.store.messages.deleteRow(row.id);
        this.journalPurged(row, 'ttl');
      }
      return n;
    });
  }

  /** "Now" for dead-letter TTLs (see the constructor: virtual runs use their own time). */
  private ttlNow(): number {
    if (this.virtualRun && this.clock.kind === 'real')
      return this.journal.lastAt() ?? this.clock.now();
    return this.clock.now();
  }

  nextDue(queues: readonly string[]): number | null {
    const now = this.clock.now();
    let best: number | null = null;
    for (const q of queues) {
      const t = this.store.messages.nextDue(q, now);
      // A row written with a text ready_at ('' sorts after every number in SQLite) is never
      // claimable: as a due time it would wake the worker at once, forever.
      if (typeof t === 'number' && t > now && (best === null || t < best)) best = t;
    }
    return best;
  }

  batch<T>(fn: () => T, opts?: BatchOptions): T {
    if (opts?.grouped === true && this.groupCommitMs > 0) this.joinGroup();
    return this.store.write(fn, opts);
  }

  /**
   * Opens a group commit for the next `groupCommitMs`, or keeps the open one, unless someone else
   * writes on this file (another worker process, a `rehearsal enqueue`): when another connection
   * announced that it waits for the write lock, or holds it right now, the group commits at once
   * and none opens for a second, so that the lock is handed over (see core/db/lock-waits.ts).
   */
  private joinGroup(): void {
    const now = this.clock.now();
    // The announcement is a file's time (a system call): looked at once per ms at most.
    if (now !== this.waitsCheckedAt && this.store.othersWaiting()) {
      this.groupPauseUntil = now + GROUP_COMMIT_CONTENDED_PAUSE_MS;
      this.commitGroup();
      return;
    }
    this.waitsCheckedAt = now;
    if (this.store.grouped || now < this.groupPauseUntil) return;
    const state = this.store.openGroup();
    if (state === 'busy') this.groupPauseUntil = now + GROUP_COMMIT_CONTENDED_PAUSE_MS;
    if (state !== 'open') return;
    this.groupTimer?.cancel();
    this.groupTimer = this.clock.setTimer(
      this.groupCommitMs,
      () => this.groupCommitHook(() => this.commitGroup()),
      {
        background: true,
      },
    );
  }

  /**
   * Commits an open group commit now (the window's timer, `close`, and anyone who needs what
   * the worker recorded to be visible to other connections at once).
   */
  commitGroup(): void {
    this.groupTimer?.cancel();
    this.groupTimer = null;
    try {
      this.store.commitGroup();
    } catch (err) {
      // The claims, starts and acks of the window are undone: their leases run out and the
      // messages come back (at-least-once), as after a crash.
      this.logger.log({
        level: 'ERROR',
        logger: 'rehearsal.broker',
        message: `Could not commit the worker's last changes to ${this.store.file}; the messages involved will be delivered again when their leases run out.`,
        error: err,
      });
    }
  }

  onEnqueue(listener: (queueName: string) => void): () => void {
    this.enqueueListeners.add(listener);
    return () => this.enqueueListeners.delete(listener);
  }

  stats(): QueueStats[] {
    const now = this.clock.now();
    const paused = new Map(this.store.messages.listQueues().map((q) => [q.name, q.paused === 1]));
    return this.store
      .read(() => this.store.messages.counts(now, this.ttlNow() - this.deadMessageTtlMs))
      .map((c) => ({
        queue: c.queue,
        ready: c.ready,
        delayed: c.delayed,
        inFlight: c.in_flight,
        dead: c.dead,
        paused: paused.get(c.queue) ?? false,
      }));
  }

  setQueuePaused(queue: string, paused: boolean): void {
    this.queueCache = null;
    if (!this.store.write(() => this.store.messages.setPaused(queue, paused))) {
      throw new RehearsalError(
        'QUEUE_NOT_FOUND',
        `queue \`${queue}\` is not declared${didYouMean(queue, this.knownQueues())}`,
        { queue },
      );
    }
    // Wake this process's workers: under the virtual clock they never poll, so nothing else would.
    if (!paused) for (const l of this.enqueueListeners) l(queue);
  }

  isQueuePaused(queue: string): boolean {
    return this.queueTable().paused.has(queue);
  }

  deadLetters(queue: string | null = null, limit = 1000): DeadLetter[] {
    const since = this.ttlNow() - this.deadMessageTtlMs;
    return this.store.messages.dead(queue, since, limit).map((r) => ({
      id: r.id,
      message: safeDecode(r.body, r),
      label: r.label,
      deadAt: r.dead_at ?? 0,
      attempts: r.attempts,
    }));
  }

  requeueDead(ids: readonly number[] | 'all', queue: string | null = null): number {
    const rows =
      ids === 'all'
        ? this.store.messages.dead(queue, 0, Number.MAX_SAFE_INTEGER)
        : ids
            .map((id) => this.store.messages.byId(id))
            .filter((r): r is MessageRow => r?.state === STATE.dead);
    if (ids !== 'all' && rows.length !== ids.length) {
      const found = new Set(rows.map((r) => r.id));
      const missing = ids.filter((id) => !found.has(id));
      throw new RehearsalError(
        'DEAD_LETTER_NOT_FOUND',
        `no dead letter with id ${missing.join(', ')}; list them with \`rehearsal dlq list\``,
        { ids: missing },
      );
    }
    return this.store.write(() => {
      for (const r of rows) {
        const m = safeDecode(r.body, r);
        // Requeued dead letters start over as a fresh enqueue of the same message id.
        const options = { ...m.options };
        delete options.eta;
        const fresh = { ...m, queueName: r.queue, options };
        this.store.messages.deleteRow(r.id);
        this.journal.knowRoot(r.message_id, r.root);
        this.enqueue(fresh, { reason: 'requeue', label: r.label, attempts: r.attempts });
      }
      return rows.length;
    });
  }

  purgeDead(queue: string | null = null): number {
    return this.store.write(() => {
      const rows = this.store.messages.dead(queue, 0, Number.MAX_SAFE_INTEGER);
      for (const r of rows) {
        this.store.messages.deleteRow(r.id);
        this.journalPurged(r, 'dlq_purge');
      }
      return rows.length;
    });
  }

  flush(queue: string): number {
    return this.store.write(() => {
      const rows = this.store.messages.flushable(queue);
      for (const r of rows) {
        this.store.messages.deleteRow(r.id);
        this.journalPurged(r, 'flush');
      }
      return rows.length;
    });
  }

  flushAll(): number {
    return this.store.write(() => {
      let n = this.purgeDead(null);
      for (const q of this.knownQueues()) n += this.flush(q);
      return n;
    });
  }

  async join(queue: string, opts: { timeoutMs?: number | null } = {}): Promise<void> {
    const q = canonicalQueueName(queue);
    if (!this.knownQueues().includes(q)) throw new QueueNotFound(q);
    const timeoutMs = opts.timeoutMs ?? null;
    const deadline = timeoutMs === null ? null : this.clock.now() + timeoutMs;
    while (this.hasPending(q)) {
      if (deadline !== null && this.clock.now() >= deadline)
        throw new QueueJoinTimeout(q, timeoutMs!);
      await this.clock.sleep(
        deadline === null ? 100 : Math.max(1, Math.min(100, deadline - this.clock.now())),
      );
    }
  }

  /** Journals that a message row was dropped (flush, dead-letter purge or TTL). */
  private journalPurged(r: MessageRow, reason: 'flush' | 'dlq_purge' | 'ttl'): void {
    this.journal.append(
      {
        kind: 'purged',
        messageId: r.message_id,
        label: r.label,
        actor: r.actor,
        queue: r.queue,
        reason,
      },
      r.root ?? undefined,
    );
  }

  pendingCount(queue?: string): number {
    return queue === undefined
      ? this.store.messages.anyPending()
      : this.store.messages.pendingCount(queue);
  }

  hasPending(queue?: string): boolean {
    return this.store.messages.hasPending(queue);
  }

  resultBackend(): SqliteResultBackend {
    this.results ??= new SqliteResultBackend(this.store, this.clock, undefined, () =>
      this.ttlNow(),
    );
    return this.results;
  }

  rateLimiterBackend(): SqliteRateLimiterBackend {
    this.limits ??= new SqliteRateLimiterBackend(this.store, this.clock);
    return this.limits;
  }

  close(): void {
    this.commitGroup();
    this.store.close();
  }

  emitBefore<K extends HookName>(hook: K, ...args: HookArgs<K>): void {
    emitBeforeHooks(this, hook, args, this.withHook(hook));
  }

  emitAfter<K extends HookName>(hook: K, ...args: HookArgs<K>): void {
    emitAfterHooks(this, hook, args, this.withHook(hook));
  }

  /**
   * The middleware that implement `hook`, in list order: most hooks are no-ops on most
   * middleware, and a message passes about ten hooks. Rebuilt when the list changes.
   */
  private withHook(hook: HookName): readonly Middleware[] {
    let list = this.hookLists.get(hook);
    if (!list) {
      const base = Middleware.prototype[hook];
      list = this.mw.filter((m) => m[hook] !== base);
      this.hookLists.set(hook, list);
    }
    return list;
  }
}

function safeDecode(body: string, row: MessageRow): Message {
  try {
    return decodeMessage(body, { id: () => row.message_id, now: () => row.enqueued_at });
  } catch {
    return {
      queueName: row.queue,
      actorName: row.actor,
      args: [],
      kwargs: {},
      options: { undecodable_body: body },
      messageId: row.message_id,
      messageTimestamp: row.enqueued_at,
    };
  }
}

/**
 * Where a claimed body without id or timestamp gets them: the row's id, and now. A class, not a
 * pair of closures per claim (tsx, which runs the sources, names every closure it creates).
 */
class ClaimedFresh {
  constructor(
    private readonly messageId: string,
    private readonly clock: Clock,
  ) {}

  id(): string {
    return this.messageId;
  }

  now(): number {
    return this.clock.now();
  }
}
