/**
 * Replay, what-if forks and run comparison.
 *
 * Contract:
 * 1. A run's database holds its scenario and seed (meta), so `replayRun` re-runs it and says
 *    whether the new journal matches the stored one, event for event.
 * 2. `forkRun` re-runs the scenario and, right after event `atSeq` is journaled, applies the
 *    `--set` changes to the running engine: history up to `atSeq` is shared (checked), and only
 *    what happens after it may differ. Forking a fork keeps the changes of its own history: the
 *    new fork's steps are every step of the parent's chain at or before `atSeq`, then its own
 *    (a parent's step after `atSeq` is in the parent's future, so it is not part of the fork).
 * 3. `diffRuns` compares two runs by message (label, else message id): fate, attempts; and by
 *    totals: dead letters, makespan, latency percentiles.
 */
import { existsSync, rmSync } from 'node:fs';
import { SqliteBroker } from '../broker/sqlite-broker.ts';
import { VirtualClock } from '../clock/virtual-clock.ts';
import { closest, RehearsalError } from '../errors.ts';
import { toExportLine } from '../journal/journal-event.ts';
import { parseScenario } from './load-scenario.ts';
import type { Scenario } from './scenario-schema.ts';
import { Simulation } from './simulator.ts';
import { computeStats, type Summary } from './stats.ts';

/** One step of a fork: `sets` (as `PATH=VALUE` texts) applied right after event `atSeq`. */
export type ForkStep = { atSeq: number; sets: string[] };

/** What a run's database says about the run. */
export type RunInfo = {
  scenario: Scenario;
  seed: number;
  clock: 'virtual' | 'real';
  lastSeq: number;
  /**
   * The run this one forked from, at which event, with which changes; `chain` is every step from
   * the stored scenario on (one step for a fork of a plain run; more for a fork of a fork).
   */
  forkOf?: { run: string; atSeq: number; sets: string[]; chain: ForkStep[] };
  /** The first event a hand-made change (enqueue, pause… in the app) could affect. */
  firstManualSeq?: number;
};

/**
 * Meta key of a run changed by hand: the first seq the change could affect. Forks re-run the
 * scenario only, so they must branch off before it (written by core/host/commands.ts).
 */
export const FIRST_MANUAL_SEQ_META = 'first_manual_seq';

/**
 * Runs `change` (a hand-made change through `broker`: a dead-letter requeue or purge from the
 * CLI) in one write, and when the file is a simulation run and the change wrote events, marks
 * the first of them (`FIRST_MANUAL_SEQ_META`) unless a change is marked already, as the app's
 * commands do: a fork must then branch off before it.
 */
export function manualChange<T>(broker: SqliteBroker, change: () => T): T {
  const meta = broker.store.messages;
  return broker.store.write(() => {
    const mark =
      meta.getMeta('scenario') !== undefined && meta.getMeta(FIRST_MANUAL_SEQ_META) === undefined
        ? broker.journal.lastSeq() + 1
        : null;
    const out = change();
    if (mark !== null && broker.journal.lastSeq() >= mark)
      meta.setMeta(FIRST_MANUAL_SEQ_META, String(mark));
    return out;
  });
}

/**
 * The clock a hand-made change to `file` runs on: for a simulation run on virtual time, a virtual
 * clock at the run's last event (so the change's journal rows follow the run's own time instead
 * of jumping to today's wall clock); null for anything else.
 */
export function runChangeClock(file: string): VirtualClock | null {
  const b = new SqliteBroker({ file });
  try {
    const meta = b.store.messages;
    if (meta.getMeta('scenario') === undefined || meta.getMeta('clock') === 'real') return null;
    return new VirtualClock(b.journal.lastAt() ?? b.journal.startAt);
  } finally {
    b.close();
  }
}

