/**
 * Rates per queue from flow samples: arrivals and completions per second of run time over the
 * last `windowMs` (or the whole run when it is shorter).
 */
import type { FlowSample, QueueFlow } from '../../store/types.ts';

export type QueueRates = { arrivalsPerS: number; donePerS: number; failuresPerS: number };

const done = (f: QueueFlow | undefined): number => (f ? f.succeeded + f.dead : 0);

/** Rates of `queue` (zeros until two samples span some time). */
export function queueRates(
  samples: readonly FlowSample[],
  queue: string,
  windowMs = 10_000,
): QueueRates {
  const last = samples[samples.length - 1];
  if (!last) return { arrivalsPerS: 0, donePerS: 0, failuresPerS: 0 };
  let first: FlowSample | undefined;
  for (const s of samples) {
    if (s.t >= last.t - windowMs) {
      first = s;
      break;
    }
  }
  const base = first && first !== last ? first : undefined;
  const span = base ? last.t - base.t : last.t;
  if (span <= 0) return { arrivalsPerS: 0, donePerS: 0, failuresPerS: 0 };
  const a = last.flow[queue];
  const b = base?.flow[queue];
  return {
    arrivalsPerS: (((a?.arrived ?? 0) - (b?.arrived ?? 0)) * 1000) / span,
    donePerS: ((done(a) - done(b)) * 1000) / span,
    failuresPerS: (((a?.failed ?? 0) - (b?.failed ?? 0)) * 1000) / span,
  };
}
