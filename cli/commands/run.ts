/**
 * `rehearsal run FILE`: runs a scenario to its `until` into a new run database.
 *
 * Contract:
 * 1. The scenario is validated before anything is written: every problem is listed with the file
 *    and its JSON path, exit 2, and the database is not created.
 * 2. A run goes into a new file (`<scenario>.run.db` in the cwd by default); an existing run is
 *    never overwritten (`DB_NOT_EMPTY`). The scenario stored with the run carries the seed and
 *    clock actually used, so replay and fork need nothing else.
 * 3. On a terminal, a progress line on stderr shows the engine time reached and the events
 *    written. A run that fails is removed; Ctrl+C stops it, keeps what was written (committed,
 *    marked as stopped in the run's meta) and exits 130; a second Ctrl+C quits at once.
 * 4. stdout gets a summary (or JSON), and with --report the queueing statistics; --journal writes
 *    the export (one JSON object a line) through a temp file, so a failed export leaves no
 *    half-written file.
 */
import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  computeStats,
  erlangCMeanWait,
  exportJournal,
  formatReport,
  loadScenario,
  Simulation,
  type Journal,
  type QueueStats,
  type RunStats,
  type Scenario,
  type SimulationResult,
} from '../../core/index.ts';
import type { RunArgs } from '../checks.ts';
import { cliError, EXIT_OK, isCoded } from '../errors.ts';
import { sqliteHeader } from '../db.ts';
import { writeOut, type Io } from '../io.ts';
import { formatT } from '../journal-table.ts';
import { statusLine } from '../progress.ts';
import {
  EXIT_INTERRUPTED,
  onInterrupt,
  removeDbFiles,
  requireNewDb,
  STOPPED_META,
} from '../run-files.ts';
import { shellWord } from '../shell-word.ts';

/** Thrown from the progress callback to stop a virtual run (core has no abort signal yet). */
class Interrupted extends Error {}

/** Runs `rehearsal run` (spec in specs.ts, checks in checks.ts). */
export async function runRun(o: RunArgs, io: Io): Promise<number> {
  const loaded = loadChecked(o.scenarioFile);
  const scenario: Scenario = {
    ...loaded,
    seed: o.seed ?? loaded.seed,
    clock: o.clock ?? loaded.clock,
  };
  if (o.journal !== null) requireJournalTarget(o.journal, o.db, o.scenarioFile);
  requireNewDb(o.db, 'run');

  const wallStart = performance.now();
  let sim: Simulation;
  try {
    sim = new Simulation(scenario, { db: o.db, source: o.scenarioFile });
  } catch (err) {
    removeDbFiles(o.db);
    throw err;
  }

  const status = statusLine(io.stderr);
  const progressText = (tMs: number): string =>
    `running ${o.scenarioFile}: t = ${formatT(tMs)}, ${sim.broker.journal.lastSeq()} events`;
  let interrupted = false;
  let stopReal: () => void = () => undefined;
  const stopped = new Promise<'interrupted'>((resolve) => {
    stopReal = () => resolve('interrupted');
  });
  const offSignals = onInterrupt(() => {
    interrupted = true;
    status.done();
    io.stderr.write('Stopping the run (Ctrl+C again to quit at once)...\n');
    stopReal();
  });

  let result: SimulationResult;
  try {
    if (sim.clock.kind === 'virtual') {
      result = await sim.run({
        onProgress: (t) => {
          if (interrupted) throw new Interrupted();
          status.update(progressText(t));
        },
      });
    } else {
      const ticker = setInterval(
        () => status.update(progressText(sim.clock.now() - sim.broker.journal.startAt)),
        200,
      );
      try {
        const running = sim.run();
        running.catch(() => undefined);
        const first = await Promise.race([running, stopped]);
        if (first === 'interrupted') return await stopRealRun(sim, o, io);
        result = first;
      } finally {
        clearInterval(ticker);
      }
    }
  } catch (err) {
    status.done();
    if (err instanceof Interrupted) {
      const events = sim.broker.journal.lastSeq();
      const t = sim.clock.now() - sim.broker.journal.startAt;
      markStopped(sim, events);
      sim.close();
      offSignals();
      io.stderr.write(stoppedText(o, t, events));
      return EXIT_INTERRUPTED;
    }
    sim.close();
    offSignals();
    removeDbFiles(o.db);
    throw err;
  }
  status.done();
  offSignals();

  try {
    const journal = sim.broker.journal;
    const exported = o.journal === null ? null : writeJournalFile(journal, o.journal);
    const slots = scenario.workers.reduce((n, w) => n + w.threads * w.processes, 0);
    const stats = computeStats(journal.iterate(0), { slots });
    const summary: Summary = {
      o,
      scenario,
      result,
      wallMs: performance.now() - wallStart,
      stats,
      queues: sim.broker.stats(),
      exported,
      erlang: erlangCheck(scenario, stats, slots),
    };
    await writeOut(io.stdout, o.json ? summaryJson(summary) : summaryText(summary));
    return EXIT_OK;
  } finally {
    sim.close();
  }
}

