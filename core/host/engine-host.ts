/**
 * `EngineHost`: the Engine API in process, over the run databases in one folder.
 *
 * Contract:
 * 1. The host is attached to one run at a time (run-session.ts): empty, a live scenario on the
 *    virtual clock, a stored run (inspect), or user actors on the real clock (module). Loading a
 *    scenario starts a new run in the host's database when it is empty, else in the next free
 *    sibling file (`<name>-2.db`…): a run is never overwritten. `info.runId` names the run.
 * 2. Every `call` validates its params against the method map, runs, validates its result, and
 *    rejects only with `EngineApiError` (unexpected failures are logged in full and become
 *    `INTERNAL`).
 * 3. Commands that drive the clock or switch runs run one at a time, in arrival order; queries and
 *    sends run at once (JavaScript runs one thing at a time, so they see a consistent database).
 * 4. A scenario run moves only when told: `clock.step` fires the next instant, `clock.runUntil`
 *    runs to a time or until idle (bounded by the scenario's `until.time`), and `clock.setSpeed`
 *    plays virtual time at a multiple of wall time with a pacer whose timers come from the wall
 *    clock (`RealClock` unless injected), stopping by itself when the run goes idle. While the
 *    clock runs, writes are committed in groups (one writer, as in `runScenario`), and always
 *    committed before a command returns.
 * 5. Events: `journal.onAppend` feeds an `EventFeed` (event-feed.ts), which gives every
 *    subscriber the stored events after its `fromSeq`, then the live ones, with no gap and no
 *    duplicate. In module mode the feed also polls the database for events of other processes.
 * 6. A stepped or played scenario run writes the same journal as `runScenario` with the same seed,
 *    so it can be forked and replayed; hand-made changes (enqueue, pause…) are not part of the
 *    scenario, so a fork must branch off before the first one (`FORK_AFTER_MANUAL_CHANGE`).
 */
import { basename, dirname, join, resolve } from 'node:path';
import type { Clock, Timer } from '../clock/clock.ts';
import { monotonicMs, RealClock } from '../clock/real-clock.ts';
import type { RunOptions, VirtualClock } from '../clock/virtual-clock.ts';
import { closest, RehearsalError } from '../errors.ts';
import { silentLogger, type Logger } from '../logging.ts';
import { forkRun } from '../sim/fork.ts';
import { loadScenario, parseScenario } from '../sim/load-scenario.ts';
import type { Scenario } from '../sim/scenario-schema.ts';
import { ApiErrorCode, EngineApiError } from './api/api-error.ts';
import type { EngineApi, ParamsArg, SubscribeOptions } from './api/engine-api.ts';
import type { EngineEvent } from './api/events.ts';
import {
  isMethodName,
  METHOD_NAMES,
  parseParams,
  parseResult,
  type MethodName,
  type MethodResult,
  type ParamsOut,
} from './api/methods.ts';
import { API_VERSION } from './api/version.ts';
import { isUnexpected, toEngineApiError } from './coerce-error.ts';
import * as commands from './commands.ts';
import { EventFeed } from './event-feed.ts';
import { DEFAULT_SCENARIOS_DIR, listGallery, loadGalleryScenario } from './gallery.ts';
import * as queries from './queries.ts';
import { describeRun, listRuns, nextRunFile, probeRun, runFile } from './run-files.ts';
import { RunSession, type ModuleSpec, type ScenarioInfo } from './run-session.ts';

/** Options of `EngineHost.open`. */
export type EngineHostOptions = {
  /** The database file of the first run (created when missing); siblings hold later runs. */
  db: string;
  /** Load this scenario at once: an object, a gallery name, or a path to a `.json` file. */
  scenario?: Scenario | Record<string, unknown> | string;
  /** Run these actors on the real clock with a worker (module mode) instead. */
  module?: ModuleSpec;
  /** Overrides the scenario's seed. */
  seed?: number;
  /** The gallery folder (default: the repository's `scenarios/`). */
  scenariosDir?: string;
  /** Wall time for the pacer, the module mode's engine and feed polling (default `RealClock`). */
  wallClock?: Clock;
  logger?: Logger;
};

/** Wall ms between two pacer ticks while playing. */
const PACER_TICK_MS = 50;
/** Wall ms between two polls for other processes' events (module mode). */
const POLL_MS = 250;
/** Wall ms between group commits while the virtual clock runs. */
const COMMIT_EVERY_MS = 100;