/** Reads a run's scenario and seed. @throws RehearsalError `RUN_NOT_FOUND`, `NOT_A_RUN`. */
export function readRun(file: string): RunInfo {
  if (!existsSync(file))
    throw new RehearsalError(
      'RUN_NOT_FOUND',
      `no run database at ${file}; create one with \`rehearsal run SCENARIO --db ${file}\``,
      { file },
    );
  const b = new SqliteBroker({ file });
  try {
    const text = b.store.messages.getMeta('scenario');
    if (text === undefined)
      throw new RehearsalError(
        'NOT_A_RUN',
        `${file} is a Rehearsal database but not a simulation run (it has no stored scenario); runs are made with \`rehearsal run\``,
        { file },
      );
    const fork = b.store.messages.getMeta('fork_of');
    const manual = b.store.messages.getMeta(FIRST_MANUAL_SEQ_META);
    return {
      scenario: parseScenario(JSON.parse(text), `${file} (stored scenario)`),
      seed: Number(b.store.messages.getMeta('seed') ?? '0'),
      clock: (b.store.messages.getMeta('clock') ?? 'virtual') as 'virtual' | 'real',
      lastSeq: b.journal.lastSeq(),
      ...(fork ? { forkOf: forkMeta(fork) } : {}),
      ...(manual !== undefined ? { firstManualSeq: Number(manual) } : {}),
    };
  } finally {
    b.close();
  }
}

/**
 * The stored `fork_of` meta (forks made before chains existed have one step: their own).
 * @throws SyntaxError when the text is not JSON.
 */
export function forkMeta(text: string): NonNullable<RunInfo['forkOf']> {
  const m = JSON.parse(text) as Omit<NonNullable<RunInfo['forkOf']>, 'chain'> & {
    chain?: ForkStep[];
  };
  return { ...m, chain: m.chain ?? [{ atSeq: m.atSeq, sets: m.sets }] };
}

function exportLines(file: string, limit = Number.MAX_SAFE_INTEGER): string[] {
  const b = new SqliteBroker({ file });
  try {
    const out: string[] = [];
    for (const e of b.journal.iterate(0)) {
      if (e.seq > limit) break;
      out.push(toExportLine(e));
    }
    return out;
  } finally {
    b.close();
  }
}

/** The outcome of a replay. */
export type ReplayResult = {
  matches: boolean;
  events: number;
  replayedEvents: number;
  firstDifference: { seq: number; stored: string | null; replayed: string | null } | null;
};

/**
 * Re-runs a stored run into `intoDb` and compares the journals (contract item 1).
 * @throws RehearsalError `REPLAY_REAL_CLOCK` for a run on the real clock (not reproducible).
 */
export async function replayRun(runDb: string, intoDb: string): Promise<ReplayResult> {
  const info = readRun(runDb);
  if (info.clock === 'real')
    throw new RehearsalError(
      'REPLAY_REAL_CLOCK',
      `${runDb} ran on the real clock, whose timing cannot be reproduced; replay works for virtual-clock runs`,
      { file: runDb },
    );
  if (info.forkOf) {
    // The stored scenario and the fork's steps are enough: the parent file is not needed.
    await simulateSteps(info, planSteps(info.scenario, info.forkOf.chain), {
      intoDb,
      source: runDb,
      forkOf: info.forkOf,
    });
  } else {
    const sim = new Simulation(info.scenario, { db: intoDb, seed: info.seed, source: runDb });
    try {
      await sim.run();
    } finally {
      sim.close();
    }
  }
  const a = exportLines(runDb);
  const b = exportLines(intoDb);
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] !== b[i])
      return {
        matches: false,
        events: a.length,
        replayedEvents: b.length,
        firstDifference: { seq: i + 1, stored: a[i] ?? null, replayed: b[i] ?? null },
      };
  }
  return { matches: true, events: a.length, replayedEvents: b.length, firstDifference: null };
}

/** One `--set PATH=VALUE`, parsed. */
export type ForkSet = { path: string; value: unknown };

/** Parses `PATH=VALUE` (VALUE is JSON when it parses, else a string). */
export function parseSet(text: string): ForkSet {
  const i = text.indexOf('=');
  if (i <= 0)
    throw new RehearsalError(
      'FORK_SET_INVALID',
      `--set expects PATH=VALUE (e.g. actors.send_email.options.max_retries=5), got "${text}"`,
      { set: text },
    );
  const raw = text.slice(i + 1);
  let value: unknown = raw;
  try {
    value = JSON.parse(raw);
  } catch {
    /* a bare string */
  }
  return { path: text.slice(0, i), value };
}

type Target =
  | { kind: 'actor-option'; actor: string; option: string }
  | { kind: 'actor-behavior'; actor: string; keys: string[] }
  | { kind: 'worker-threads'; index: number };

const FORKABLE =
  'actors.<name>.options.<option>, actors.<name>.behavior.<field>…, workers[<i>].threads';

/** Keys that reach an object's prototype: never a scenario field, always refused. */
const PROTOTYPE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

