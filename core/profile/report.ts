/**
 * The profile document: what `rehearsal profile` prints and writes as JSON, and what the UI's
 * profiler view opens.
 *
 * Contract (format `rehearsal-profile`, version 1; a new version for any incompatible change):
 * 1. `{format: "rehearsal-profile", version: 1, created_at, source, run, actors, queues,
 *    breakdown, bottleneck}`; JSON-safe (numbers, strings, booleans, null, arrays, objects), keys
 *    snake_case, durations in ms unless the key says otherwise (`_s`, `_us`).
 * 2. `actors` and `queues`: one row per actor / queue, from the run's journal (so every process
 *    is counted), times on the engine clock (virtual ms under the virtual clock): `latency_ms`
 *    (first enqueue to final ack or dead letter), `wait_ms` (ready to started, every attempt),
 *    `run_ms` (started to finished, every attempt), each `{count, mean, p50, p95, p99, max}`;
 *    `wait_share` = mean wait / (mean wait + mean run).
 * 3. `breakdown.steps`: where the wall time of the profiled process(es) went, one row per step
 *    (`kind` storage, middleware, actor, engine or idle), with `share` of `breakdown.wall_ms`.
 *    The steps add up to the wall time: `other` is event-loop time outside any measured step,
 *    `idle` the event loop waiting (timers, I/O, async actors).
 * 4. `bottleneck`: `{kind, summary, evidence}`; `summary` is one sentence naming the limit and
 *    its figures, `evidence` the numbers it rests on.
 */
import type { GroupStats, RunStats, Summary } from '../sim/stats.ts';
import type { Profiler } from './profiler.ts';

/** Percentiles of one sample (see `summarize` in core/sim/stats.ts). */
export type ProfileSummary = Summary;

/** One actor or queue (contract item 2). */
export type ProfileGroup = {
  name: string;
  /** Messages acked (completed) during the run. */
  completed: number;
  dead_letters: number;
  retries: number;
  /** Completed per second of engine time (null when no engine time passed). */
  throughput_per_s: number | null;
  latency_ms: ProfileSummary;
  wait_ms: ProfileSummary;
  run_ms: ProfileSummary;
  wait_share: number;
};

/** What a step is part of (contract item 3). */
export type StepKind = 'storage' | 'middleware' | 'actor' | 'engine' | 'idle';

/** One row of the breakdown (contract item 3). */
export type ProfileStep = {
  step: string;
  kind: StepKind;
  /** For middleware steps: the middleware's name and the hook; else null. */
  middleware: string | null;
  hook: string | null;
  /** Times the step ran (null for the derived `other` and `idle`). */
  calls: number | null;
  total_ms: number;
  /** total_ms per attempt seen by the profiled process(es), µs. */
  per_attempt_us: number;
  /** Share of the wall time. */
  share: number;
};

/** The whole document (contract item 1). */
export type ProfileDocument = {
  format: 'rehearsal-profile';
  version: 1;
  created_at: string;
  source: { kind: 'module' | 'scenario'; path: string; actors: string[] };
  run: {
    clock: 'real' | 'virtual';
    /** Messages sent as the load (null: the scenario's own sends and arrivals). */
    messages: number | null;
    /** Messages finished (acked or dead-lettered) in the measured phase, every process. */
    finished: number;
    /** Messages dead-lettered during the whole run. */
    dead_letters: number;
    threads: number;
    processes: number;
    /** Processes whose steps the breakdown covers. */
    profiled_processes: number;
    interrupted: boolean;
    /** Wall time of the measured phase, s. */
    wall_s: number;
    /** Engine-clock time of the measured phase, s (equals wall_s on the real clock). */
    engine_s: number;
    /** Wall time spent sending the load before the measured phase, s (null: not separate). */
    enqueue_s: number | null;
    /** Finished per second of engine time, every process (null when no engine time passed). */
    throughput_per_s: number | null;
    /** Finished per second of wall time. */
    wall_throughput_per_s: number;
    /** Share of the wall time the event loop of the profiled process was busy (null: unknown). */
    event_loop_busy: number | null;
    /**
     * Busy slot time / (slots × time): on the real clock from the profiled process's attempt
     * times and wall time, on the virtual clock from the journal (the modelled threads).
     */
    slot_utilization: number | null;
    /** Attempts the profiled process(es) ran. */
    profiled_attempts: number;
    notes: string[];
  };
  actors: ProfileGroup[];
  queues: ProfileGroup[];
  breakdown: { wall_ms: number; tracked_ms: number; steps: ProfileStep[] };
  bottleneck: { kind: string; summary: string; evidence: Record<string, number | string> };
};