type Handler<M extends MethodName> = (
  p: ParamsOut<M>,
) => MethodResult<M> | Promise<MethodResult<M>>;
type Handlers = { [M in MethodName]: Handler<M> };

export class EngineHost implements EngineApi {
  private run: RunSession;
  private readonly dir: string;
  private readonly scenariosDir: string;
  private readonly wall: Clock;
  private readonly logger: Logger;
  private readonly feed: EventFeed;
  private readonly handlers: Handlers;
  private offAppend: (() => void) | null = null;
  private chain: Promise<unknown> = Promise.resolve();
  private speed = 0;
  private pacer: Timer | null = null;
  private lastTickWall = 0;
  private pollTimer: Timer | null = null;
  private closed = false;

  private constructor(opts: EngineHostOptions, run: RunSession) {
    this.dir = dirname(run.file);
    this.scenariosDir = opts.scenariosDir ?? DEFAULT_SCENARIOS_DIR;
    this.wall = opts.wallClock ?? new RealClock();
    this.logger = opts.logger ?? silentLogger;
    this.run = run;
    this.feed = new EventFeed(
      null,
      null,
      () => new Promise<void>((r) => this.wall.defer(r)),
      (err) => this.logError('a subscriber failed', err),
    );
    this.attach(run);
    this.handlers = this.makeHandlers();
  }

  /**
   * Opens a host on `opts.db` (contract item 1): module mode with `opts.module`, a new scenario
   * run with `opts.scenario`, else the run stored in the file (inspect) or an empty host.
   * @throws RehearsalError for a bad database or scenario (`DB_NOT_REHEARSAL`, `SCENARIO_INVALID`…).
   */
  static async open(opts: EngineHostOptions): Promise<EngineHost> {
    if (opts.db === ':memory:' || opts.db === '')
      throw new RehearsalError(
        'DB_FILE_REQUIRED',
        'the engine host keeps each run in a database file; give a file path, not :memory:',
        { db: opts.db },
      );
    if (opts.scenario !== undefined && opts.module !== undefined)
      throw new RehearsalError(
        'HOST_MODE_CONFLICT',
        'give the engine host either a scenario or a module of actors, not both',
        {},
      );
    const file = resolve(opts.db);
    const logger = opts.logger ?? silentLogger;
    let run: RunSession;
    if (opts.module)
      run = RunSession.module(file, opts.module, opts.wallClock ?? new RealClock(), logger);
    else run = probeRun(file).empty ? RunSession.empty(file) : RunSession.inspect(file, logger);
    const host = new EngineHost(opts, run);
    if (opts.scenario !== undefined) {
      try {
        await host.startScenario(
          host.resolveScenario(opts.scenario),
          opts.seed === undefined ? {} : { seed: opts.seed },
        );
      } catch (err) {
        await host.close();
        throw err;
      }
    }
    return host;
  }

  /** Runs one method (contract item 2). */
  async call<M extends MethodName>(method: M, ...args: ParamsArg<M>): Promise<MethodResult<M>> {
    try {
      if (!isMethodName(method)) {
        const hint = closest(String(method), METHOD_NAMES);
        throw new EngineApiError(
          ApiErrorCode.UNKNOWN_METHOD,
          `no Engine API method "${String(method)}"${hint ? ` — did you mean "${hint}"?` : ''}`,
          { method: String(method), ...(hint ? { suggestion: hint } : {}) },
        );
      }
      if (this.closed)
        throw new RehearsalError('ENGINE_CLOSED', 'this engine has been closed; start a new one');
      const parsed = parseParams(method, args[0]);
      if (!parsed.ok) throw parsed.error;
      const handler = this.handlers[method] as Handler<M>;
      const raw = await handler(parsed.params);
      const checked = parseResult(method, raw);
      if (!checked.ok)
        throw new Error(
          `result of ${method} does not match its schema: ${checked.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`,
        );
      return checked.result;
    } catch (err) {
      if (isUnexpected(err)) this.logError(`${String(method)} failed`, err);
      throw toEngineApiError(err);
    }
  }

