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
  /** Whether more is better (completions) rather than worse (dead letters, latency). */
  higherIsBetter?: boolean;
  /** Neither more nor less is better (events, messages): no colour. */
  neutral?: boolean;
};

const sum = (s: Stats, k: 'arrivals' | 'completions' | 'deadLetters' | 'retries') =>
  s.queues.reduce((n, q) => n + q[k], 0);
const worst = (s: Stats, f: (q: Stats['queues'][number]) => number) =>
  s.queues.reduce((m, q) => Math.max(m, f(q)), 0);

/** The class of the second run's cell: better in green, worse in red, neutral rows plain. */
export function changeClass(r: CompareRow): string {
  if (r.neutral || r.a === r.b) return '';
  const better = r.higherIsBetter ? r.b > r.a : r.b < r.a;
  return better ? ' num--down' : ' num--up';
}

/** The comparison table of two runs' stats. */
export function compareStats(a: Stats, b: Stats): CompareRow[] {
  return [
    { label: 'events', a: a.events, b: b.events, unit: 'count', neutral: true },
    { label: 'run time', a: a.spanMs, b: b.spanMs, unit: 'ms', neutral: true },
    {
      label: 'messages',
      a: sum(a, 'arrivals'),
      b: sum(b, 'arrivals'),
      unit: 'count',
      neutral: true,
    },
    {
      label: 'completed',
      a: sum(a, 'completions'),
      b: sum(b, 'completions'),
      unit: 'count',
      higherIsBetter: true,
    },
    { label: 'retries', a: sum(a, 'retries'), b: sum(b, 'retries'), unit: 'count' },
    // Dead-letter events: a message requeued and dead again counts each time.
    {
      label: 'times dead-lettered',
      a: sum(a, 'deadLetters'),
      b: sum(b, 'deadLetters'),
      unit: 'count',
    },
    {
      label: 'latency p50',
      a: a.latency.p50,
      b: b.latency.p50,
      unit: 'ms',
    },
    {
      label: 'latency p95',
      a: a.latency.p95,
      b: b.latency.p95,
      unit: 'ms',
    },
    {
      label: 'latency p99',
      a: a.latency.p99,
      b: b.latency.p99,
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