/** What `buildProfile` needs to know about the run. */
export type ProfileRun = {
  createdAt: string;
  source: { kind: 'module' | 'scenario'; path: string; actors: string[] };
  clock: 'real' | 'virtual';
  messages: number | null;
  threads: number;
  processes: number;
  profiledProcesses: number;
  /** Slots (threads) in the profiled process(es). */
  profiledSlots: number;
  interrupted: boolean;
  /** Monotonic wall time of the measured phase, ms. */
  wallMs: number;
  /** Engine-clock time of the measured phase, ms. */
  engineMs: number;
  /** Messages finished in the measured phase (every process); default: acked + dead in `stats`. */
  finished?: number;
  enqueueMs: number | null;
  /** Event-loop busy time over the measured phase, ms (null when not measured). */
  eventLoopActiveMs: number | null;
  /** Journal statistics of the run (`computeStats`). */
  stats: RunStats;
  notes?: string[];
};

const STORAGE_STEPS = new Set([
  'claim',
  'start',
  'lease check',
  'ack',
  'nack',
  'requeue',
  'enqueue',
  'journal',
  'commit',
  'lease renewal',
  'poll',
]);

/** Builds the document from a finished (or stopped) run (contract items 1–4). */
export function buildProfile(run: ProfileRun, profiler: Profiler): ProfileDocument {
  const engineS = run.engineMs / 1000;
  const wallS = run.wallMs / 1000;
  const dead = run.stats.queues.reduce((n, q) => n + q.deadLetters, 0);
  const finished = run.finished ?? run.stats.queues.reduce((n, q) => n + q.completions, 0) + dead;
  const attempts = profiler.attemptCount;
  const steps = breakdown(run, profiler, attempts);
  let busyRunMs = 0;
  for (const a of profiler.attempts.values()) for (const ms of a.runMs) busyRunMs += ms;
  const slotUtilization =
    run.clock === 'virtual'
      ? run.stats.queues.reduce((n, q) => n + q.utilization, 0)
      : run.wallMs > 0 && run.profiledSlots > 0
        ? busyRunMs / (run.profiledSlots * run.wallMs)
        : null;
  const eventLoopBusy =
    run.eventLoopActiveMs === null || run.wallMs <= 0
      ? null
      : Math.min(1, run.eventLoopActiveMs / run.wallMs);
  const group = (g: GroupStats): ProfileGroup => ({
    name: g.name,
    completed: g.completions,
    dead_letters: g.deadLetters,
    retries: g.retries,
    throughput_per_s: engineS > 0 ? round(g.completions / engineS) : null,
    latency_ms: roundSummary(g.latency),
    wait_ms: roundSummary(g.waitAllAttempts),
    run_ms: roundSummary(g.service),
    wait_share: round(share(g.waitAllAttempts.mean, g.waitAllAttempts.mean + g.service.mean)),
  });
  const doc: ProfileDocument = {
    format: 'rehearsal-profile',
    version: 1,
    created_at: run.createdAt,
    source: run.source,
    run: {
      clock: run.clock,
      messages: run.messages,
      finished,
      dead_letters: dead,
      threads: run.threads,
      processes: run.processes,
      profiled_processes: run.profiledProcesses,
      interrupted: run.interrupted,
      wall_s: round(wallS),
      engine_s: round(engineS),
      enqueue_s: run.enqueueMs === null ? null : round(run.enqueueMs / 1000),
      throughput_per_s: engineS > 0 ? round(finished / engineS) : null,
      wall_throughput_per_s: round(wallS > 0 ? finished / wallS : 0),
      event_loop_busy: eventLoopBusy === null ? null : round(eventLoopBusy),
      slot_utilization: slotUtilization === null ? null : round(Math.min(1, slotUtilization)),
      profiled_attempts: attempts,
      notes: run.notes ?? [],
    },
    actors: run.stats.actors.map(group),
    queues: run.stats.queues.map(group),
    breakdown: {
      wall_ms: round(run.wallMs),
      tracked_ms: round(profiler.recorder.trackedMs),
      steps,
    },
    bottleneck: { kind: 'none', summary: '', evidence: {} },
  };
  doc.bottleneck = bottleneck(doc, profiler);
  return doc;
}