  /** Streams journal events (contract item 5). */
  subscribe(
    fromSeq: number,
    onEvent: (event: EngineEvent) => void,
    opts: SubscribeOptions = {},
  ): () => void {
    if (this.closed) return () => undefined;
    return this.feed.subscribe(fromSeq, onEvent, opts.runId);
  }

  /** The current run's id (its database file name), or null when nothing is loaded. */
  get runId(): string | null {
    return this.run.mode === 'empty' ? null : this.run.runId;
  }

  /** Stops the pacer, the workers and the feed and closes the database (idempotent). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stopPacer();
    this.pollTimer?.cancel();
    this.pollTimer = null;
    await this.exclusive(() => this.detachAndClose());
    this.feed.close();
  }

  // ---------------------------------------------------------------------------------------------
  // Runs.

  private attach(run: RunSession): void {
    this.run = run;
    const broker = run.broker;
    this.offAppend = broker ? broker.journal.onAppend((e) => this.feed.push(e)) : null;
    this.feed.reset(
      broker
        ? {
            page: (after, limit) => broker.journal.page(after, limit),
            lastSeq: () => broker.journal.lastSeq(),
          }
        : null,
      run.mode === 'empty' ? null : run.runId,
    );
    if (run.mode === 'module') this.schedulePoll();
  }

  private async detachAndClose(): Promise<void> {
    this.stopPacer();
    this.offAppend?.();
    this.offAppend = null;
    await this.run.close();
  }

  /**
   * Replaces the current run by the one `next` opens. The new run is opened first (on another
   * file), so when that fails the current run carries on untouched.
   */
  private async switchTo(next: () => RunSession): Promise<void> {
    const fresh = next();
    await this.detachAndClose();
    this.attach(fresh);
  }

  private resolveScenario(s: Scenario | Record<string, unknown> | string): {
    scenario: Scenario;
    info: ScenarioInfo;
    source: string;
  } {
    if (typeof s === 'string') {
      const isPath = s.endsWith('.json') || s.includes('/') || s.includes('\\');
      if (isPath) {
        const scenario = loadScenario(s);
        return { scenario, info: scenarioInfo(scenario, null), source: resolve(s) };
      }
      const g = loadGalleryScenario(this.scenariosDir, s);
      return { scenario: g.scenario, info: scenarioInfo(g.scenario, g.name), source: g.file };
    }
    const scenario = parseScenario(s, 'scenario');
    return { scenario, info: scenarioInfo(scenario, null), source: 'engine api' };
  }

