/**
 * `rehearsal profile MODULE|SCENARIO`: runs a load and reports throughput, latency and where the
 * time went (the measuring itself is core/profile/; this file sets up the run and prints).
 *
 * Contract:
 * 1. Bad input (module, scenario, actor names) fails before any load is sent, with a coded error.
 * 2. A MODULE run: a fresh database (temporary unless --db), the module's middleware and actors
 *    declared, the load sent in batches of 1000 (timed apart), then the workers start and the
 *    measured phase lasts until nothing is pending. With --processes N on the real clock, N - 1
 *    `rehearsal worker` children (profile-children.ts) are started first; the measured phase
 *    begins when they are all ready, and only what finishes after that counts.
 * 3. A SCENARIO run: the scenario (its load replaced by --messages / --actor, its workers by
 *    --threads / --processes) runs to its end through the simulator, with the workers' broker and
 *    runner wrapped by the profiler.
 * 4. Ctrl+C stops the load; the report covers what was measured so far and the exit code is 130.
 * 5. stdout gets the table report; --out the JSON document (temp file + rename).
 */
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  buildProfile,
  computeStats,
  drain,
  formatProfile,
  InProcessRunner,
  monotonicMs,
  Profiler,
  RealClock,
  Simulation,
  SqliteBroker,
  VirtualClock,
  Worker,
  type Actor,
  type ProfileDocument,
  type ProfileRun,
  type Scenario,
} from '../../core/index.ts';
import { actorNotFound, type ProfileArgs } from '../checks.ts';
import { cliError, EXIT_OK } from '../errors.ts';
import { writeOut, type Io } from '../io.ts';
import { loadModule } from '../load-module.ts';
import { dramatiqLogger } from '../log-format.ts';
import { startChildren, type Children } from '../profile-children.ts';
import { progress, statusLine } from '../progress.ts';
import { EXIT_INTERRUPTED, onInterrupt } from '../run-files.ts';
import { loadChecked } from './run.ts';

/** Messages of a module's load when --messages is not given. */
const DEFAULT_MESSAGES = 10_000;

/** Runs `rehearsal profile` (spec in specs.ts, checks in checks.ts). */
export async function runProfile(o: ProfileArgs, io: Io): Promise<number> {
  const place = runDatabase(o.db);
  try {
    const doc =
      o.kind === 'scenario'
        ? await profileScenario(o, io, place.file)
        : await profileModule(o, io, place.file);
    await writeOut(io.stdout, formatProfile(doc));
    if (o.db !== null) await writeOut(io.stdout, `\nRun kept in ${o.db}.\n`);
    if (o.out !== null) {
      const tmp = `${o.out}.${process.pid}.tmp`;
      writeFileSync(tmp, `${JSON.stringify(doc, null, 2)}\n`);
      renameSync(tmp, o.out);
      await writeOut(io.stdout, `Wrote ${o.out}.\n`);
    }
    if (doc.run.interrupted && o.kind === 'scenario' && doc.run.clock === 'real') {
      // The scenario's pending sends are host timers that core gives no way to cancel.
      place.cleanup();
      process.exit(EXIT_INTERRUPTED);
    }
    return doc.run.interrupted ? EXIT_INTERRUPTED : EXIT_OK;
  } finally {
    place.cleanup();
  }
}

