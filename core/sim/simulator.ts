/**
 * The simulator: runs a scenario on the same broker, worker and middleware as real mode, under the
 * clock the scenario names. It never re-implements the semantics; it only declares behaviour
 * actors, schedules sends and arrivals, starts workers and drives the clock.
 *
 * Contract:
 * 1. Same scenario + same seed + virtual clock ⇒ the same journal, byte for byte.
 * 2. The scenario and seed are stored in the database's meta (`scenario`, `seed`), so a run can be
 *    replayed or forked from its database alone.
 * 3. `until: {idle: true}` stops when nothing is queued, delayed or running and no send is still
 *    scheduled; `until: {time}` stops at that many ms after the start.
 */
import { actor as makeActor, type Actor } from '../actor.ts';
import type { Broker } from '../broker/broker.ts';
import type { MessageProxy } from '../broker/message-proxy.ts';
import { SqliteBroker } from '../broker/sqlite-broker.ts';
import type { Clock } from '../clock/clock.ts';
import { monotonicMs, RealClock } from '../clock/real-clock.ts';
import { VirtualClock } from '../clock/virtual-clock.ts';
import { group as makeGroup } from '../composition/group.ts';
import { pipeline as makePipeline } from '../composition/pipeline.ts';
import { errorType, RehearsalError } from '../errors.ts';
import { silentLogger, type Logger } from '../logging.ts';
import type { Message } from '../message.ts';
import { defaultMiddleware } from '../middleware/default-middleware.ts';
import { SeededRng, StreamRng, type Rng } from '../random/rng.ts';
import type { ActorRunner } from '../worker/runner.ts';
import { Worker } from '../worker/worker.ts';
import { behaviourFunction } from './behaviour.ts';
import { exponential } from './distributions.ts';
import type { Arrival, Scenario, ScenarioActor, SendEntry } from './scenario-schema.ts';

/** Options of `runScenario`. */
export type SimulationOptions = {
  /** Database file of the run (a new file; `:memory:` in tests). */
  db: string;
  /** Overrides the scenario's seed. */
  seed?: number;
  /** Overrides the scenario's clock. */
  clock?: 'virtual' | 'real';
  logger?: Logger;
  /** Called now and then with the engine time reached (ms since start). */
  onProgress?: (tMs: number) => void;
  /** Where the scenario came from (stored with the run). */
  source?: string;
  /** The broker the workers use, made from the run's broker (profiling wraps it); default itself. */
  workerBroker?: (broker: Broker) => Broker;
  /** Where each worker runs actor code (profiling wraps it); default in process. */
  runner?: () => ActorRunner;
};

/** What a finished run reports. */
export type SimulationResult = {
  /** ms of engine time from start to stop. */
  endT: number;
  /** Journal events written. */
  events: number;
  seed: number;
  clock: 'virtual' | 'real';
  db: string;
};

/** The virtual start time of every simulated run (2026-01-01T00:00:00Z). */
export const SIM_START_MS = 1_767_225_600_000;

/** Actor options of a scenario actor, converted for `actor()` (retry_when becomes a function). */
export function scenarioActorOptions(a: ScenarioActor): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(a.options)) {
    if (v === undefined) continue;
    if (k === 'retry_when') {
      const rw = v as { errors?: string[]; retries_below?: number };
      out.retry_when = (retries: number, err: unknown): boolean =>
        (rw.errors === undefined || rw.errors.includes(errorType(err))) &&
        (rw.retries_below === undefined || retries < rw.retries_below);
    } else out[k] = v;
  }
  return out;
}

/** A running simulation: the broker, clock and workers, and how to drive them. */
export class Simulation {
  readonly scenario: Scenario;
  readonly broker: SqliteBroker;
  readonly clock: Clock;
  readonly seed: number;
  readonly workers: Worker[] = [];
  private readonly actors = new Map<string, Actor>();
  /** The seed's streams: one per purpose, so a fork changes outcomes, not the load. */
  private readonly root: SeededRng;
  private readonly rng: StreamRng;
  private pendingSends = 0;
  private arrivalCounters = new Map<number, number>();
  private started = false;
  private readonly workerBroker: ((broker: Broker) => Broker) | null;
  private readonly runner: (() => ActorRunner) | null;