  private startScenario(
    s: { scenario: Scenario; info: ScenarioInfo; source: string },
    opts: { seed?: number },
  ): Promise<void> {
    return this.exclusive(async () => {
      if (this.run.mode === 'module')
        throw new RehearsalError(
          'MODULE_MODE',
          `this engine runs the actors of ${this.run.moduleName}; scenarios run in an engine started without a module`,
          {},
        );
      const file =
        this.run.mode === 'empty' && probeRun(this.run.file).empty
          ? this.run.file
          : nextRunFile(this.run.file, '-');
      await this.switchTo(() =>
        RunSession.scenario(file, s.scenario, {
          info: s.info,
          source: s.source,
          logger: this.logger,
          ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
        }),
      );
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Clock.

  /** Runs `fn` after every earlier exclusive command (contract item 3). */
  private exclusive<T>(fn: () => Promise<T> | T): Promise<T> {
    const result = this.chain.then(fn);
    this.chain = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  private virtual(run: RunSession): VirtualClock {
    const v = run.virtualClock;
    if (!v || run.mode !== 'scenario') {
      throw new RehearsalError(
        run.mode === 'module'
          ? 'CLOCK_NOT_VIRTUAL'
          : run.mode === 'empty'
            ? 'NO_RUN'
            : 'RUN_READ_ONLY',
        run.mode === 'module'
          ? 'this engine runs on the real clock; stepping and speed apply to scenario runs'
          : run.mode === 'empty'
            ? 'nothing is loaded yet; load a scenario first (`loadScenario`)'
            : `${run.runId} is a stored run, opened for inspection only; its clock cannot move`,
        {},
      );
    }
    return v;
  }

  /** Drives the virtual clock with group commits (contract item 4). */
  private async drive(run: RunSession, opts: RunOptions): Promise<void> {
    const clock = this.virtual(run);
    const store = run.broker!.store;
    store.holdWrites();
    let lastCommit = monotonicMs();
    try {
      await clock.run({
        ...opts,
        onInstant: () => {
          if (monotonicMs() - lastCommit < COMMIT_EVERY_MS) return;
          store.commitHeld();
          lastCommit = monotonicMs();
        },
      });
    } finally {
      if (store.isOpen) store.releaseWrites();
      this.lastTickWall = this.wall.now();
    }
  }

  private clockState(run: RunSession): MethodResult<'clock.runUntil'> {
    const idle = run.idle;
    return {
      kind: run.clock.kind,
      now: run.clock.now(),
      t: run.t,
      seq: run.lastSeq,
      idle,
      // `info` is answered between the instants of a pacer tick, so the run can already be idle
      // while the tick that will set speed to 0 is still finishing: an idle run never plays.
      speed: idle ? 0 : this.speed,
    };
  }

  private step(): Promise<MethodResult<'clock.step'>> {
    return this.exclusive(async () => {
      const run = this.run;
      const clock = this.virtual(run);
      let fired = false;
      if (clock.pending > 0) {
        const store = run.broker!.store;
        store.holdWrites();
        try {
          fired = (await clock.step()) !== null;
        } finally {
          if (store.isOpen) store.releaseWrites();
          this.lastTickWall = this.wall.now();
        }
      }
      return { ...this.clockState(run), fired };
    });
  }

  private runUntil(p: ParamsOut<'clock.runUntil'>): Promise<MethodResult<'clock.runUntil'>> {
    return this.exclusive(async () => {
      const run = this.run;
      this.virtual(run);
      if (p.timeMs !== undefined)
        await this.drive(run, { untilMs: run.startAt + p.timeMs, untilIdle: false });
      else await this.drive(run, run.endMs === null ? {} : { untilMs: run.endMs });
      return this.clockState(run);
    });
  }

  private setSpeed(p: ParamsOut<'clock.setSpeed'>): MethodResult<'clock.setSpeed'> {
    const run = this.run;
    this.virtual(run);
    this.stopPacer();
    this.speed = p.factor;
    if (p.factor > 0 && !run.idle) {
      this.lastTickWall = this.wall.now();
      this.schedulePacer();
    } else this.speed = 0;
    return this.clockState(run);
  }

  private stopPacer(): void {
    this.pacer?.cancel();
    this.pacer = null;
    this.speed = 0;
  }

  private schedulePacer(): void {
    this.pacer = this.wall.setTimer(PACER_TICK_MS, () => {
      this.pacer = null;
      void this.pacerTick();
    });
  }

  /** One pacer tick: advance virtual time by the wall time since the last tick × speed. */
  private async pacerTick(): Promise<void> {
    const run = this.run;
    try {
      await this.exclusive(async () => {
        if (this.speed === 0 || this.run !== run || this.closed) return;
        const now = this.wall.now();
        const advance = Math.max(0, now - this.lastTickWall) * this.speed;
        let target = Math.floor(run.clock.now() + advance);
        if (run.endMs !== null) target = Math.min(target, run.endMs);
        await this.drive(run, { untilMs: target, untilIdle: false });
        // Decided inside the exclusive section, so no query sees an idle run still "playing".
        if (run.idle) this.speed = 0;
      });
    } catch (err) {
      this.logError('playing the clock failed', err);
      this.speed = 0;
    }
    if (this.run !== run || this.speed === 0 || this.closed) return;
    if (!this.pacer) this.schedulePacer();
  }

  private schedulePoll(): void {
    this.pollTimer = this.wall.setTimer(
      POLL_MS,
      () => {
        if (this.closed || this.run.mode !== 'module') return;
        this.feed.poll();
        this.schedulePoll();
      },
      { background: true },
    );
  }

  // ---------------------------------------------------------------------------------------------
  // Methods.

  private makeHandlers(): Handlers {
    return {
      enqueue: (p) => commands.enqueue(this.run, p),
      sendPipeline: (p) => commands.sendPipeline(this.run, p),
      sendGroup: (p) => commands.sendGroup(this.run, p),
      loadScenario: async (p) => {
        const s =
          p.name !== undefined ? this.resolveScenario(p.name) : this.resolveScenario(p.scenario!);
        await this.startScenario(s, p.seed === undefined ? {} : { seed: p.seed });
        return { runId: this.run.runId, title: s.info.title, lastSeq: this.run.lastSeq };
      },
      openRun: (p) =>
        this.exclusive(async () => {
          if (this.run.mode === 'module')
            throw new RehearsalError(
              'MODULE_MODE',
              `this engine runs the actors of ${this.run.moduleName}; open stored runs in an engine started without a module`,
              {},
            );
          const file = runFile(this.dir, p.runId);
          if (file !== this.run.file) {
            const empty = probeRun(file).empty;
            await this.switchTo(() =>
              empty ? RunSession.empty(file) : RunSession.inspect(file, this.logger),
            );
          }
          return { runId: this.run.runId, mode: this.run.mode, lastSeq: this.run.lastSeq };
        }),
      'worker.start': () => commands.workerCommand(this.run, 'start'),
      'worker.pause': () => commands.workerCommand(this.run, 'pause'),
      'worker.resume': () => commands.workerCommand(this.run, 'resume'),
      'clock.step': () => this.step(),
      'clock.runUntil': (p) => this.runUntil(p),
      'clock.setSpeed': (p) => this.setSpeed(p),
      'dlq.requeue': (p) => commands.requeueDead(this.run, p),
      'queue.purge': (p) => commands.purgeQueue(this.run, p),
      'queue.pause': (p) => commands.setQueuePaused(this.run, p.queue, true),
      'queue.resume': (p) => commands.setQueuePaused(this.run, p.queue, false),
      fork: (p) => this.exclusive(() => this.fork(p)),
      info: () => this.info(),
      queues: () => queries.queues(this.run),
      actors: () => queries.actors(this.run),
      messages: (p) => queries.messages(this.run, p),
      message: (p) => queries.message(this.run, p),
      result: (p) => queries.result(this.run, p),
      stateAt: (p) => queries.stateAt(this.run, p),
      journalPage: (p) => queries.journalPage(this.run, p),
      stats: () => queries.stats(this.run),
      deadLetters: (p) => queries.deadLetters(this.run, p),
      scenarios: () => ({ scenarios: listGallery(this.scenariosDir) }),
      runs: () => ({
        runs: listRuns(this.dir).map((r) => ({
          ...r,
          current: this.run.mode !== 'empty' && r.runId === this.run.runId,
          ...(describeRun(join(this.dir, r.runId)) ?? {}),
        })),
      }),
    };
  }

  private info(): MethodResult<'info'> {
    const run = this.run;
    return {
      apiVersion: API_VERSION,
      mode: run.mode,
      runId: run.mode === 'empty' ? null : run.runId,
      db: run.file,
      clock: this.clockState(run),
      lastSeq: run.lastSeq,
      scenario: run.scenario,
      module: run.moduleName,
      workers: commands.workerState(run),
    };
  }

  /** `fork` (contract item 6). */
  private async fork(p: ParamsOut<'fork'>): Promise<MethodResult<'fork'>> {
    const run = this.run;
    if (run.mode !== 'scenario' && !(run.mode === 'inspect' && probeRun(run.file).hasScenario))
      throw new RehearsalError(
        'NOT_A_SCENARIO_RUN',
        run.mode === 'empty'
          ? 'nothing is loaded yet; load a scenario, then fork it'
          : `${run.runId} was not made from a scenario, so it cannot be re-run with changes`,
        { runId: run.runId },
      );
    if (run.firstManualSeq !== null && p.atSeq >= run.firstManualSeq)
      throw new RehearsalError(
        'FORK_AFTER_MANUAL_CHANGE',
        `this run was changed by hand from event ${run.firstManualSeq} on (enqueue, pause, purge…), which a fork cannot replay; fork at an event before ${run.firstManualSeq}`,
        { atSeq: p.atSeq, firstManualSeq: run.firstManualSeq },
      );
    const intoDb = nextRunFile(run.file, '.fork-');
    const r = await forkRun(run.file, { atSeq: p.atSeq, sets: p.sets, intoDb });
    return { runId: basename(intoDb), sharedEvents: r.sharedEvents, events: r.events };
  }

  private logError(message: string, err: unknown): void {
    this.logger.log({ level: 'ERROR', logger: 'rehearsal.host', message, error: err });
  }
}

function scenarioInfo(s: Scenario, name: string | null): ScenarioInfo {
  return { name, title: s.name || name || 'scenario', description: s.description };
}
