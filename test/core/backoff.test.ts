import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeBackoff, MAX_BACKOFF_CAP_MS, SeededRng } from '../../core/index.ts';

const FC = { seed: 20260101, numRuns: 2000 } as const;

/** Checklist item 9, as a predicate over one computed delay. */
function withinBounds(delay: number, k: number, f: number, maxBackoff: number): boolean {
  const M = Math.min(maxBackoff, MAX_BACKOFF_CAP_MS);
  const base = f * 2 ** Math.min(k, 32);
  const uncapped = delay >= base && delay < 2 * base && delay <= M;
  const capped = delay >= Math.floor(M / 2) && delay <= M;
  return Number.isInteger(delay) && delay <= M && (uncapped || capped);
}

describe('retry backoff (checklist 9)', () => {
  it('keeps every delay within [f·2^k, 2f·2^k) below the cap, else within [floor(M/2), M], for any seed', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.integer({ min: 1, max: 2 * MAX_BACKOFF_CAP_MS }),
        (seed, k, f, maxBackoff) => {
          const { delayMs } = computeBackoff(k, f, maxBackoff, new SeededRng(seed));
          return withinBounds(delayMs, k, f, maxBackoff);
        },
      ),
      FC,
    );
  });

  it('stays within [f·2^k, 2f·2^k) while the jittered value does not exceed the cap', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.integer({ min: 0, max: 10 }),
        fc.integer({ min: 1, max: 10_000 }),
        (seed, k, f) => {
          // A cap of at least 2f·2^k can never be exceeded.
          const b = computeBackoff(k, f, 2 * f * 2 ** k, new SeededRng(seed));
          return !b.capped && b.delayMs >= f * 2 ** k && b.delayMs < 2 * f * 2 ** k;
        },
      ),
      FC,
    );
  });

  it('redraws in [floor(M/2), M] when the jittered value exceeds the cap, which can be below the base (f=10, M=50, k=2)', () => {
    const seen = { capped: 0, uncapped: 0, belowBase: 0 };
    for (let seed = 0; seed < 3000; seed++) {
      const b = computeBackoff(2, 10, 50, new SeededRng(seed));
      expect(b.baseMs).toBe(40);
      expect(b.capMs).toBe(50);
      if (b.capped) {
        expect(b.delayMs).toBeGreaterThanOrEqual(25);
        expect(b.delayMs).toBeLessThanOrEqual(50);
        seen.capped++;
        if (b.delayMs < 40) seen.belowBase++;
      } else {
        expect(b.delayMs).toBeGreaterThanOrEqual(40);
        expect(b.delayMs).toBeLessThanOrEqual(50);
        seen.uncapped++;
      }
    }
    // Jitter 40..79: about 28% stay at or below 50, the rest are redrawn in 25..49.
    expect(seen.uncapped).toBeGreaterThan(600);
    expect(seen.capped).toBeGreaterThan(1800);
    expect(seen.belowBase).toBeGreaterThan(800);
  });

  it('never exceeds 7 days even when max_backoff is larger', () => {
    for (let seed = 0; seed < 500; seed++) {
      const b = computeBackoff(40, 15_000, Number.MAX_SAFE_INTEGER, new SeededRng(seed));
      expect(b.capMs).toBe(604_800_000);
      expect(b.delayMs).toBeGreaterThanOrEqual(302_400_000);
      expect(b.delayMs).toBeLessThanOrEqual(604_800_000);
    }
  });

  it('stops doubling after 32 retries', () => {
    expect(computeBackoff(32, 1, Number.MAX_SAFE_INTEGER, new SeededRng(1)).baseMs).toBe(2 ** 32);
    expect(computeBackoff(50, 1, Number.MAX_SAFE_INTEGER, new SeededRng(1)).baseMs).toBe(2 ** 32);
  });

  it('with the defaults gives 15–30 s, then 30–60 s, 60–120 s, and is always capped from k = 16', () => {
    const bounds = (k: number): [number, number] => {
      const b = computeBackoff(k, 15_000, 604_800_000, new SeededRng(k + 7));
      return [b.delayMs, b.capped ? 1 : 0];
    };
    expect(bounds(0)[0]).toBeGreaterThanOrEqual(15_000);
    expect(bounds(0)[0]).toBeLessThan(30_000);
    expect(bounds(1)[0]).toBeGreaterThanOrEqual(30_000);
    expect(bounds(1)[0]).toBeLessThan(60_000);
    expect(bounds(2)[0]).toBeGreaterThanOrEqual(60_000);
    expect(bounds(2)[0]).toBeLessThan(120_000);
    for (let seed = 0; seed < 200; seed++) {
      const b = computeBackoff(16, 15_000, 604_800_000, new SeededRng(seed));
      expect(b.capped).toBe(true);
      expect(b.delayMs).toBeGreaterThanOrEqual(302_400_000);
    }
  });

  it('is deterministic: the same seed gives the same delay', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.nat(20), (seed, k) => {
        const a = computeBackoff(k, 1000, 1e8, new SeededRng(seed)).delayMs;
        const b = computeBackoff(k, 1000, 1e8, new SeededRng(seed)).delayMs;
        return a === b;
      }),
      { seed: 7, numRuns: 300 },
    );
  });
});
