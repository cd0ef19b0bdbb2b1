/**
 * How many inputs each fuzz target runs, with which seed, and how it reports the count.
 *
 * Contract:
 * 1. `npm test` runs each target with its modest default count and the fixed seed below, so a
 *    failure reproduces exactly; `FUZZ_RUNS=N` (set by `npm run fuzz`) runs N inputs per property
 *    instead, and `FUZZ_SEED=S` changes the seed.
 * 2. Every property reports how many inputs it ran: one `fuzz <target>: N inputs` line on the
 *    console, and one JSON line appended to `$FUZZ_REPORT` when that is set (scripts/fuzz.ts sums
 *    them up).
 */
import { appendFileSync } from 'node:fs';
import type fc from 'fast-check';

/** The fixed seed of the short runs (contract item 1). */
export const DEFAULT_SEED = 20_260_801;

function envInt(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`${name} must be a positive integer`);
  return n;
}

/** Inputs per property: `$FUZZ_RUNS`, else `short`. */
export function fuzzRuns(short: number): number {
  return envInt('FUZZ_RUNS') ?? short;
}

/** True during a long run (`npm run fuzz`). */
export function isLongRun(): boolean {
  return envInt('FUZZ_RUNS') !== undefined;
}

/** The seed of every property: `$FUZZ_SEED`, else {@link DEFAULT_SEED}. */
export function fuzzSeed(): number {
  return envInt('FUZZ_SEED') ?? DEFAULT_SEED;
}

/** A vitest timeout that grows with the number of inputs (`perInputMs` each, 30 s at least). */
export function fuzzTimeout(runs: number, perInputMs: number): number {
  return Math.max(30_000, Math.ceil(runs * perInputMs * 3));
}

/** fast-check parameters for `runs` inputs with the fuzz seed (no shrinking past 200 steps). */
export function fcParams<T>(runs: number): fc.Parameters<T> {
  return { numRuns: runs, seed: fuzzSeed(), endOnFailure: false, maxSkipsPerRun: 100 };
}

/** Reports a finished property (contract item 2). */
export function reportCount(target: string, inputs: number, ms: number): void {
  console.log(`fuzz ${target}: ${inputs} inputs in ${(ms / 1000).toFixed(1)} s`);
  const file = process.env.FUZZ_REPORT;
  if (file) appendFileSync(file, `${JSON.stringify({ target, inputs, ms })}\n`);
}