/** The run's database: --db (kept) or a file in a new temp dir (removed). */
function runDatabase(db: string | null): { file: string; cleanup(): void } {
  if (db !== null) return { file: db, cleanup: () => undefined };
  const dir = mkdtempSync(join(tmpdir(), 'rehearsal-profile-'));
  return {
    file: join(dir, 'profile.db'),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Contract item 2. */
async function profileModule(o: ProfileArgs, io: Io, file: string): Promise<ProfileDocument> {
  const mod = await loadModule(o.target, io.cwd);
  if (mod.actors.length === 0) {
    throw cliError(
      'NO_ACTORS',
      `${o.target} exports no actors; export each one, e.g. \`export const sendEmail = actor(fn, { actorName: 'send_email' })\``,
      { module: o.target },
    );
  }
  const chosen = pickActors(
    o.actors,
    mod.actors.map((a) => a.actorName),
    o.target,
  ).map((name) => mod.actors.find((a) => a.actorName === name)!);
  const messages = o.messages ?? DEFAULT_MESSAGES;
  const threads = o.threads ?? 8;
  const processes = o.processes ?? 1;
  const clockKind = o.clock ?? 'real';
  const clock = clockKind === 'virtual' ? new VirtualClock() : new RealClock();
  const logger = dramatiqLogger((l) => void io.stderr.write(l), o.verbose ? 'DEBUG' : 'CRITICAL');
  const broker = new SqliteBroker({ file, clock, logger });
  const profiler = new Profiler();
  let children: Children | null = null;
  try {
    for (const m of mod.middleware) broker.addMiddleware(m);
    for (const a of mod.actors) broker.declareActor(a);
    broker.emitAfter('afterProcessBoot');
    const sendStart = monotonicMs();
    sendLoad(broker, chosen, messages, o.args);
    const enqueueMs = monotonicMs() - sendStart;

    const local = clockKind === 'real' ? 1 : processes;
    const notes: string[] = [];
    if (clockKind === 'real' && processes > 1) {
      children = await startChildren(io, {
        moduleFile: mod.file,
        db: file,
        threads,
        count: processes - 1,
      });
      notes.push(
        `${processes - 1} more \`rehearsal worker\` process${processes === 2 ? '' : 'es'} shared the load: throughput and the per-actor figures cover every process, the step breakdown this one only`,
      );
    }
    if (clockKind === 'virtual') {
      notes.push(
        'virtual clock: latencies are virtual ms; the breakdown is the wall time it took to simulate',
      );
    }
    const wb = profiler.broker(broker);
    const workers = Array.from(
      { length: local },
      (_, i) =>
        new Worker(wb, { threads, index: i, runner: profiler.runner(new InProcessRunner()) }),
    );
    let interrupted = false;
    const offSignals = onInterrupt(() => {
      interrupted = true;
      bar.done();
      io.stderr.write('Stopping the load (Ctrl+C again to quit at once)...\n');
    });
    const bar = progress(io.stderr, `profiling ${o.target}`, messages);
    const pendingAtStart = broker.pendingCount();
    const elu0 = performance.eventLoopUtilization();
    const wall0 = monotonicMs();
    const engine0 = clock.now();
    let how: 'drained' | 'stopped';
    try {
      for (const w of workers) w.start();
      how = await drain({
        broker,
        workers,
        clock,
        stopped: () => interrupted,
        onProgress: (pending) => bar.update(messages - pending),
      });
    } finally {
      offSignals();
    }
    profiler.stop();
    const wallMs = monotonicMs() - wall0;
    const engineMs = clock.now() - engine0;
    const elu = performance.eventLoopUtilization(elu0);
    bar.done();
    for (const w of workers) {
      if (how === 'drained' || clockKind === 'real') await w.stop({ timeoutMs: 5000 });
      else await w.halt();
    }
    await children?.stop();
    children = null;
    const stats = computeStats(broker.journal.iterate(0), { slots: threads * processes });
    const run: ProfileRun = {
      createdAt: new Date().toISOString(),
      source: { kind: 'module', path: o.target, actors: chosen.map((a) => a.actorName) },
      clock: clockKind,
      messages,
      threads,
      processes,
      profiledProcesses: local,
      profiledSlots: threads * local,
      interrupted: how === 'stopped',
      wallMs,
      engineMs,
      // Everything acked or dead-lettered in the journal, less what early children finished
      // before the measured phase began (callbacks and retries count as they finish).
      finished: finishedOf(stats) - (messages - pendingAtStart),
      enqueueMs,
      eventLoopActiveMs: clockKind === 'real' ? elu.active : null,
      stats,
      notes,
    };
    return buildProfile(run, profiler);
  } finally {
    await children?.stop();
    profiler.restore();
    broker.close();
  }
}

/** Messages acked or dead-lettered in a run's journal statistics. */
function finishedOf(stats: ProfileRun['stats']): number {
  return stats.queues.reduce((n, q) => n + q.completions + q.deadLetters, 0);
}

/** Sends `n` messages round-robin over `actors`, 1000 per transaction. */
function sendLoad(
  broker: SqliteBroker,
  actors: readonly Actor[],
  n: number,
  args: unknown[],
): void {
  for (let i = 0; i < n; i += 1000) {
    broker.batch(() => {
      for (let j = i; j < Math.min(n, i + 1000); j++) {
        broker.enqueue(actors[j % actors.length]!.messageWithOptions({ args }));
      }
    });
  }
}

/**
 * The actors the load goes to: `wanted`, each checked against `known`; default all of them.
 * @throws CliError `ACTOR_NOT_FOUND` with the closest name.
 */
function pickActors(wanted: readonly string[], known: readonly string[], source: string): string[] {
  if (wanted.length === 0) return [...known];
  for (const name of wanted) {
    if (!known.includes(name)) {
      const err = actorNotFound(name, known, [source], '', false);
      throw cliError('ACTOR_NOT_FOUND', err.message, err.details, [
        `actors of ${source}: ${[...known].sort().join(', ')}`,
      ]);
    }
  }
  return [...wanted];
}

/** Thrown from the simulator's progress callback to stop a virtual run. */
class Interrupted extends Error {}

/** Contract item 3. */
async function profileScenario(o: ProfileArgs, io: Io, file: string): Promise<ProfileDocument> {
  const loaded = loadChecked(o.target);
  const scenario = reshape(loaded, o);
  const profiler = new Profiler();
  const sim = new Simulation(scenario, {
    db: file,
    source: o.target,
    workerBroker: (b) => profiler.broker(b),
    runner: () => profiler.runner(new InProcessRunner()),
  });
  const slots = scenario.workers.reduce((n, w) => n + w.threads * w.processes, 0);
  const processes = scenario.workers.reduce((n, w) => n + w.processes, 0);
  const status = statusLine(io.stderr);
  let interrupted = false;
  let stopReal: () => void = () => undefined;
  const stopped = new Promise<'stopped'>((resolve) => {
    stopReal = () => resolve('stopped');
  });
  const offSignals = onInterrupt(() => {
    interrupted = true;
    status.done();
    io.stderr.write('Stopping the run (Ctrl+C again to quit at once)...\n');
    stopReal();
  });
  const elu0 = performance.eventLoopUtilization();
  const wall0 = monotonicMs();
  const engine0 = sim.clock.now();
  try {
    const running = sim.run({
      onProgress: (t) => {
        if (interrupted) throw new Interrupted();
        status.update(
          `profiling ${o.target}: t = ${(t / 1000).toFixed(1)} s, ${profiler.attemptCount} attempts`,
        );
      },
    });
    running.catch(() => undefined);
    if (sim.clock.kind === 'real') {
      const first = await Promise.race([running, stopped]);
      if (first === 'stopped') for (const w of sim.workers) await w.halt();
    } else {
      try {
        await running;
      } catch (err) {
        if (!(err instanceof Interrupted)) throw err;
        for (const w of sim.workers) await w.halt();
      }
    }
    profiler.stop();
    const wallMs = monotonicMs() - wall0;
    const engineMs = sim.clock.now() - engine0;
    const elu = performance.eventLoopUtilization(elu0);
    status.done();
    const stats = computeStats(sim.broker.journal.iterate(0), { slots });
    const notes =
      sim.clock.kind === 'virtual'
        ? [
            'virtual clock: latencies are virtual ms; the breakdown is the wall time it took to simulate',
          ]
        : [];
    const run: ProfileRun = {
      createdAt: new Date().toISOString(),
      source: {
        kind: 'scenario',
        path: o.target,
        actors: [...new Set(scenario.arrivals.map((a) => a.actor))],
      },
      clock: sim.clock.kind,
      messages: o.messages ?? (o.actors.length > 0 ? DEFAULT_MESSAGES : null),
      threads: Math.max(...scenario.workers.map((w) => w.threads)),
      processes,
      profiledProcesses: processes,
      profiledSlots: slots,
      interrupted,
      wallMs,
      engineMs,
      enqueueMs: null,
      eventLoopActiveMs: sim.clock.kind === 'real' ? elu.active : null,
      stats,
      notes,
    };
    return buildProfile(run, profiler);
  } finally {
    offSignals();
    profiler.restore();
    sim.close();
  }
}

/** The scenario with --messages / --actor / --threads / --processes applied (contract item 3). */
function reshape(s: Scenario, o: ProfileArgs): Scenario {
  let out: Scenario = { ...s, clock: o.clock ?? s.clock };
  if (o.messages !== null || o.actors.length > 0) {
    const known = s.actors.map((a) => a.name);
    const sent = [
      ...new Set([
        ...s.arrivals.map((a) => a.actor),
        ...s.messages.flatMap((m) => (m.actor === undefined ? [] : [m.actor])),
      ]),
    ];
    const names = pickActors(o.actors, known, o.target);
    const targets = o.actors.length > 0 ? names : sent.length > 0 ? sent : known;
    const n = o.messages ?? DEFAULT_MESSAGES;
    out = {
      ...out,
      messages: [],
      arrivals: targets
        .map((actor, i) => ({
          actor,
          process: 'burst' as const,
          count: Math.floor(n / targets.length) + (i < n % targets.length ? 1 : 0),
          args: o.args as never,
        }))
        .filter((a) => a.count > 0),
      until: { idle: true },
    };
  }
  if (o.threads !== null || o.processes !== null) {
    out = { ...out, workers: [{ threads: o.threads ?? 8, processes: o.processes ?? 1 }] };
  }
  return out;
}
