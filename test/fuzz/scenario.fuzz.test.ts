/**
 * Fuzz target (a): scenario files. Arbitrary JSON, mutated gallery scenarios and damaged scenario
 * text are either accepted or refused with a coded `RehearsalError` that lists every problem with
 * its JSON path — never a raw TypeError. Accepted mutants also run (bounded) on the simulator.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RehearsalError } from '../../core/index.ts';
import { parseScenario, parseScenarioText, ScenarioError } from '../../core/sim/load-scenario.ts';
import type { Scenario, SendEntry } from '../../core/sim/scenario-schema.ts';
import { runScenario } from '../../core/sim/simulator.ts';
import { fcParams, fuzzRuns, fuzzTimeout, reportCount } from './fuzz-config.ts';
import {
  applyMutations,
  atPath,
  damageText,
  jsonArb,
  mutationsArb,
  textDamageArb,
  type Json,
} from './json-mutations.ts';

const SCENARIO_DIR = fileURLToPath(new URL('../../scenarios/', import.meta.url));
const GALLERY: { name: string; text: string; data: Json }[] = readdirSync(SCENARIO_DIR)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((name) => {
    const text = readFileSync(join(SCENARIO_DIR, name), 'utf8');
    return { name, text, data: JSON.parse(text) as Json };
  });
/** A gallery scenario, printed by name in counterexamples. */
const galleryArb = fc.constantFrom(...GALLERY.map((g) => g.name)).map(
  (name) => GALLERY.find((g) => g.name === name)!,
  (g) => (g as { name: string }).name,
);

/** Only plain words in a path: those can be looked up in the input. */
const PLAIN_PATH = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*|\[\d+\])*$/;
const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** True when every key in `data` is a plain word (a path `a.b` is then unambiguous). */
function plainKeys(data: unknown): boolean {
  if (Array.isArray(data)) return data.every(plainKeys);
  if (data === null || typeof data !== 'object') return true;
  return Object.entries(data).every(([k, v]) => PLAIN_KEY.test(k) && plainKeys(v));
}

type Outcome = 'accepted' | 'refused';

/**
 * Validates `data` and checks the outcome: accepted, or a `SCENARIO_INVALID` error naming the
 * file, with at least one problem, each with a path whose parent exists in the input.
 */
function checkParse(data: unknown, file: string): { outcome: Outcome; scenario?: Scenario } {
  let scenario: Scenario;
  try {
    scenario = parseScenario(data, file);
  } catch (err) {
    expect(err, String(err)).toBeInstanceOf(ScenarioError);
    const e = err as ScenarioError;
    expect(e.code).toBe('SCENARIO_INVALID');
    expect(e.message.startsWith(`${file}: `)).toBe(true);
    expect(e.problems.length).toBeGreaterThan(0);
    const lookUp = plainKeys(data);
    for (const p of e.problems) {
      expect(typeof p.path).toBe('string');
      expect(p.message.length).toBeGreaterThan(0);
      if (lookUp && PLAIN_PATH.test(p.path)) {
        const parent = p.path.replace(/(?:\.[^.[\]]+|\[\d+\])$/, '');
        if (parent !== p.path)
          expect(atPath(data, parent).found, `parent of ${p.path} is in the input`).toBe(true);
      }
    }
    return { outcome: 'refused' };
  }
  return { outcome: 'accepted', scenario };
}

/** Actor names a send entry (message, pipeline, group, raw, completion) reaches. */
function targets(e: SendEntry): string[] {
  return [
    e.actor,
    e.raw?.actor_name,
    e.on_complete?.actor,
    ...(e.pipeline ?? []).map((st) => st.actor),
    ...(e.group ?? []).flatMap((c) =>
      'pipeline' in c ? c.pipeline.map((st) => st.actor) : [c.actor],
    ),
  ].filter((a): a is string => a !== undefined);
}

/**
 * True when some actor can make itself run again (through sends or callbacks): such a scenario
 * describes an unbounded workload, legal but not something to run thousands of times here.
 */
function selfFeeding(s: Scenario): boolean {
  const edges = new Map<string, string[]>();
  for (const a of s.actors) {
    const o = a.options;
    edges.set(a.name, [
      ...(a.behavior.enqueue ?? []).flatMap(targets),
      ...[o.on_success, o.on_failure, o.on_retry_exhausted].filter(
        (x): x is string => x !== undefined,
      ),
    ]);
  }
  const state = new Map<string, 'open' | 'done'>();
  const cyclic = (name: string): boolean => {
    if (state.get(name) === 'done') return false;
    if (state.get(name) === 'open') return true;
    state.set(name, 'open');
    const found = (edges.get(name) ?? []).some(cyclic);
    state.set(name, 'done');
    return found;
  };
  return s.actors.some((a) => cyclic(a.name));
}

