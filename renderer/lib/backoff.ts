/**
 * Explaining a retry delay with Dramatiq's formula (core/backoff.ts):
 *
 *   delay = floor(min_backoff × 2^retries × U), U the jitter drawn in [1, 2),
 *   unless that exceeds the cap M = min(max_backoff, 7 days): then delay is drawn in [M/2, M).
 *
 * The journal records the delay and the retry count; min_backoff comes from the message's
 * options when it was sent with one, else from the actor's effective options (the engine's
 * `actors` query, `retryOptionsFor`). Only when neither is known (an engine that cannot say) is
 * it inferred: the round value consistent with every retry of the message (each retry r with
 * delay d bounds it to (d / 2^(r+1), d / 2^r]). Inferred values say so.
 */

/** Dramatiq's defaults, ms. */
export const DEFAULT_MIN_BACKOFF_MS = 15_000;
export const DEFAULT_MAX_BACKOFF_MS = 604_800_000;

/** One retry as the journal tells it. */
export type RetryFact = {
  /** Retries before this failure (0 for the first retry). */
  retries: number;
  delayMs: number;
};

/** How a delay came about. */
export type BackoffExplanation = {
  minBackoffMs: number;
  /** True when min_backoff was not in the message's options and was inferred. */
  inferred: boolean;
  retries: number;
  /** min_backoff × 2^retries. */
  baseMs: number;
  /** delay / base, in [1, 2) unless capped. */
  jitter: number;
  /** The delay was drawn under the cap, not from the formula. */
  capped: boolean;
  delayMs: number;
};

const NICE = [1, 1.5, 2, 2.5, 3, 5, 7.5];

/** Round candidates for min_backoff, largest first (1 ms … 1 day). */
function niceCandidates(): number[] {
  const out: number[] = [];
  for (let exp = 0; exp <= 7; exp++) for (const n of NICE) out.push(n * 10 ** exp);
  return out.filter((x) => x <= 86_400_000).sort((a, b) => b - a);
}

/**
 * The min_backoff that explains every retry (see the module comment): the default when it fits,
 * else the largest round value that fits, else the middle of the bounds.
 */
export function inferMinBackoff(
  facts: readonly RetryFact[],
  maxBackoffMs = DEFAULT_MAX_BACKOFF_MS,
): number {
  let lo = 0;
  let hi = Infinity;
  for (const f of facts) {
    const cap = Math.min(maxBackoffMs, DEFAULT_MAX_BACKOFF_MS);
    if (f.delayMs >= cap / 2 && f.delayMs <= cap) continue; // may be capped: no bound
    const p = 2 ** Math.min(f.retries, 32);
    lo = Math.max(lo, f.delayMs / (2 * p));
    hi = Math.min(hi, (f.delayMs + 1) / p);
  }
  if (!Number.isFinite(hi)) return DEFAULT_MIN_BACKOFF_MS;
  const fits = (x: number): boolean => x > lo && x <= hi;
  if (fits(DEFAULT_MIN_BACKOFF_MS)) return DEFAULT_MIN_BACKOFF_MS;
  const nice = niceCandidates().find(fits);
  return nice ?? Math.round((lo + hi) / 2);
}

/** Explains one retry's delay. */
export function explainBackoff(
  fact: RetryFact,
  opts: {
    minBackoffMs?: number | undefined;
    maxBackoffMs?: number | undefined;
    siblings?: readonly RetryFact[];
  },
): BackoffExplanation {
  const inferred = opts.minBackoffMs === undefined;
  const maxB = opts.maxBackoffMs ?? DEFAULT_MAX_BACKOFF_MS;
  const minB = opts.minBackoffMs ?? inferMinBackoff(opts.siblings ?? [fact], maxB);
  const baseMs = minB * 2 ** Math.min(fact.retries, 32);
  const jitter = fact.delayMs / baseMs;
  // floor() can put the delay a hair under base × 1.
  const capped = !(jitter >= 0.999 && jitter < 2);
  return {
    minBackoffMs: minB,
    inferred,
    retries: fact.retries,
    baseMs,
    jitter,
    capped,
    delayMs: fact.delayMs,
  };
}
