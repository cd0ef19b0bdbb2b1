/**
 * The worker: claims messages from its queues, orders them by actor priority in a local work
 * queue, and runs them on `threads` concurrent slots through the middleware hooks.
 *
 * Contract:
 * 1. At most `prefetch` (default min(threads × 2, 65535)) messages per queue are held by this
 *    worker (waiting in its work queue or running), as Dramatiq's consumer prefetch.
 * 2. Claims and acks are batched: the messages started, and the messages finished, in one turn of
 *    the event loop commit together (one transaction each), with their journal rows. Those
 *    batches are `grouped` (Broker contract item 3): on the real clock a broker may commit a few
 *    ms of them at once; the worker commits what it holds before it reports itself idle.
 * 3. The worker runs unchanged under the real and the virtual clock. Under the virtual clock it
 *    never polls: it wakes on enqueues made through its broker and on the next due time, so a
 *    virtual run is idle exactly when nothing is queued, delayed or running.
 * 4. `stop()` lets running attempts finish (up to the timeout) while it keeps renewing leases,
 *    then gives messages that never started back to their queues, firing the shutdown hooks in
 *    Dramatiq's order: before_worker_shutdown, before_worker_thread_shutdown (each thread),
 *    before_consumer_thread_shutdown, the requeue, after_worker_shutdown.
 */
import type { Actor } from '../actor.ts';
import type { Broker } from '../broker/broker.ts';
import type { MessageProxy } from '../broker/message-proxy.ts';
import type { Timer } from '../clock/clock.ts';
import {
  ActorNotFound,
  errorInfo,
  errorText,
  errorType,
  RateLimitExceeded,
  Retry,
  SkipMessage,
} from '../errors.ts';
import type { ProcessOutcome, ThreadInfo, WorkerInfo } from '../middleware/middleware.ts';
import { resolveOption } from '../actor-options.ts';
import { matchesThrows } from '../middleware/retries.ts';
import { resultsOn } from '../results/results-middleware.ts';
import { InProcessRunner, type ActorRunner } from './runner.ts';
import { setInterrupt } from './interrupts.ts';
import { WorkQueue } from './work-queue.ts';

/** The worker's own bookkeeping may wait for a group commit (Broker contract item 3). */
const GROUPED = { grouped: true } as const;

/** Options of `Worker`. */
export type WorkerOptions = {
  /** Canonical queue names to consume; default every queue declared on the broker. */
  queues?: readonly string[];
  /** Concurrent attempt slots (default 8). */
  threads?: number;
  /** Messages held per queue (default min(threads × 2, 65535)). */
  prefetch?: number;
  /** Worker process index for the journal (default 0). */
  index?: number;
  /** Lease owner id (default `w<index>-<random>`). */
  id?: string;
  /** Lease length, ms (default 60000, Dramatiq's heartbeat timeout). */
  leaseMs?: number;
  /** Idle poll interval on the real clock, ms (default 1000, Dramatiq's `worker_timeout`). */
  workerTimeoutMs?: number;
  /** Where actor code runs (default in process). */
  runner?: ActorRunner;
};

type Slot = { index: number; busy: MessageProxy | null; info: ThreadInfo };
/**
 * How an attempt ended: the actor's outcome, a skip, or `not-run` (a before hook marked the
 * message failed, so the actor was not called: Dramatiq §4.4 step 2).
 */
type Finished = { p: MessageProxy; outcome: ProcessOutcome | 'skipped' | 'not-run'; slot: Slot };

export class Worker {
  readonly broker: Broker;
  readonly info: WorkerInfo;
  readonly threads: number;
  readonly prefetch: number;
  readonly leaseMs: number;
  readonly workerTimeoutMs: number;
  private readonly queueFilter: readonly string[] | null;
  private readonly runner: ActorRunner;
  private readonly work = new WorkQueue<MessageProxy>();
  private readonly held = new Map<string, number>();
  private readonly slots: Slot[];
  private finished: Finished[] = [];
  private running = 0;
  private state: 'new' | 'running' | 'stopping' | 'stopped' = 'new';
  private paused = false;
  private pumpScheduled = false;
  private readonly dirty = new Set<string>();
  private allDirty = true;
  private flushScheduled = false;
  private dueTimer: { at: number; timer: Timer } | null = null;
  private pollTimer: Timer | null = null;
  private heartbeat: Timer | null = null;
  private idleDelayMs = 5;
  private unsubscribe: (() => void) | null = null;
  private idleWaiters: (() => void)[] = [];
  private abandoned = new Set<MessageProxy>();