/** The breakdown rows (contract item 3), largest first, then `other` and `idle`. */
function breakdown(run: ProfileRun, profiler: Profiler, attempts: number): ProfileStep[] {
  const wall = Math.max(run.wallMs, 1e-9);
  const per = (ms: number): number => round((ms * 1000) / Math.max(1, attempts));
  const rows: ProfileStep[] = [];
  for (const [label, t] of profiler.recorder.snapshot()) {
    const dot = label.indexOf('.');
    const isHook = dot > 0 && !STORAGE_STEPS.has(label);
    const kind: StepKind = isHook
      ? 'middleware'
      : label === 'actor'
        ? 'actor'
        : STORAGE_STEPS.has(label)
          ? 'storage'
          : 'engine';
    rows.push({
      step: label,
      kind,
      middleware: isHook ? label.slice(0, dot) : null,
      hook: isHook ? label.slice(dot + 1) : null,
      calls: t.calls,
      total_ms: round(t.selfMs),
      per_attempt_us: per(t.selfMs),
      share: round(t.selfMs / wall),
    });
  }
  rows.sort((a, b) => b.total_ms - a.total_ms);
  const tracked = profiler.recorder.trackedMs;
  // Without an event-loop measure (the virtual clock drives the loop itself) the loop counts as
  // busy for the whole run.
  const active = Math.max(run.eventLoopActiveMs ?? run.wallMs, tracked);
  const other = Math.max(0, Math.min(run.wallMs, active) - tracked);
  const idle = Math.max(0, run.wallMs - Math.max(active, tracked));
  const derived = (step: string, kind: StepKind, ms: number): ProfileStep => ({
    step,
    kind,
    middleware: null,
    hook: null,
    calls: null,
    total_ms: round(ms),
    per_attempt_us: per(ms),
    share: round(ms / wall),
  });
  rows.push(derived('other', 'engine', other), derived('idle', 'idle', idle));
  return rows;
}