/**
 * Loads and validates the scenario (contract item 1); the problems become hint lines, one per
 * problem, each `file: path: message`.
 * @throws CliError `SCENARIO_INVALID`; RehearsalError `SCENARIO_NOT_FOUND`, `SCENARIO_NOT_JSON`.
 */
export function loadChecked(file: string): Scenario {
  try {
    return loadScenario(file);
  } catch (err) {
    if (!isCoded(err) || err.code !== 'SCENARIO_INVALID') throw err;
    const problems = (err.details.problems ?? []) as { path: string; message: string }[];
    throw cliError(
      'SCENARIO_INVALID',
      `${file} is not a valid scenario (${problems.length} problem${problems.length === 1 ? '' : 's'}); nothing was run or written:`,
      { file, problems },
      problems.map((p) => `${file}: ${p.path || '(top level)'}: ${p.message}`),
    );
  }
}

/** Stops a real-clock run (contract item 3) and ends the process: its timers cannot be cancelled. */
async function stopRealRun(sim: Simulation, o: RunArgs, io: Io): Promise<never> {
  for (const w of sim.workers) await w.stop({ timeoutMs: 0 });
  const events = sim.broker.journal.lastSeq();
  const t = sim.clock.now() - sim.broker.journal.startAt;
  markStopped(sim, events);
  sim.close();
  io.stderr.write(stoppedText(o, t, events));
  // The scenario's pending sends are timers on the real clock that core gives no way to cancel.
  process.exit(EXIT_INTERRUPTED);
}

/**
 * Notes in the run's meta that it was stopped after `events` events, so `rehearsal replay` can
 * say so at once instead of re-running the whole scenario to find the end of the journal.
 */
function markStopped(sim: Simulation, events: number): void {
  const store = sim.broker.store;
  store.write(() => store.messages.setMeta(STOPPED_META, String(events)));
}

function stoppedText(o: RunArgs, tMs: number, events: number): string {
  return (
    `Stopped at t = ${formatT(tMs)} after ${events} events. ${o.db} keeps the partial run ` +
    `(\`rehearsal state\` works on it; a replay will not match, since the scenario was not finished).\n`
  );
}

/**
 * Refuses a `--journal` path that would overwrite the run's own database (or its WAL files), the
 * scenario file being run, or any SQLite database, before anything is written.
 * @throws CliError `JOURNAL_TARGET_INVALID`.
 */
function requireJournalTarget(out: string, db: string, scenarioFile: string): void {
  const target = resolve(out);
  const dbPath = resolve(db);
  const refuse = (what: string): never => {
    throw cliError(
      'JOURNAL_TARGET_INVALID',
      `--journal ${out} is ${what}: the export would overwrite it`,
      { file: out },
      ['give the export its own file, e.g. `--journal run.jsonl`'],
    );
  };
  if ([dbPath, `${dbPath}-wal`, `${dbPath}-shm`, `${dbPath}-journal`].includes(target))
    refuse(`the run's database (--db ${db})`);
  if (target === resolve(scenarioFile)) refuse('the scenario file being run');
  if (sqliteHeader(target) !== null) refuse('a SQLite database');
}

/** Writes the export (contract item 4); returns the number of events written. */
function writeJournalFile(journal: Journal, out: string): number {
  const tmp = `${out}.${process.pid}.tmp`;
  let fd: number | null = null;
  try {
    fd = openSync(tmp, 'w');
    const n = exportJournal(journal, (chunk) => {
      writeSync(fd!, chunk);
    });
    closeSync(fd);
    fd = null;
    renameSync(tmp, out);
    return n;
  } catch (err) {
    if (fd !== null) closeSync(fd);
    rmSync(tmp, { force: true });
    throw cliError(
      'JOURNAL_WRITE_FAILED',
      `cannot write the journal export to ${out}: ${(err as Error).message}`,
      { file: out },
      ['the run itself is complete: export it again with `rehearsal journal --format jsonl`'],
    );
  }
}

/** Erlang C's prediction for a scenario that is an M/M/c queue, with the observed mean wait. */
type ErlangCheck = {
  lambdaPerS: number;
  serviceMeanMs: number;
  servers: number;
  predictedWaitMs: number;
  observedWaitMs: number;
};

/**
 * The M/M/c check: one actor with exponential service and nothing else in its behaviour, one
 * Poisson arrival process, no other sends; otherwise null.
 */