  constructor(broker: Broker, opts: WorkerOptions = {}) {
    this.broker = broker;
    this.threads = Math.max(1, Math.floor(opts.threads ?? 8));
    this.prefetch = Math.min(65535, Math.max(1, Math.floor(opts.prefetch ?? this.threads * 2)));
    this.leaseMs = opts.leaseMs ?? 60_000;
    this.workerTimeoutMs = opts.workerTimeoutMs ?? 1000;
    this.queueFilter = opts.queues && opts.queues.length > 0 ? [...opts.queues] : null;
    this.runner = opts.runner ?? new InProcessRunner();
    const index = opts.index ?? 0;
    this.info = { index, id: opts.id ?? `w${index}-${broker.rng.uuid4().slice(0, 8)}` };
    this.slots = Array.from({ length: this.threads }, (_, i) => ({
      index: i,
      busy: null,
      info: { worker: this.info, index: i },
    }));
  }

  /**
   * Queues this worker consumes now: every queue declared on its broker (by its actors), or those
   * of them on the whitelist. A whitelisted queue no actor of this process declares is not
   * consumed, as Dramatiq makes consumers only for declared queues (spec §4.1): its messages wait
   * for a worker that knows their actors instead of being dead-lettered here.
   */
  get queues(): string[] {
    const declared = this.broker.getDeclaredQueues();
    if (!this.queueFilter) return declared;
    return this.queueFilter.filter((q) => declared.includes(q));
  }

  /** Starts consuming (fires the boot hooks). */
  start(): void {
    if (this.state !== 'new') return;
    this.broker.emitBefore('beforeWorkerBoot', this.info);
    this.state = 'running';
    for (const s of this.slots) this.broker.emitAfter('afterWorkerThreadBoot', s.info);
    this.broker.emitAfter('afterConsumerThreadBoot', { worker: this.info, index: 0 });
    this.unsubscribe = this.broker.onEnqueue((queue) => this.schedulePump(queue));
    if (this.broker.clock.kind === 'real') this.scheduleHeartbeat();
    this.broker.emitAfter('afterWorkerBoot', this.info);
    this.schedulePump();
  }

  /** Stops taking new messages; running attempts continue. */
  pause(): void {
    this.paused = true;
  }

  /** Undoes `pause`. */
  resume(): void {
    this.paused = false;
    this.schedulePump();
  }

  get isPaused(): boolean {
    return this.paused;
  }

  /** Number of attempts running now. */
  get busy(): number {
    return this.running;
  }

  /** Stops the worker (contract item 4). */
  /**
   * Freezes the worker where it stands (the end of a simulation at `until.time`): timers are
   * cancelled and nothing more is claimed, started or recorded; the database keeps the state of
   * that instant (held messages stay leased). No shutdown hooks, no journal rows.
   */
  async halt(): Promise<void> {
    if (this.state === 'stopped') return;
    this.state = 'stopped';
    this.cancelTimers();
    this.unsubscribe?.();
    for (const s of this.slots) if (s.busy) this.abandoned.add(s.busy);
    this.finished = [];
    await this.runner.close();
    this.notifyIdle();
  }

