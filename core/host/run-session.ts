/**
 * One run the Engine host is attached to: its database, broker, clock and workers.
 *
 * Contract:
 * 1. Four modes. `empty`: a database with no run yet (nothing opened, so no start time is written).
 *    `scenario`: a live `Simulation` on a `VirtualClock`, started (sends scheduled, workers
 *    booted) but driven only by the host's clock commands. `inspect`: a stored run, read only, its
 *    clock standing at its last event. `module`: user actors with a worker on the real clock.
 * 2. The journal, time travel and the message index of a run all read its one database.
 * 3. `close()` stops the workers (at once on the virtual clock, with a grace period on the real
 *    one) and closes the database; it is idempotent.
 */
import { basename } from 'node:path';
import type { Actor } from '../actor.ts';
import { SqliteBroker } from '../broker/sqlite-broker.ts';
import type { Clock } from '../clock/clock.ts';
import { VirtualClock } from '../clock/virtual-clock.ts';
import { TimeTravel } from '../journal/state-at.ts';
import type { Logger } from '../logging.ts';
import type { Scenario } from '../sim/scenario-schema.ts';
import { parseScenario } from '../sim/load-scenario.ts';
import { SIM_START_MS, Simulation } from '../sim/simulator.ts';
import { Worker } from '../worker/worker.ts';
import { MessageIndex } from './message-index.ts';

/** Which engine a run is (contract item 1). */
export type RunMode = 'empty' | 'scenario' | 'inspect' | 'module';

/** Title and description of a scenario run. */
export type ScenarioInfo = { name: string | null; title: string; description: string };

/** What a module run needs. */
export type ModuleSpec = {
  actors: readonly Actor[];
  /** Shown by `info` (e.g. the module path). */
  name?: string;
  /** Worker threads (default 8). */
  threads?: number;
  /** Start the worker at once (default true). */
  autoStart?: boolean;
};

type Parts = {
  mode: RunMode;
  file: string;
  broker: SqliteBroker | null;
  clock: Clock;
  sim?: Simulation;
  workers?: Worker[];
  scenario?: ScenarioInfo;
  scenarioData?: Scenario;
  moduleName?: string;
  workersStarted?: boolean;
};

/** Grace period for running attempts when a module run closes, ms. */
const MODULE_STOP_TIMEOUT_MS = 5000;

export class RunSession {
  readonly mode: RunMode;
  readonly file: string;
  /** The run's id: its database file name. */
  readonly runId: string;
  readonly broker: SqliteBroker | null;
  /** The engine clock (virtual except in module mode). */
  readonly clock: Clock;
  readonly sim: Simulation | null;
  readonly workers: readonly Worker[];
  readonly scenario: ScenarioInfo | null;
  readonly scenarioData: Scenario | null;
  readonly moduleName: string | null;
  readonly index: MessageIndex | null;
  readonly travel: TimeTravel | null;
  /** Epoch ms the scenario's `until: {time}` ends at, or null. */
  readonly endMs: number | null;
  workersStarted: boolean;
  /**
   * The first seq a hand-made change (enqueue, purge, pause…) could have affected; forks replay
   * the scenario only, so they must branch off before it.
   */
  firstManualSeq: number | null = null;
  private closed = false;

  private constructor(p: Parts) {
    this.mode = p.mode;
    this.file = p.file;
    this.runId = basename(p.file);
    this.broker = p.broker;
    this.clock = p.clock;
    this.sim = p.sim ?? null;
    this.workers = p.workers ?? [];
    this.scenario = p.scenario ?? null;
    this.scenarioData = p.scenarioData ?? null;
    this.moduleName = p.moduleName ?? null;
    this.workersStarted = p.workersStarted ?? false;
    const b = this.broker;
    this.index = b ? new MessageIndex((after, limit) => b.journal.page(after, limit)) : null;
    this.travel = b ? new TimeTravel(b.store, b.journal) : null;
    const until = this.scenarioData?.until;
    this.endMs = b && until && 'time' in until ? b.journal.startAt + until.time : null;
  }

  /** A database without a run (contract item 1). */
  static empty(file: string): RunSession {
    return new RunSession({ mode: 'empty', file, broker: null, clock: new VirtualClock() });
  }