function erlangCheck(s: Scenario, stats: RunStats, slots: number): ErlangCheck | null {
  const [actor] = s.actors;
  const [arrival] = s.arrivals;
  if (s.actors.length !== 1 || s.arrivals.length !== 1 || s.messages.length > 0) return null;
  if (!actor || !arrival || arrival.process !== 'poisson' || arrival.rate === undefined)
    return null;
  const b = actor.behavior;
  if (b.duration?.dist !== 'exponential' || b.fail || b.retry || b.skip || b.enqueue) return null;
  const observed = stats.actors.find((g) => g.name === actor.name);
  if (!observed) return null;
  return {
    lambdaPerS: arrival.rate,
    serviceMeanMs: b.duration.mean,
    servers: slots,
    predictedWaitMs: erlangCMeanWait(arrival.rate, b.duration.mean, slots),
    observedWaitMs: observed.wait.mean,
  };
}

type Summary = {
  o: RunArgs;
  scenario: Scenario;
  result: SimulationResult;
  wallMs: number;
  stats: RunStats;
  queues: QueueStats[];
  exported: number | null;
  erlang: ErlangCheck | null;
};

function totals(stats: RunStats): {
  arrivals: number;
  done: number;
  dead: number;
  retries: number;
} {
  const sum = (k: 'arrivals' | 'completions' | 'deadLetters' | 'retries'): number =>
    stats.queues.reduce((n, q) => n + q[k], 0);
  return {
    arrivals: sum('arrivals'),
    done: sum('completions'),
    dead: sum('deadLetters'),
    retries: sum('retries'),
  };
}

function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

function summaryText(s: Summary): string {
  const { o, scenario, result } = s;
  const t = totals(s.stats);
  const until =
    'time' in scenario.until ? `until t = ${formatT(scenario.until.time)}` : 'until idle';
  const left = s.queues.reduce(
    (acc, q) => ({
      ready: acc.ready + q.ready,
      delayed: acc.delayed + q.delayed,
      inFlight: acc.inFlight + q.inFlight,
      dead: acc.dead + q.dead,
    }),
    { ready: 0, delayed: 0, inFlight: 0, dead: 0 },
  );
  const title = scenario.name ? `"${scenario.name}" (${o.scenarioFile})` : o.scenarioFile;
  const lines = [
    `Ran ${title}`,
    `  seed ${result.seed}, ${result.clock} clock, ${until}: ${formatT(result.endT)} of engine time in ${(s.wallMs / 1000).toFixed(2)} s`,
    `  ${plural(result.events, 'event')}; ${plural(t.arrivals, 'message')}: ${t.done} done, ${plural(t.dead, 'dead letter')}, ${plural(t.retries, 'retry', 'retries')}`,
    `  left at the end: ${left.ready} ready, ${left.delayed} delayed, ${left.inFlight} in flight, ${left.dead} dead`,
    `  run database: ${o.db}`,
  ];
  if (o.journal !== null)
    lines.push(`  journal export: ${o.journal} (${plural(s.exported ?? 0, 'event')})`);
  if (o.report) {
    lines.push('', formatReport(s.stats));
    if (s.erlang) {
      const e = s.erlang;
      const off = ((e.observedWaitMs - e.predictedWaitMs) / e.predictedWaitMs) * 100;
      lines.push(
        `Erlang C (M/M/c with λ = ${e.lambdaPerS}/s, mean service ${e.serviceMeanMs} ms, c = ${e.servers}): mean wait ${e.predictedWaitMs.toFixed(1)} ms predicted, ${e.observedWaitMs.toFixed(1)} ms observed (${off >= 0 ? '+' : ''}${off.toFixed(1)} %).`,
      );
    }
  }
  const db = shellWord(o.db);
  const actor = scenario.actors[0]!.name;
  lines.push('', `Next: rehearsal state --at ${result.events} --db ${db}`);
  if (result.clock === 'virtual') {
    lines.push(
      `      rehearsal replay ${db}`,
      `      rehearsal fork ${db} --at SEQ --set actors.${actor}.options.max_retries=5`,
    );
  } else {
    lines.push('(replay and fork need a run on the virtual clock: its timing is reproducible)');
  }
  return `${lines.join('\n')}\n`;
}

function summaryJson(s: Summary): string {
  const t = totals(s.stats);
  const out: Record<string, unknown> = {
    scenario: { file: s.o.scenarioFile, name: s.scenario.name },
    db: s.o.db,
    seed: s.result.seed,
    clock: s.result.clock,
    until: s.scenario.until,
    end_t: s.result.endT,
    events: s.result.events,
    wall_ms: Math.round(s.wallMs),
    messages: t.arrivals,
    done: t.done,
    dead_letters: t.dead,
    retries: t.retries,
    queues: s.queues.map((q) => ({
      queue: q.queue,
      ready: q.ready,
      delayed: q.delayed,
      in_flight: q.inFlight,
      dead: q.dead,
    })),
    journal: s.o.journal === null ? null : { file: s.o.journal, events: s.exported },
  };
  if (s.o.report) {
    out.report = s.stats;
    out.erlang_c = s.erlang;
  }
  return `${JSON.stringify(out, null, 2)}\n`;
}