  async stop(opts: { timeoutMs?: number } = {}): Promise<void> {
    if (this.state === 'stopped' || this.state === 'stopping') return;
    if (this.state === 'new') {
      this.state = 'stopped';
      return;
    }
    this.state = 'stopping';
    // Dramatiq's order (spec §4.5): the worker threads finish what they run, then the consumers
    // stop, then what was fetched but never started goes back to its queues. Leases stay renewed
    // meanwhile, as Dramatiq keeps its consumers (and their heartbeats) alive until its threads
    // are done.
    this.broker.emitBefore('beforeWorkerShutdown', this.info);
    this.cancelTimers({ keepHeartbeat: true });
    if (this.holding() > 0) this.scheduleHeartbeat();
    const deadline = this.broker.clock.now() + (opts.timeoutMs ?? 600_000);
    while (this.running > 0 || this.finished.length > 0) {
      if (this.broker.clock.now() >= deadline) break;
      await this.broker.clock.sleep(Math.min(50, Math.max(1, deadline - this.broker.clock.now())));
      this.flush();
    }
    // Attempts still running past the timeout are abandoned: their messages go back to the queue.
    const stuck = this.slots.map((s) => s.busy).filter((p): p is MessageProxy => p !== null);
    if (stuck.length > 0)
      this.broker.logger.log({
        level: 'WARNING',
        logger: 'dramatiq.worker.Worker',
        message: `${stuck.length} message(s) still running after the shutdown timeout (${opts.timeoutMs ?? 600_000} ms) were given back to their queues: ${stuck.map((p) => describe(p)).join(', ')}.`,
      });
    for (const p of stuck) this.abandoned.add(p);
    for (const s of this.slots) this.broker.emitBefore('beforeWorkerThreadShutdown', s.info);
    this.broker.emitBefore('beforeConsumerThreadShutdown', { worker: this.info, index: 0 });
    this.cancelTimers();
    this.releaseHeld([...this.work.drain(), ...stuck]);
    this.unsubscribe?.();
    await this.runner.close();
    this.broker.commitGroup();
    this.state = 'stopped';
    this.broker.emitAfter('afterWorkerShutdown', this.info);
    this.notifyIdle();
  }