function resolveTarget(s: Scenario, path: string): Target {
  const parts = path.replace(/\[(\d+)\]/g, '.$1').split('.');
  const fail = (why: string): never => {
    throw new RehearsalError(
      'FORK_PATH_UNKNOWN',
      `cannot fork on "${path}": ${why}; paths that can change mid-run: ${FORKABLE}`,
      { path },
    );
  };
  // `behavior.__proto__.x=1` would otherwise write to Object.prototype (applySets walks the path).
  const bad = parts.find((p) => PROTOTYPE_KEYS.has(p));
  if (bad !== undefined) fail(`"${bad}" is not a scenario field`);
  if (parts[0] === 'actors') {
    const name = parts[1] ?? '';
    const actor = s.actors.find((a) => a.name === name);
    if (!actor) {
      const hint = closest(
        name,
        s.actors.map((a) => a.name),
      );
      fail(`no actor named "${name}"${hint ? ` — did you mean "${hint}"?` : ''}`);
    }
    if (parts[2] === 'options' && parts.length === 4)
      return { kind: 'actor-option', actor: name, option: parts[3]! };
    if (parts[2] === 'behavior' && parts.length >= 4)
      return { kind: 'actor-behavior', actor: name, keys: parts.slice(3) };
    fail(`expected actors.${name}.options.<option> or actors.${name}.behavior.<field>`);
  }
  if (parts[0] === 'workers' && parts.length === 3 && parts[2] === 'threads') {
    const index = Number(parts[1]);
    if (!Number.isInteger(index) || !s.workers[index])
      fail(`there is no worker ${parts[1]} (the scenario has ${s.workers.length})`);
    return { kind: 'worker-threads', index };
  }
  return fail(parts[0] ? `"${parts[0]}" cannot change during a run` : 'empty path');
}

/** The scenario with the sets applied (validated: a bad value is a scenario error naming its path). */
export function applySets(s: Scenario, sets: ForkSet[]): Scenario {
  const copy = JSON.parse(JSON.stringify(s)) as Record<string, unknown> & Scenario;
  for (const set of sets) {
    const t = resolveTarget(copy, set.path);
    if (t.kind === 'worker-threads')
      (copy.workers[t.index] as { threads: number }).threads = set.value as number;
    else {
      const a = copy.actors.find((x) => x.name === t.actor)!;
      if (t.kind === 'actor-option') (a.options as Record<string, unknown>)[t.option] = set.value;
      else {
        let obj = a.behavior as Record<string, unknown>;
        for (const k of t.keys.slice(0, -1)) {
          if (typeof obj[k] !== 'object' || obj[k] === null) obj[k] = {};
          obj = obj[k] as Record<string, unknown>;
        }
        obj[t.keys[t.keys.length - 1]!] = set.value;
      }
    }
  }
  return parseScenario(copy, 'fork');
}

/**
 * Runs a what-if fork of `runDb` (contract item 2). Everything is checked before `intoDb` is
 * created, and a fork that fails after that removes `intoDb` again.
 * @throws RehearsalError `SEQ_OUT_OF_RANGE`, `FORK_AFTER_MANUAL_CHANGE` (the run was changed by
 *   hand at or before `atSeq`), `FORK_PATH_UNKNOWN`, `FORK_SET_INVALID`, `SCENARIO_INVALID` (a
 *   value of the wrong type), `FORK_DIVERGED_EARLY` (should not happen).
 */
export async function forkRun(
  runDb: string,
  opts: { atSeq: number; sets: (string | ForkSet)[]; intoDb: string },
): Promise<{ sharedEvents: number; events: number }> {
  const info = readRun(runDb);
  if (!Number.isInteger(opts.atSeq) || opts.atSeq < 0 || opts.atSeq > info.lastSeq) {
    throw new RehearsalError(
      'SEQ_OUT_OF_RANGE',
      `--at ${opts.atSeq} is not in ${runDb}, whose journal has events 1..${info.lastSeq}`,
      { seq: opts.atSeq, last: info.lastSeq },
    );
  }
  if (info.firstManualSeq !== undefined && opts.atSeq >= info.firstManualSeq)
    throw new RehearsalError(
      'FORK_AFTER_MANUAL_CHANGE',
      `${runDb} was changed by hand from event ${info.firstManualSeq} on (enqueue, pause, purge…), which a fork cannot replay; fork at an event before ${info.firstManualSeq}`,
      { atSeq: opts.atSeq, firstManualSeq: info.firstManualSeq },
    );
  const sets = opts.sets.map((x) => (typeof x === 'string' ? parseSet(x) : x));
  const own: ForkStep = { atSeq: opts.atSeq, sets: sets.map(setText) };
  const inherited = (info.forkOf?.chain ?? []).filter((step) => step.atSeq <= opts.atSeq);
  // Every step checked (paths and values) before anything is written.
  const steps = planSteps(info.scenario, [...inherited, own], sets);
  const existed = existsSync(opts.intoDb);
  try {
    return await forkInto(runDb, info, steps, { ...opts, chain: [...inherited, own] });
  } catch (err) {
    // No half-written fork is left behind (a file that was already there is not ours to remove).
    if (!existed)
      for (const suffix of ['', '-wal', '-shm', '-journal'])
        rmSync(`${opts.intoDb}${suffix}`, { force: true });
    throw err;
  }
}

