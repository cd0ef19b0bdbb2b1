/**
 * Two runs side by side: the figures worth comparing from each run's `stats`.
 */
import type { MethodResult } from '../../../core/host/api/index.ts';

type Stats = MethodResult<'stats'>;

export type CompareRow = {
  label: string;
  a: number;
  b: number;
  unit: 'count' | 'ms' | 'rate' | 'ratio';
};

const sum = (s: Stats, k: 'arrivals' | 'completions' | 'deadLetters' | 'retries') =>
  s.queues.reduce((n, q) => n + q[k], 0);
const worst = (s: Stats, f: (q: Stats['queues'][number]) => number) =>
  s.queues.reduce((m, q) => Math.max(m, f(q)), 0);

/** The comparison table of two runs' stats. */
export function compareStats(a: Stats, b: Stats): CompareRow[] {
  return [
    { label: 'events', a: a.events, b: b.events, unit: 'count' },
    { label: 'run time', a: a.spanMs, b: b.spanMs, unit: 'ms' },
    { label: 'messages', a: sum(a, 'arrivals'), b: sum(b, 'arrivals'), unit: 'count' },
    { label: 'completed', a: sum(a, 'completions'), b: sum(b, 'completions'), unit: 'count' },
    { label: 'retries', a: sum(a, 'retries'), b: sum(b, 'retries'), unit: 'count' },
    { label: 'dead letters', a: sum(a, 'deadLetters'), b: sum(b, 'deadLetters'), unit: 'count' },
    {
      label: 'latency p50',
      a: worst(a, (q) => q.latency.p50),
      b: worst(b, (q) => q.latency.p50),
      unit: 'ms',
    },
    {
      label: 'latency p95',
      a: worst(a, (q) => q.latency.p95),
      b: worst(b, (q) => q.latency.p95),
      unit: 'ms',
    },
    {
      label: 'latency p99',
      a: worst(a, (q) => q.latency.p99),
      b: worst(b, (q) => q.latency.p99),
      unit: 'ms',
    },
    {
      label: 'mean wait',
      a: worst(a, (q) => q.wait.mean),
      b: worst(b, (q) => q.wait.mean),
      unit: 'ms',
    },
    {
      label: 'utilization',
      a: worst(a, (q) => q.utilization),
      b: worst(b, (q) => q.utilization),
      unit: 'ratio',
    },
  ];
}