  /**
   * Resolves when this worker has nothing to do: nothing held, running or unflushed, and nothing
   * ready or delayed on its queues. Under the virtual clock, drive the clock (`clock.run()`).
   */
  join(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private isIdle(): boolean {
    if (this.state === 'stopped') return true;
    if (this.work.size > 0 || this.running > 0 || this.finished.length > 0) return false;
    return this.queues.every((q) => !this.broker.hasPending(q));
  }

  private notifyIdle(): void {
    if (this.idleWaiters.length === 0 || !this.isIdle()) return;
    // Whoever waits for idle may look from another connection: make the last acks visible.
    this.broker.commitGroup();
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  /**
   * Plans a pump. `mark` says where claimable messages may have appeared: a queue (an enqueue
   * through this broker), 'all' (a due time, a resume, a reclaim — or on the real clock, where
   * other processes enqueue unseen), or null (only room freed up). Under the virtual clock a queue
   * is claimed from only while marked, so an idle queue costs no query.
   */
  private schedulePump(mark: string | 'all' | null = 'all'): void {
    if (mark === 'all') this.allDirty = true;
    else if (mark !== null) this.dirty.add(mark);
    if (this.pumpScheduled || this.state !== 'running') return;
    this.pumpScheduled = true;
    this.broker.clock.defer(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  /** Claims what fits, starts what can run, and arranges the next wake-up. */
  private pump(): void {
    if (this.state !== 'running') return;
    const out = { round: { claimed: 0, exhausted: false }, arranged: false };
    if (!this.paused) {
      try {
        // One transaction for the claims, the starts they allow and the next due time (read
        // inside it: a read on its own costs a WAL snapshot of its own).
        this.broker.batch(() => {
          out.round = this.claimRound();
          this.dispatch();
          this.arrangeWakeUp(out.round.claimed, out.round.exhausted);
          out.arranged = true;
        }, GROUPED);
      } catch (err) {
        // Another connection held the write lock past the busy timeout: try again next wake-up.
        if (!isDatabaseBusy(err)) throw err;
        this.logBusy('claim messages', err);
        this.broker.clock.setTimer(this.idleDelayMs, () => this.schedulePump());
      }
    }
    if (!out.arranged) this.arrangeWakeUp(out.round.claimed, out.round.exhausted);
    this.notifyIdle();
  }

  /** Claims what fits from the queues that may have something (see `schedulePump`). */
  private claimRound(): { claimed: number; exhausted: boolean } {
    let claimed = 0;
    let exhausted = false;
    const everything = this.allDirty || this.broker.clock.kind === 'real';
    this.allDirty = false;
    for (const q of this.queues) {
      if (!everything && !this.dirty.has(q)) continue;
      if (this.broker.isQueuePaused(q)) continue;
      const room = this.prefetch - (this.held.get(q) ?? 0);
      if (room <= 0) {
        // Full: more may be waiting; look again when room frees up.
        this.dirty.add(q);
        continue;
      }
      const got = this.broker.claim(this.info.id, q, room, this.leaseMs);
      claimed += got.length;
      for (const p of got) this.accept(p);
      if (got.length < room) {
        this.dirty.delete(q);
        exhausted = true;
      } else this.dirty.add(q);
    }
    return { claimed, exhausted };
  }

  /** Takes a claimed message into the work queue, or dead-letters it when its actor is unknown. */
  private accept(p: MessageProxy): void {
    const actor = this.broker.getActor(p.actorName);
    if (!actor) {
      this.broker.logger.log({
        level: 'ERROR',
        logger: 'dramatiq.worker.ConsumerThread',
        message: `Received message for undefined actor '${p.actorName}'. Moving it to the DLQ.`,
      });
      p.exception = new ActorNotFound(p.actorName);
      p.fail();
      this.broker.nack(p);
      return;
    }
    this.held.set(p.queueName, (this.held.get(p.queueName) ?? 0) + 1);
    this.work.push(p, actor.priority);
    this.scheduleHeartbeat();
  }

  private releaseHeld(ps: MessageProxy[]): void {
    if (ps.length === 0) return;
    this.broker.requeue(ps);
    for (const p of ps)
      this.held.set(p.queueName, Math.max(0, (this.held.get(p.queueName) ?? 1) - 1));
  }

  /** Starts queued messages on free slots, in one transaction (contract item 2). */
  private dispatch(): void {
    if (this.paused || this.work.size === 0 || this.running >= this.threads) return;
    const starts: { p: MessageProxy; slot: Slot; actor: Actor }[] = [];
    this.broker.batch(() => {
      for (const slot of this.slots) {
        if (slot.busy || slot.index >= this.threads) continue;
        const p = this.nextStillHeld();
        if (!p) break;
        const actor = this.broker.getActor(p.actorName)!;
        slot.busy = p;
        this.running++;
        p.attempt = p.delivery.previousAttempts + 1;
        p.worker = this.info.index;
        p.thread = slot.index;
        try {
          this.broker.emitBefore('beforeProcessMessage', p);
        } catch (err) {
          this.finishEarly(p, slot, err);
          continue;
        }
        if (p.failed) {
          this.finished.push({ p, outcome: 'not-run', slot });
          this.scheduleFlush();
          continue;
        }
        this.broker.markStarted(p, this.info.index, slot.index);
        starts.push({ p, slot, actor });
      }
    }, GROUPED);
    for (const s of starts) this.launch(s.p, s.slot, s.actor);
  }

  /**
   * The next message of the work queue whose lease is still ours. A message that waited here
   * while this process stood still (a pause, a stop signal, a long GC) may have been reclaimed
   * and handed to another consumer: it is dropped, not started a second time.
   */
  private nextStillHeld(): MessageProxy | null {
    while (this.work.size > 0) {
      const p = this.work.pop()!;
      if (this.broker.holdsLease(p)) return p;
      this.held.set(p.queueName, Math.max(0, (this.held.get(p.queueName) ?? 1) - 1));
      this.leaseLost(p, 'start');
    }
    return null;
  }

  private leaseLost(p: MessageProxy, what: string): void {
    this.broker.logger.log({
      level: 'WARNING',
      logger: 'dramatiq.worker.Worker',
      message: `Could not ${what} message ${describe(p)} (${p.messageId}): its lease ran out and it was given to another consumer.`,
    });
  }

  /**
   * A before hook raised (only a MiddlewareError gets here, see emitBefore): a `SkipMessage` takes
   * the skip path, any other is the attempt's exception, as if the actor had raised it (Dramatiq
   * §4.4 steps 1 and 4: the actor is not called, Retries may retry it).
   */
  private finishEarly(p: MessageProxy, slot: Slot, err: unknown): void {
    if (err instanceof SkipMessage) {
      p.exception = err;
      this.finished.push({ p, outcome: 'skipped', slot });
    } else this.finished.push({ p, outcome: { ok: false, exception: err }, slot });
    this.scheduleFlush();
  }

  private launch(p: MessageProxy, slot: Slot, actor: Actor): void {
    const attempt = this.runner.run(actor, p);
    setInterrupt(p, (err) => attempt.interrupt(err));
    attempt.promise.then(
      (result) => this.complete(p, slot, { ok: true, result }),
      (exception: unknown) => {
        if (exception instanceof SkipMessage) {
          p.exception = exception;
          this.complete(p, slot, 'skipped');
        } else this.complete(p, slot, { ok: false, exception });
      },
    );
  }

  private complete(p: MessageProxy, slot: Slot, outcome: ProcessOutcome | 'skipped'): void {
    setInterrupt(p, null);
    if (this.abandoned.delete(p)) return;
    this.finished.push({ p, outcome, slot });
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    this.broker.clock.defer(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  /** Post-processes every finished attempt in one transaction (contract item 2). */
  private flush(): void {
    if (this.finished.length === 0) return;
    const batch = this.finished;
    this.finished = [];
    let began = false;
    try {
      // One transaction per turn: the after hooks and acks of what finished, then the claims
      // and starts that the freed slots allow and the next due time (contract item 2).
      this.broker.batch(() => {
        began = true;
        for (const f of batch) this.postProcess(f);
        for (const f of batch) {
          f.slot.busy = null;
          this.running--;
          this.held.set(f.p.queueName, Math.max(0, (this.held.get(f.p.queueName) ?? 1) - 1));
        }
        if (this.state === 'running' && !this.paused) {
          // A freed slot takes what is already in memory first, as a Dramatiq worker thread
          // takes its next message from the work queue as soon as it has acked: a message still
          // in the broker competes on priority only once it is claimed (spec §4.3).
          this.dispatch();
          const round = this.claimRound();
          this.dispatch();
          this.arrangeWakeUp(round.claimed, round.exhausted);
        }
      }, GROUPED);
    } catch (err) {
      // Busy before the transaction began: nothing ran, so the whole batch can run again later.
      if (began || !isDatabaseBusy(err)) throw err;
      this.logBusy('record finished messages', err);
      this.finished = [...batch, ...this.finished];
      this.scheduleFlush();
      return;
    }
    this.notifyIdle();
  }

  /** After hooks, journal rows and the ack or nack of one attempt (Dramatiq §4.4 steps 3–6). */
  private postProcess({ p, outcome }: Finished): void {
    const b = this.broker;
    // An attempt whose lease ran out meanwhile is stale: another consumer has the message (and
    // the journal says so with `requeued`). Recording its outcome would complete the message twice
    // (a second result, pipeline step, group completion, retry), so it is discarded like an
    // abandoned attempt. Inside this transaction, a lease still held stays held until the ack.
    if (!b.holdsLease(p)) {
      this.leaseLost(p, 'record the outcome of');
      return;
    }
    const fields = {
      messageId: p.messageId,
      label: p.label,
      actor: p.actorName,
      queue: p.queueName,
      attempt: p.attempt,
    };
    if (outcome === 'skipped') {
      b.logger.log({
        level: 'WARNING',
        logger: 'dramatiq.worker.WorkerThread',
        message: `Message ${describe(p)} was skipped.`,
      });
      const skip = p.exception instanceof SkipMessage ? p.exception : new SkipMessage();
      b.journal.append({ kind: 'skipped', ...fields, error: errorInfo(skip) });
      b.emitAfter('afterSkipMessage', p);
    } else if (outcome === 'not-run') {
      // Marked failed before the actor ran: the after hooks see no result and no exception.
      b.emitAfter('afterProcessMessage', p, { ok: true, result: null });
    } else if (outcome.ok) {
      p.result = outcome.result;
      b.journal.append({ kind: 'succeeded', ...fields, result: outcome.result ?? null });
      this.warnDiscarded(p, outcome.result);
      b.emitAfter('afterProcessMessage', p, outcome);
    } else {
      p.exception = outcome.exception;
      this.logFailure(p, outcome.exception);
      b.journal.append({ kind: 'failed', ...fields, error: errorInfo(outcome.exception) });
      b.emitAfter('afterProcessMessage', p, outcome);
    }
    if (p.failed) b.nack(p);
    else b.ack(p);
  }

  /** Dramatiq §4.4 step 3: a value nobody can read (no Results middleware, no pipeline). */
  private warnDiscarded(p: MessageProxy, result: unknown): void {
    if (
      result === null ||
      result === undefined ||
      (p.options.pipe_target !== undefined && p.options.pipe_target !== null)
    )
      return;
    if (resultsOn(this.broker)) return;
    this.broker.logger.log({
      level: 'WARNING',
      logger: 'dramatiq.worker.WorkerThread',
      message: `Actor '${p.actorName}' returned a value that is not None, and you haven't added the Results middleware to the broker, which means the value will be discarded. You should either return None from the actor or add the Results middleware to the broker.`,
    });
  }

  private logFailure(p: MessageProxy, err: unknown): void {
    const logger = 'dramatiq.worker.WorkerThread';
    if (err instanceof Retry) return;
    if (err instanceof RateLimitExceeded) {
      this.broker.logger.log({
        level: 'DEBUG',
        logger,
        message: `Failed to process message ${describe(p)} with rate limit exceeded.`,
      });
      return;
    }
    const actor = this.broker.getActor(p.actorName);
    if (matchesThrows(err, resolveOption('throws', p.options, actor?.options ?? {}))) {
      this.broker.logger.log({
        level: 'INFO',
        logger,
        message: `Failed to process message ${describe(p)} with expected exception ${errorType(err)}.`,
      });
      return;
    }
    this.broker.logger.log({
      level: 'ERROR',
      logger,
      message: `Failed to process message ${describe(p)} with unhandled exception.`,
      error: err,
    });
  }

  /** Plans the next pump: the next due time, and on the real clock an idle poll with backoff. */
  private arrangeWakeUp(claimed: number, exhausted: boolean): void {
    const clock = this.broker.clock;
    if (clock.kind === 'real') this.armPoll(claimed);
    // The next due time matters only once a queue ran dry: until then every turn pumps again,
    // and the claim takes whatever has come due (on the real clock, the poll also catches what
    // other processes send).
    if (!exhausted) return;
    const due = this.broker.nextDue(this.queues);
    if (due !== null && (this.dueTimer === null || this.dueTimer.at !== due)) {
      this.dueTimer?.timer.cancel();
      this.dueTimer = {
        at: due,
        timer: clock.setTimer(due - clock.now(), () => {
          this.dueTimer = null;
          this.schedulePump();
        }),
      };
    } else if (due === null && this.dueTimer) {
      this.dueTimer.timer.cancel();
      this.dueTimer = null;
    }
  }

  /**
   * Other processes may enqueue on this file: poll, quickly when busy, backing off to
   * worker_timeout when idle (like Dramatiq's Redis consumer). A poll already due at the same
   * pace is left as it is (one timer less per turn while busy).
   */
  private armPoll(claimed: number): void {
    const delay =
      claimed > 0 ? 5 : Math.min(this.workerTimeoutMs, Math.max(5, this.idleDelayMs * 2));
    if (this.pollTimer !== null && delay === this.idleDelayMs) return;
    this.idleDelayMs = delay;
    this.pollTimer?.cancel();
    this.pollTimer = this.broker.clock.setTimer(
      delay,
      () => {
        this.pollTimer = null;
        this.schedulePump();
      },
      { background: true },
    );
  }

  /**
   * Lease heartbeat: renews this worker's leases and returns expired ones (from dead workers) to
   * their queues, every leaseMs / 3. On the real clock it beats all the time (another process may
   * die at any moment); on the virtual clock (one process) only while this worker holds messages,
   * so a long virtual wait is not filled with heartbeats.
   */
  private scheduleHeartbeat(): void {
    if (this.heartbeat) return;
    const every = Math.max(1, Math.floor(this.leaseMs / 3));
    const beat = (): void => {
      this.heartbeat = null;
      if (this.state !== 'running' && this.state !== 'stopping') return;
      try {
        this.broker.renewLeases(this.info.id, this.leaseMs);
        if (this.broker.reclaimExpired() > 0) this.schedulePump();
      } catch (err) {
        if (!isDatabaseBusy(err)) throw err;
        this.logBusy('renew leases', err);
      }
      if (this.broker.clock.kind === 'real' || this.holding() > 0) this.scheduleHeartbeat();
    };
    this.heartbeat = this.broker.clock.setTimer(every, beat, { background: true });
  }

  /** Messages this worker holds (waiting in its work queue or running). */
  private holding(): number {
    let n = 0;
    for (const v of this.held.values()) n += v;
    return n;
  }

  private logBusy(what: string, err: unknown): void {
    this.broker.logger.log({
      level: 'WARNING',
      logger: 'dramatiq.worker.Worker',
      message: `Could not ${what}: the database stayed locked by another connection (${errorText(err)}). Retrying.`,
    });
  }

  /**
   * Changes the number of slots from now on (what-if forks): new slots start empty; slots beyond
   * the new count finish their attempt and take no more. Prefetch grows to threads × 2 if smaller.
   */
  resize(threads: number): void {
    const n = Math.max(1, Math.floor(threads));
    for (let i = this.slots.length; i < n; i++) {
      const slot: Slot = { index: i, busy: null, info: { worker: this.info, index: i } };
      this.slots.push(slot);
      this.broker.emitAfter('afterWorkerThreadBoot', slot.info);
    }
    (this as { threads: number }).threads = n;
    (this as { prefetch: number }).prefetch = Math.min(65535, Math.max(this.prefetch, n * 2));
    this.dispatch();
    this.schedulePump();
  }

  private cancelTimers(opts: { keepHeartbeat?: boolean } = {}): void {
    this.dueTimer?.timer.cancel();
    this.dueTimer = null;
    this.pollTimer?.cancel();
    this.pollTimer = null;
    if (opts.keepHeartbeat) return;
    this.heartbeat?.cancel();
    this.heartbeat = null;
  }
}

/** SQLITE_BUSY (and its extended codes): the write lock stayed taken past the busy timeout. */
function isDatabaseBusy(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}

/** `actor(args)` as Dramatiq's log lines print a message. */
/** A message as Python's `str(message)` writes it in log lines: `add(1, 'x', k=None)`. */
function describe(p: MessageProxy): string {
  const params = p.message.args.map(pyRepr);
  for (const [k, v] of Object.entries(p.message.kwargs)) params.push(`${k}=${pyRepr(v)}`);
  return `${p.actorName}(${params.join(', ')})`;
}

/** Python's `repr` of a JSON value (for log lines only). */
function pyRepr(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return 'nan';
    if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
    return String(v);
  }
  if (typeof v === 'string') {
    const quote = v.includes("'") && !v.includes('"') ? '"' : "'";
    const body = v
      .replace(/\\/g, '\\\\')
      .replace(/\n/g, '\\n')
      .replace(/\r/g, '\\r')
      .replace(/\t/g, '\\t');
    return quote + (quote === "'" ? body.replace(/'/g, "\\'") : body) + quote;
  }
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(', ')}]`;
  if (typeof v === 'object')
    return `{${Object.entries(v as Record<string, unknown>)
      .map(([k, x]) => `${pyRepr(k)}: ${pyRepr(x)}`)
      .join(', ')}}`;
  return String(v);
}