/**
 * The scenario a fork of `info` at `atSeq` starts from: the stored scenario with the steps of
 * `info`'s own chain made at or before `atSeq` (the ones a fork there inherits).
 */
export function scenarioForFork(info: RunInfo, atSeq: number): Scenario {
  const inherited = (info.forkOf?.chain ?? []).filter((step) => step.atSeq <= atSeq);
  const steps = planSteps(info.scenario, inherited);
  return steps.length > 0 ? steps[steps.length - 1]!.scenario : info.scenario;
}

/** A fork step ready to apply: its sets and the scenario as it stands after them. */
type PlannedStep = { atSeq: number; sets: ForkSet[]; scenario: Scenario };

function setText(x: ForkSet): string {
  return `${x.path}=${JSON.stringify(x.value)}`;
}

/**
 * Each step with the scenario after it (the changes add up). `last` is the last step's sets as
 * given, so a value keeps its type even when its text would parse differently.
 */
function planSteps(base: Scenario, chain: ForkStep[], last?: ForkSet[]): PlannedStep[] {
  let scenario = base;
  return chain.map((step, i) => {
    const sets = i === chain.length - 1 && last ? last : step.sets.map(parseSet);
    scenario = applySets(scenario, sets);
    return { atSeq: step.atSeq, sets, scenario };
  });
}

/** Applies one step's changes to the running simulation. */
function applyStep(sim: Simulation, step: PlannedStep): void {
  for (const set of step.sets) {
    const t = resolveTarget(step.scenario, set.path);
    if (t.kind === 'actor-option') {
      sim.reconfigureActor(t.actor, step.scenario.actors.find((a) => a.name === t.actor)!.options);
    } else if (t.kind === 'actor-behavior') {
      sim.reconfigureBehavior(
        t.actor,
        step.scenario.actors.find((a) => a.name === t.actor)!.behavior,
      );
    } else sim.resizeWorkers(t.index, step.scenario.workers[t.index]!.threads);
  }
}

/**
 * Re-runs the stored scenario into `intoDb`, applying each step right after its event is
 * journaled (steps at 0 before the start), and records the fork in the new file's meta.
 */
async function simulateSteps(
  info: RunInfo,
  steps: PlannedStep[],
  opts: { intoDb: string; source: string; forkOf: NonNullable<RunInfo['forkOf']> },
): Promise<void> {
  const sim = new Simulation(info.scenario, {
    db: opts.intoDb,
    seed: info.seed,
    source: opts.source,
  });
  let next = 0;
  const applyDue = (seq: number): void => {
    while (next < steps.length && steps[next]!.atSeq <= seq) applyStep(sim, steps[next++]!);
  };
  // Steps at 0 apply once the workers exist (a threads change needs them) and before any event.
  sim.start();
  applyDue(0);
  const off = sim.broker.journal.onAppendImmediate((e) => applyDue(e.seq));
  sim.broker.store.write(() =>
    sim.broker.store.messages.setMeta('fork_of', JSON.stringify(opts.forkOf)),
  );
  try {
    await sim.run();
  } finally {
    off();
    sim.close();
  }
}

