/**
 * Dramatiq's retry backoff (spec §6 step 4), pure, with the random source injected.
 *
 * delay = j when j ≤ M, else floor(M × V), where
 *   M = min(maxBackoff, 604_800_000), base = minBackoff × 2^min(retries, 32),
 *   j = floor(base × U), U uniform in [1, 2), V uniform in [0.5, 1).
 */
import type { Rng } from './random/rng.ts';

/** The largest backoff Dramatiq allows, ms (7 days). */
export const MAX_BACKOFF_CAP_MS = 604_800_000;

/** A computed backoff with the numbers that produced it (the UI explains retries with them). */
export type Backoff = {
  delayMs: number;
  /** minBackoff × 2^min(retries, 32). */
  baseMs: number;
  /** The drawn U in [1, 2). */
  jitter: number;
  /** True when the jittered value exceeded the cap and was redrawn in [M/2, M]. */
  capped: boolean;
  /** The cap M. */
  capMs: number;
};

/**
 * Backoff before retry number `retries + 1`.
 * @param retries retries that happened before this failure (options.retries before incrementing).
 */
export function computeBackoff(
  retries: number,
  minBackoffMs: number,
  maxBackoffMs: number,
  rng: Rng,
): Backoff {
  const capMs = Math.min(maxBackoffMs, MAX_BACKOFF_CAP_MS);
  const baseMs = minBackoffMs * 2 ** Math.min(retries, 32);
  const jitter = rng.uniform(1, 2);
  const j = Math.floor(baseMs * jitter);
  if (j <= capMs) return { delayMs: j, baseMs, jitter, capped: false, capMs };
  return { delayMs: Math.floor(capMs * rng.uniform(0.5, 1)), baseMs, jitter, capped: true, capMs };
}