  constructor(scenario: Scenario, opts: SimulationOptions) {
    this.scenario = scenario;
    this.seed = opts.seed ?? scenario.seed;
    this.workerBroker = opts.workerBroker ?? null;
    this.runner = opts.runner ?? null;
    const kind = opts.clock ?? scenario.clock;
    this.clock = kind === 'virtual' ? new VirtualClock(SIM_START_MS) : new RealClock();
    // Common random numbers: arrivals (their times and message ids), scheduled sends and each
    // actor's behaviour draw from streams of their own, and jitter from the main one, so what one
    // part draws never shifts another. A fork that adds threads then meets the same arrivals,
    // with the same ids, and `diff` compares like with like.
    this.root = new SeededRng(this.seed);
    this.rng = new StreamRng(this.root, this.root.derive('ids'));
    const rng = this.rng;
    const m = scenario.middleware;
    this.broker = new SqliteBroker({
      file: opts.db,
      clock: this.clock,
      rng,
      logger: opts.logger ?? silentLogger,
      middleware: defaultMiddleware({
        ...(m.max_age !== undefined ? { maxAgeMs: m.max_age } : {}),
        // null: no default limit (TimeLimit takes Infinity as none).
        ...(m.time_limit !== undefined ? { timeLimitMs: m.time_limit ?? Infinity } : {}),
        ...(m.notify_shutdown !== undefined ? { notifyShutdown: m.notify_shutdown } : {}),
        retries: {
          ...(m.max_retries !== undefined ? { maxRetries: m.max_retries } : {}),
          ...(m.min_backoff !== undefined ? { minBackoffMs: m.min_backoff } : {}),
          ...(m.max_backoff !== undefined ? { maxBackoffMs: m.max_backoff } : {}),
        },
        ...(m.store_results !== undefined ? { storeResults: m.store_results } : {}),
        ...(m.result_ttl !== undefined ? { resultTtlMs: m.result_ttl } : {}),
        ...(m.barrier_ttl !== undefined ? { barrierTtlMs: m.barrier_ttl } : {}),
        ...(m.disable ? { disable: m.disable } : {}),
      }),
    });
    if (
      this.broker.journal.lastSeq() > 0 ||
      this.broker.store.messages.getMeta('scenario') !== undefined
    ) {
      this.broker.close();
      throw new RehearsalError(
        'DB_NOT_EMPTY',
        `${opts.db} already holds a run; pass a new --db file for a new run`,
        { file: opts.db },
      );
    }
    this.broker.store.write(() => {
      this.broker.store.messages.setMeta('scenario', JSON.stringify(scenario));
      this.broker.store.messages.setMeta('seed', String(this.seed));
      this.broker.store.messages.setMeta('clock', kind);
      if (opts.source) this.broker.store.messages.setMeta('source', opts.source);
    });
    for (const a of scenario.actors) {
      const fn = behaviourFunction(a.behavior, {
        clock: this.clock,
        rng: this.root.derive(`behavior:${a.name}`),
        send: (e, parent) => this.sendAfterSuccess(e, parent),
      });
      this.actors.set(
        a.name,
        makeActor(fn, {
          actorName: a.name,
          queueName: a.queue,
          priority: a.priority,
          ...scenarioActorOptions(a),
        }),
      );
    }
    for (const a of this.actors.values()) this.broker.declareActor(a);
  }

  private actor(name: string): Actor {
    const a = this.actors.get(name);
    if (!a)
      throw new RehearsalError('UNKNOWN_ACTOR', `scenario names unknown actor "${name}"`, {
        actor: name,
      });
    return a;
  }

  private build(step: {
    actor: string;
    args?: unknown[] | undefined;
    kwargs?: Record<string, unknown> | undefined;
    options?: Record<string, unknown> | undefined;
  }): Message {
    return this.actor(step.actor).messageWithOptions({
      args: step.args ?? [],
      kwargs: step.kwargs ?? {},
      ...(step.options ?? {}),
    });
  }