async function forkInto(
  runDb: string,
  info: RunInfo,
  steps: PlannedStep[],
  opts: { atSeq: number; intoDb: string; chain: ForkStep[] },
): Promise<{ sharedEvents: number; events: number }> {
  const own = opts.chain[opts.chain.length - 1]!;
  await simulateSteps(info, steps, {
    intoDb: opts.intoDb,
    source: runDb,
    forkOf: { run: runDb, atSeq: opts.atSeq, sets: own.sets, chain: opts.chain },
  });
  const a = exportLines(runDb, opts.atSeq);
  const b = exportLines(opts.intoDb, opts.atSeq);
  const same = a.length === b.length && a.every((x, i) => x === b[i]);
  if (!same)
    throw new RehearsalError(
      'FORK_DIVERGED_EARLY',
      `the fork's history differs from ${runDb} before event ${opts.atSeq}; this is a bug, please report it with both files`,
      { run: runDb, fork: opts.intoDb },
    );
  return { sharedEvents: opts.atSeq, events: exportLines(opts.intoDb).length };
}

/** How one message ended in a run. */
export type MessageFate = {
  key: string;
  actor: string;
  fate: 'done' | 'dead' | 'pending';
  attempts: number;
};

/** The comparison of two runs. */
export type RunDiff = {
  a: RunTotals;
  b: RunTotals;
  /** Messages whose fate or attempts differ (by label, else message id). */
  changed: { key: string; actor: string; a: MessageFate | null; b: MessageFate | null }[];
};

/** Totals of one run. */
export type RunTotals = {
  file: string;
  events: number;
  messages: number;
  done: number;
  dead: number;
  pending: number;
  attempts: number;
  makespanMs: number;
  latency: Summary;
};

function fates(file: string): { totals: RunTotals; byKey: Map<string, MessageFate> } {
  const b = new SqliteBroker({ file });
  try {
    const byKey = new Map<string, MessageFate>();
    const byId = new Map<string, MessageFate>();
    const retrying = new Set<string>();
    const labelled = new Map<string, number>();
    for (const e of b.journal.iterate(0)) {
      if (!e.messageId) continue;
      let f = byId.get(e.messageId);
      if (!f) {
        // A label given to several messages (every on_failure callback of one message) keys them
        // by their order: `m1.on_failure`, `m1.on_failure#2`…
        let key = e.label ?? e.messageId;
        if (e.label !== undefined && e.label !== null) {
          const n = (labelled.get(e.label) ?? 0) + 1;
          labelled.set(e.label, n);
          if (n > 1) key = `${e.label}#${n}`;
        }
        f = { key, actor: e.actor ?? '', fate: 'pending', attempts: 0 };
        byId.set(e.messageId, f);
        byKey.set(f.key, f);
      }
      if (e.kind === 'started') f.attempts = e.attempt ?? f.attempts + 1;
      else if (e.kind === 'dead_lettered') f.fate = 'dead';
      else if (e.kind === 'enqueued') {
        f.fate = 'pending';
        // A retry is enqueued before the failed delivery's ack, which does not finish it.
        if (e.reason === 'retry') retrying.add(e.messageId);
      } else if (e.kind === 'acked') {
        if (retrying.delete(e.messageId)) continue;
        if (f.fate === 'pending') f.fate = 'done';
      }
    }
    const stats = computeStats(b.journal.iterate(0));
    const all = [...byId.values()];
    const last = b.journal.lastSeq();
    const lastAt = b.journal.lastAt();
    const end = lastAt === null ? 0 : lastAt - b.journal.startAt;
    return {
      byKey,
      totals: {
        file,
        events: last,
        messages: all.length,
        done: all.filter((f) => f.fate === 'done').length,
        dead: all.filter((f) => f.fate === 'dead').length,
        pending: all.filter((f) => f.fate === 'pending').length,
        attempts: all.reduce((s, f) => s + f.attempts, 0),
        makespanMs: end,
        latency: stats.latency,
      },
    };
  } finally {
    b.close();
  }
}

/** Compares two runs (contract item 3). */
export function diffRuns(fileA: string, fileB: string): RunDiff {
  readRun(fileA);
  readRun(fileB);
  const a = fates(fileA);
  const b = fates(fileB);
  const keys = new Set([...a.byKey.keys(), ...b.byKey.keys()]);
  const changed: RunDiff['changed'] = [];
  for (const k of keys) {
    const x = a.byKey.get(k) ?? null;
    const y = b.byKey.get(k) ?? null;
    if (x && y && x.fate === y.fate && x.attempts === y.attempts) continue;
    changed.push({ key: k, actor: (x ?? y)!.actor, a: x, b: y });
  }
  return { a: a.totals, b: b.totals, changed };
}
