/**
 * Duration distributions of behaviour models, drawn from the run's seeded `Rng`. Every sample is
 * a non-negative integer number of milliseconds.
 */
import type { Rng } from '../random/rng.ts';
import type { Duration } from './scenario-schema.ts';

/** A standard normal draw (Box–Muller; two uniforms per draw, no caching, so runs replay). */
export function standardNormal(rng: Rng): number {
  const u1 = 1 - rng.next();
  const u2 = rng.next();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/** An exponential draw with the given mean. */
export function exponential(rng: Rng, mean: number): number {
  return -mean * Math.log(1 - rng.next());
}

/** One sample of `d`, ms, rounded to an integer and never negative. */
export function sampleDuration(d: Duration | undefined, rng: Rng): number {
  if (!d) return 0;
  let v: number;
  switch (d.dist) {
    case 'constant':
      v = d.ms;
      break;
    case 'uniform':
      v = rng.uniform(d.min, d.max);
      break;
    case 'exponential':
      v = exponential(rng, d.mean);
      break;
    case 'normal':
      v = d.mean + d.sd * standardNormal(rng);
      break;
    case 'lognormal':
      v = d.median * Math.exp(d.sigma * standardNormal(rng));
      break;
  }
  return Math.max(0, Math.round(v));
}

/** The mean of a distribution, ms (for reports and utilisation). */
export function meanDuration(d: Duration | undefined): number {
  if (!d) return 0;
  switch (d.dist) {
    case 'constant':
      return d.ms;
    case 'uniform':
      return (d.min + d.max) / 2;
    case 'exponential':
      return d.mean;
    case 'normal':
      return d.mean;
    case 'lognormal':
      return d.median * Math.exp((d.sigma * d.sigma) / 2);
  }
}