/**
 * A bounded copy of an accepted scenario, small enough to simulate in milliseconds: few messages,
 * threads and workers, retries that end (at most 20 per message, Dramatiq's default), no actor
 * that feeds itself, 60 s of virtual time.
 */
function bounded(s: Scenario): Scenario | null {
  const arrivals = s.arrivals.reduce((n, a) => n + a.count, 0);
  const threads = s.workers.reduce((n, w) => n + w.threads * w.processes, 0);
  if (s.messages.length + arrivals > 200 || threads > 64 || s.workers.length > 4) return null;
  const retries = (r: number | null | undefined): boolean => r === null || (r ?? 0) > 20;
  if (retries(s.middleware.max_retries)) return null;
  if (s.actors.some((a) => retries(a.options.max_retries) || a.options.retry_when)) return null;
  if (selfFeeding(s)) return null;
  return { ...s, clock: 'virtual', until: { time: 60_000 } };
}

describe('scenario files under fuzzing', () => {
  it(
    'arbitrary JSON is accepted or refused with SCENARIO_INVALID and its JSON paths',
    { timeout: fuzzTimeout(fuzzRuns(2000), 1) },
    () => {
      const runs = fuzzRuns(2000);
      let n = 0;
      const t0 = performance.now();
      fc.assert(
        fc.property(jsonArb, (data) => {
          n++;
          checkParse(data, 'fuzz.json');
        }),
        fcParams(runs),
      );
      reportCount('scenario/arbitrary-json', n, performance.now() - t0);
    },
  );

  it(
    'mutated gallery scenarios are accepted or refused with SCENARIO_INVALID and their JSON paths',
    { timeout: fuzzTimeout(fuzzRuns(4000), 1) },
    () => {
      const runs = fuzzRuns(4000);
      let n = 0;
      const counts = { accepted: 0, refused: 0 };
      const t0 = performance.now();
      fc.assert(
        fc.property(galleryArb, mutationsArb(4), (g, mutations) => {
          n++;
          const data = applyMutations(g.data, mutations);
          counts[checkParse(data, g.name).outcome]++;
        }),
        fcParams(runs),
      );
      reportCount('scenario/mutated-gallery', n, performance.now() - t0);
      expect(counts.refused).toBeGreaterThan(0);
      expect(counts.accepted).toBeGreaterThan(0);
    },
  );

  it(
    'damaged scenario text is refused with SCENARIO_NOT_JSON (line and column) or validated',
    { timeout: fuzzTimeout(fuzzRuns(2000), 1) },
    () => {
      const runs = fuzzRuns(2000);
      let n = 0;
      const t0 = performance.now();
      fc.assert(
        fc.property(
          galleryArb,
          fc.array(textDamageArb, { minLength: 1, maxLength: 3 }),
          (g, ds) => {
            n++;
            const text = ds.reduce(damageText, g.text);
            try {
              parseScenarioText(text, g.name);
            } catch (err) {
              expect(err, String(err)).toBeInstanceOf(RehearsalError);
              const e = err as RehearsalError;
              expect(['SCENARIO_NOT_JSON', 'SCENARIO_INVALID']).toContain(e.code);
              expect(e.message).toContain(g.name);
              expect(e.details.file).toBe(g.name);
            }
          },
        ),
        fcParams(runs),
      );
      reportCount('scenario/damaged-text', n, performance.now() - t0);
    },
  );

  it(
    'accepted mutants run on the simulator to their end or stop with a coded error',
    { timeout: fuzzTimeout(fuzzRuns(150), 200) },
    async () => {
      const runs = fuzzRuns(150);
      let n = 0;
      let simulated = 0;
      const t0 = performance.now();
      await fc.assert(
        fc.asyncProperty(galleryArb, mutationsArb(3), async (g, mutations) => {
          n++;
          const { scenario } = checkParse(applyMutations(g.data, mutations), g.name);
          const s = scenario && bounded(scenario);
          if (!s) return;
          simulated++;
          try {
            await runScenario(s, { db: ':memory:' });
          } catch (err) {
            expect(err, String((err as Error).stack)).toBeInstanceOf(RehearsalError);
          }
        }),
        fcParams(runs),
      );
      reportCount('scenario/simulated-mutants', n, performance.now() - t0);
      console.log(`  ${simulated} accepted and bounded mutants simulated`);
      expect(simulated).toBeGreaterThan(0);
    },
  );
});