  /** Performs one send entry now. */
  send(
    e: SendEntry,
    reason: 'send' | 'arrival',
    parent: MessageProxy | null = null,
    label: string | null = e.id ?? null,
    ids: Rng | null = null,
  ): void {
    if (ids) {
      this.rng.withIds(ids, () => this.send(e, reason, parent, label));
      return;
    }
    const b: Broker = this.broker;
    const delayMs = e.delay ?? null;
    const parentId = parent?.messageId ?? null;
    if (e.actor !== undefined) {
      b.enqueue(
        this.build({ actor: e.actor, args: e.args, kwargs: e.kwargs, options: e.options }),
        { delayMs, reason, label, parentId },
      );
    } else if (e.pipeline) {
      makePipeline(
        e.pipeline.map((s) => this.build(s)),
        { broker: b },
      ).run({ delayMs, label });
    } else if (e.group) {
      const g = makeGroup(
        e.group.map((c) =>
          'pipeline' in c
            ? makePipeline(
                c.pipeline.map((s) => this.build(s)),
                { broker: b },
              )
            : this.build(c),
        ),
        {
          broker: b,
          ...(this.scenario.middleware.barrier_ttl !== undefined
            ? { barrierTtlMs: this.scenario.middleware.barrier_ttl }
            : {}),
        },
      );
      if (e.on_complete) g.addCompletionCallback(this.build(e.on_complete));
      g.run({ delayMs, label });
    } else if (e.raw) {
      const r = e.raw;
      b.enqueue(
        {
          queueName: r.queue_name,
          actorName: r.actor_name,
          args: r.args ?? [],
          kwargs: r.kwargs ?? {},
          options: { ...(r.options ?? {}) },
          messageId: b.rng.uuid4(),
          messageTimestamp: Math.trunc(b.clock.now()),
        },
        { delayMs, reason, label, parentId },
      );
    }
  }

  /**
   * A `behavior.enqueue` entry: sent when the actor succeeds, or at its `at` (ms from the start
   * of the run, as for `messages`) when that is later.
   */
  private sendAfterSuccess(e: SendEntry, parent: MessageProxy): void {
    const wait = e.at === undefined ? 0 : this.broker.journal.startAt + e.at - this.clock.now();
    if (wait > 0) this.schedule(wait, () => this.send(e, 'send', parent));
    else this.send(e, 'send', parent);
  }

  /**
   * The delay from now until `atMs` after the run's start (the journal's `t = 0`). On the real
   * clock some ms pass between opening the run and starting it; without this a message `at: 0`
   * was sent at `t = 5`.
   */
  private fromStart(atMs: number): number {
    return Math.max(0, atMs - (this.clock.now() - this.broker.journal.startAt));
  }

  private schedule(atMs: number, fn: () => void): void {
    this.pendingSends++;
    this.clock.setTimer(atMs, () => {
      this.pendingSends--;
      fn();
    });
  }

  private scheduleArrivals(a: Arrival, index: number): void {
    const gaps = this.root.derive(`arrivals[${index}].gaps`);
    const ids = this.root.derive(`arrivals[${index}].ids`);
    const gap = (): number =>
      a.process === 'poisson'
        ? exponential(gaps, 1000 / (a.rate ?? 1))
        : a.process === 'uniform'
          ? 1000 / (a.rate ?? 1)
          : 0;
    let t = a.at ?? 0;
    let n = 0;
    const entry: SendEntry = {
      actor: a.actor,
      args: a.args,
      kwargs: a.kwargs,
      options: a.options,
      delay: a.delay,
    };
    const next = (): void => {
      if (n >= a.count) return;
      const due = a.process === 'burst' ? t : (t += gap());
      this.schedule(this.fromStart(Math.round(due)), () => {
        const k = n++;
        this.arrivalCounters.set(index, k + 1);
        this.send(entry, 'arrival', null, a.id ? `${a.id}#${k}` : null, ids);
        next();
      });
    };
    if (a.process === 'burst') {
      this.schedule(this.fromStart(t), () => {
        for (let k = 0; k < a.count; k++)
          this.send(entry, 'arrival', null, a.id ? `${a.id}#${k}` : null, ids);
      });
    } else next();
  }