/** Names what limits throughput, with its evidence (contract item 4). */
export function bottleneck(
  doc: ProfileDocument,
  profiler: Profiler,
): ProfileDocument['bottleneck'] {
  const steps = doc.breakdown.steps;
  const sum = (kind: StepKind): number =>
    steps.filter((s) => s.kind === kind).reduce((n, s) => n + s.share, 0);
  const top = (kind: StepKind): ProfileStep | undefined => steps.find((s) => s.kind === kind);
  const shares = {
    storage: sum('storage'),
    middleware: sum('middleware'),
    actor: sum('actor'),
    engine: sum('engine'),
    idle: sum('idle'),
  };
  const evidence: Record<string, number | string> = {
    storage_share: round(shares.storage),
    middleware_share: round(shares.middleware),
    actor_share: round(shares.actor),
    engine_share: round(shares.engine),
    idle_share: round(shares.idle),
  };
  if (doc.run.finished === 0 && profiler.attemptCount === 0) {
    return {
      kind: 'nothing',
      summary: 'nothing finished: no message completed, so there is no limit to name yet',
      evidence,
    };
  }
  const slots = doc.run.threads;
  const u = doc.run.slot_utilization;
  if (u !== null) evidence.slot_utilization = u;
  const meanRun = mean(doc.actors.map((a) => [a.run_ms.mean, a.run_ms.count]));
  evidence.mean_run_ms = round(meanRun);
  if (doc.run.clock === 'real' && u !== null && u >= 0.8 && shares.idle >= 0.3) {
    const ceiling = meanRun > 0 ? (slots * doc.run.processes * 1000) / meanRun : 0;
    evidence.ceiling_per_s = round(ceiling);
    return {
      kind: 'actor-wait',
      summary:
        `actor time: ${slots} thread${slots === 1 ? '' : 's'} busy ${pct(u)} while the event loop was idle ${pct(shares.idle)}; ` +
        `an attempt takes ${fmtMs(meanRun)} on average, so ${slots * doc.run.processes} slots top out near ${Math.round(ceiling).toLocaleString('en-US')} msg/s — add threads (--threads) or processes`,
      evidence,
    };
  }
  const busy = 1 - shares.idle;
  if (doc.run.clock === 'real' && busy < 0.6 && (u === null || u < 0.8)) {
    return {
      kind: 'underloaded',
      summary:
        `not saturated: the event loop was idle ${pct(shares.idle)}` +
        `${u === null ? '' : ` and threads were busy ${pct(u)}`}; the load (delays, retry backoff, arrivals) sets the pace, not the engine`,
      evidence,
    };
  }
  const ranked = (['storage', 'middleware', 'actor', 'engine'] as const)
    .map((k) => [k, shares[k]] as const)
    .sort((a, b) => b[1] - a[1]);
  const [kind, s] = ranked[0]!;
  if (doc.run.clock === 'virtual') {
    // Virtual waiting costs no wall time: the wall time is the engine's own cost to simulate.
    const attempts = Math.max(1, profiler.attemptCount);
    const perAttempt = (doc.breakdown.wall_ms * 1000) / attempts;
    const [second, s2] = ranked[1]!;
    evidence.wall_us_per_attempt = round(perAttempt);
    return {
      kind: 'simulation',
      summary:
        `simulation speed: ${Math.round(perAttempt).toLocaleString('en-US')} µs of wall time per attempt (${Math.round(doc.run.wall_throughput_per_s).toLocaleString('en-US')} msg/s), ` +
        `most in ${KIND_WORDS[kind]} (${pct(s)}), then ${KIND_WORDS[second]} (${pct(s2)})` +
        `${u === null ? '' : `; the modelled threads were busy ${pct(u)} of virtual time`}`,
      evidence,
    };
  }
  const where = 'of wall time';
  switch (kind) {
    case 'storage': {
      const t = top('storage')!;
      evidence.top_step = t.step;
      evidence.top_share = t.share;
      if (t.step === 'commit' && doc.run.processes > 1) {
        return {
          kind: 'write-lock',
          summary:
            `SQLite's write lock: ${pct(t.share)} ${where} in commit, which includes waiting for the lock that ${doc.run.processes} processes take turns on; ` +
            `fewer processes, or more work per transaction`,
          evidence,
        };
      }
      return {
        kind: 'storage',
        summary:
          `SQLite writes: ${pct(s)} ${where} in claim, start, journal, ack and commit (most in ${t.step}: ${pct(t.share)}); ` +
          `the process is CPU-bound on storage — batch more per transaction or add processes`,
        evidence,
      };
    }
    case 'middleware': {
      const t = top('middleware')!;
      evidence.top_step = t.step;
      evidence.top_share = t.share;
      return {
        kind: 'middleware',
        summary: `middleware: ${pct(s)} ${where} in hooks, most in ${t.step} (${pct(t.share)}); make that hook cheaper or leave that middleware out`,
        evidence,
      };
    }
    case 'actor':
      return {
        kind: 'actor-cpu',
        summary: `actor CPU: ${pct(s)} ${where} in the actors' own code (event loop busy ${pct(busy)}); threads share one event loop, so add processes (--processes) or make the actor cheaper`,
        evidence,
      };
    case 'engine':
      return {
        kind: 'engine',
        summary: `worker overhead: ${pct(s)} ${where} in the worker loop outside the measured steps (scheduling, promises, GC); add processes (--processes)`,
        evidence,
      };
  }
}

/** How a kind of step reads in a sentence. */
const KIND_WORDS: Record<Exclude<StepKind, 'idle'>, string> = {
  storage: 'SQLite writes (claim, start, journal, ack, commit)',
  middleware: 'middleware hooks',
  actor: "the actors' own code",
  engine: 'the worker loop outside measured steps',
};

/** The weighted mean of [value, weight] pairs. */
function mean(pairs: [number, number][]): number {
  let w = 0;
  let s = 0;
  for (const [v, n] of pairs) {
    s += v * n;
    w += n;
  }
  return w > 0 ? s / w : 0;
}

function share(part: number, whole: number): number {
  return whole > 0 ? part / whole : 0;
}

function pct(x: number): string {
  return `${Math.round(x * 100)} %`;
}

function fmtMs(ms: number): string {
  return ms >= 100 ? `${Math.round(ms)} ms` : `${ms.toFixed(1)} ms`;
}

/** Rounds to 3 decimals (JSON stays readable; ms to the µs). */
export function round(x: number): number {
  return Number.isFinite(x) ? Math.round(x * 1000) / 1000 : 0;
}

function roundSummary(s: Summary): ProfileSummary {
  return {
    count: s.count,
    mean: round(s.mean),
    p50: round(s.p50),
    p95: round(s.p95),
    p99: round(s.p99),
    max: round(s.max),
  };
}