  /**
   * A new simulated run of `scenario` in `file` (which must be empty), started but not driven.
   * @throws RehearsalError `DB_NOT_EMPTY` and the scenario's actor errors.
   */
  static scenario(
    file: string,
    scenario: Scenario,
    opts: { info: ScenarioInfo; seed?: number; source?: string; logger?: Logger },
  ): RunSession {
    const sim = new Simulation(scenario, {
      db: file,
      clock: 'virtual',
      ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
      ...(opts.source !== undefined ? { source: opts.source } : {}),
      ...(opts.logger ? { logger: opts.logger } : {}),
    });
    try {
      sim.start();
    } catch (err) {
      sim.close();
      throw err;
    }
    return new RunSession({
      mode: 'scenario',
      file,
      broker: sim.broker,
      clock: sim.clock,
      sim,
      workers: sim.workers,
      scenario: opts.info,
      scenarioData: scenario,
      workersStarted: true,
    });
  }

  /** A stored run, read only, its clock at its last event (contract item 1). */
  static inspect(file: string, logger?: Logger): RunSession {
    const clock = new VirtualClock(SIM_START_MS);
    const broker = new SqliteBroker({ file, clock, ...(logger ? { logger } : {}) });
    clock.advanceTo(broker.journal.lastAt() ?? broker.journal.startAt);
    const stored = broker.store.messages.getMeta('scenario');
    let info: ScenarioInfo | undefined;
    let data: Scenario | undefined;
    if (stored !== undefined) {
      try {
        const s = JSON.parse(stored) as { name?: unknown; description?: unknown };
        info = {
          name: null,
          title: typeof s.name === 'string' ? s.name : basename(file),
          description: typeof s.description === 'string' ? s.description : '',
        };
        // Its workers give the statistics their slots, as the live run had (utilisation).
        data = parseScenario(s, `${file} (stored scenario)`);
      } catch {
        // A damaged stored scenario only costs the title (and what the scenario would tell).
      }
    }
    return new RunSession({
      mode: 'inspect',
      file,
      broker,
      clock,
      ...(info ? { scenario: info } : {}),
      ...(data ? { scenarioData: data } : {}),
    });
  }

  /** User actors with a worker on `clock` (the real clock) (contract item 1). */
  static module(file: string, spec: ModuleSpec, clock: Clock, logger?: Logger): RunSession {
    const broker = new SqliteBroker({ file, clock, ...(logger ? { logger } : {}) });
    try {
      for (const a of spec.actors) broker.declareActor(a);
      broker.emitAfter('afterProcessBoot');
    } catch (err) {
      broker.close();
      throw err;
    }
    const worker = new Worker(broker, { threads: spec.threads ?? 8 });
    const autoStart = spec.autoStart ?? true;
    if (autoStart) worker.start();
    return new RunSession({
      mode: 'module',
      file,
      broker,
      clock,
      workers: [worker],
      moduleName: spec.name ?? 'module',
      workersStarted: autoStart,
    });
  }

  /** The virtual clock, or null on the real one. */
  get virtualClock(): VirtualClock | null {
    return this.clock instanceof VirtualClock ? this.clock : null;
  }

  /** Engine epoch ms at which the run started. */
  get startAt(): number {
    return this.broker?.journal.startAt ?? this.clock.now();
  }

  get lastSeq(): number {
    return this.broker?.journal.lastSeq() ?? 0;
  }

  /** ms since the start of the run. */
  get t(): number {
    return this.clock.now() - this.startAt;
  }

  /** Nothing queued, delayed, running or scheduled. */
  get idle(): boolean {
    const v = this.virtualClock;
    if (this.mode === 'empty' || this.mode === 'inspect') return true;
    if (v) return v.pending === 0 || (this.endMs !== null && v.now() >= this.endMs);
    return !(this.broker?.hasPending() ?? false) && this.workers.every((w) => w.busy === 0);
  }

  get workersPaused(): boolean {
    return this.workers.length > 0 && this.workers.every((w) => w.isPaused);
  }

  /** Closes the run (contract item 3). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const timeoutMs = this.mode === 'module' ? MODULE_STOP_TIMEOUT_MS : 0;
    try {
      for (const w of this.workers) await w.stop({ timeoutMs });
    } finally {
      if (this.sim) this.sim.close();
      else this.broker?.close();
    }
  }
}