  /**
   * Schedules every send and arrival, then creates and starts the workers, without driving the
   * clock (idempotent). `run()` starts this way; the Engine host starts a run and then steps or
   * plays its virtual clock itself.
   */
  start(): void {
    if (this.started) return;
    this.started = true;
    const s = this.scenario;
    s.messages.forEach((m, i) => {
      const ids = this.root.derive(`messages[${i}]`);
      this.schedule(this.fromStart(m.at ?? 0), () => this.send(m, 'send', null, m.id ?? null, ids));
    });
    s.arrivals.forEach((a, i) => this.scheduleArrivals(a, i));
    let index = 0;
    const broker = this.workerBroker ? this.workerBroker(this.broker) : this.broker;
    for (const w of s.workers) {
      for (let p = 0; p < w.processes; p++) {
        const worker = new Worker(broker, {
          threads: w.threads,
          index: index++,
          ...(w.queues ? { queues: w.queues } : {}),
          ...(this.runner ? { runner: this.runner() } : {}),
        });
        this.workers.push(worker);
      }
    }
    this.broker.emitAfter('afterProcessBoot');
    for (const w of this.workers) w.start();
  }

  /** Schedules every send, starts the workers and drives the clock to `until` (contract item 3). */
  async run(opts: { onProgress?: (tMs: number) => void } = {}): Promise<SimulationResult> {
    const s = this.scenario;
    this.start();
    const untilMs = 'time' in s.until ? this.broker.journal.startAt + s.until.time : undefined;
    if (this.clock instanceof VirtualClock) {
      let last = 0;
      // One writer, virtual time: commit in groups instead of once per state change.
      const store = this.broker.store;
      store.holdWrites();
      let lastCommit = monotonicMs();
      await this.clock.run({
        ...(untilMs !== undefined ? { untilMs, untilIdle: false } : {}),
        onInstant: (now) => {
          if (monotonicMs() - lastCommit > 250) {
            store.commitHeld();
            lastCommit = monotonicMs();
          }
          if (opts.onProgress && now - last >= 1000) {
            last = now;
            opts.onProgress(now - this.broker.journal.startAt);
          }
        },
      });
      // Freeze at the end instant: a run stopped by `until.time` keeps its in-flight messages as
      // they were, without shutdown rows in the journal.
      for (const w of this.workers) await w.halt();
      store.releaseWrites();
    } else {
      await this.runReal(untilMs);
      for (const w of this.workers) await w.halt();
    }
    return {
      endT: this.clock.now() - this.broker.journal.startAt,
      events: this.broker.journal.lastSeq(),
      seed: this.seed,
      clock: this.clock.kind,
      db: this.broker.store.file,
    };
  }

  private async runReal(untilMs: number | undefined): Promise<void> {
    for (;;) {
      if (untilMs !== undefined && this.clock.now() >= untilMs) return;
      if (
        untilMs === undefined &&
        this.pendingSends === 0 &&
        !this.broker.hasPending() &&
        this.workers.every((w) => w.busy === 0)
      )
        return;
      await this.clock.sleep(untilMs === undefined ? 10 : Math.min(10, untilMs - this.clock.now()));
    }
  }

  /** Replaces a scenario actor's options from now on (what-if forks). */
  reconfigureActor(name: string, options: ScenarioActor['options']): void {
    const actor = this.actor(name);
    const next = scenarioActorOptions({
      ...this.scenario.actors.find((a) => a.name === name)!,
      options,
    });
    const removed = Object.fromEntries(
      Object.keys(actor.options)
        .filter((k) => !(k in next))
        .map((k) => [k, undefined]),
    );
    actor.reconfigure({ ...removed, ...next });
  }

  /** Replaces a scenario actor's behaviour from now on (the model reads it on every attempt). */
  reconfigureBehavior(name: string, behavior: ScenarioActor['behavior']): void {
    const live = this.scenario.actors.find((a) => a.name === name)!.behavior as Record<
      string,
      unknown
    >;
    for (const k of Object.keys(live)) delete live[k];
    Object.assign(live, behavior);
  }

  /** Changes the threads of every process of worker spec `index` from now on. */
  resizeWorkers(index: number, threads: number): void {
    let i = 0;
    this.scenario.workers.forEach((w, k) => {
      for (let p = 0; p < w.processes; p++, i++) if (k === index) this.workers[i]?.resize(threads);
    });
  }

  close(): void {
    this.broker.close();
  }
}

/** Runs a scenario to its `until` and closes the database. */
export async function runScenario(
  scenario: Scenario,
  opts: SimulationOptions,
): Promise<SimulationResult> {
  const sim = new Simulation(scenario, opts);
  try {
    return await sim.run(opts.onProgress ? { onProgress: opts.onProgress } : {});
  } finally {
    sim.close();
  }
}
