/**
 * The profiler's series, folded from journal events (pure, incremental): completions with their
 * latency (first enqueue → success or dead letter), and time series over buckets of run time —
 * throughput, latency percentiles — plus a latency histogram.
 */
import type { JournalEventWire } from '../../../core/host/api/index.ts';

/** What the fold keeps: one number pair per finished message. */
export type ProfileAcc = {
  firstEnqueue: Map<string, number>;
  /** Finish times (ms since start), in journal order. */
  doneT: number[];
  /** Latencies, ms, parallel to doneT. */
  latency: number[];
  /** Starts and failures per event time, for throughput of attempts. */
  failT: number[];
  lastSeq: number;
  lastT: number;
};

export function emptyProfile(): ProfileAcc {
  return { firstEnqueue: new Map(), doneT: [], latency: [], failT: [], lastSeq: 0, lastT: 0 };
}

/** Folds events into `acc` (in place: the accumulator belongs to one view). */
export function foldProfile(acc: ProfileAcc, events: readonly JournalEventWire[]): ProfileAcc {
  for (const e of events) {
    if (e.seq <= acc.lastSeq) continue;
    acc.lastSeq = e.seq;
    acc.lastT = e.t;
    const id = e.messageId;
    if (!id) continue;
    if (e.kind === 'enqueued' && !acc.firstEnqueue.has(id)) acc.firstEnqueue.set(id, e.t);
    else if (e.kind === 'succeeded' || e.kind === 'dead_lettered') {
      const t0 = acc.firstEnqueue.get(id);
      if (t0 !== undefined) {
        acc.doneT.push(e.t);
        acc.latency.push(e.t - t0);
      }
    } else if (e.kind === 'failed') acc.failT.push(e.t);
  }
  return acc;
}

/** The q-quantile of sorted numbers (nearest rank). */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i]!;
}

/** A bucket width (ms) that gives at most `maxBuckets` buckets over `spanMs`, on a 1-2-5 ladder. */
export function bucketWidth(spanMs: number, maxBuckets = 120): number {
  const raw = Math.max(1, spanMs / maxBuckets);
  const exp = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * exp >= raw) return m * exp;
  return 10 * exp;
}

export type Series = {
  /** Bucket starts, seconds of run time (uPlot's x). */
  x: number[];
  throughput: number[];
  failures: number[];
  p50: (number | null)[];
  p95: (number | null)[];
  p99: (number | null)[];
  widthMs: number;
};

/** The time series of a profile up to `untilT`. */
export function toSeries(acc: ProfileAcc, untilT: number): Series {
  const span = Math.max(1, untilT);
  const w = bucketWidth(span);
  const n = Math.floor(span / w) + 1;
  const x = Array.from({ length: n }, (_, i) => (i * w) / 1000);
  const done = new Array<number>(n).fill(0);
  const fails = new Array<number>(n).fill(0);
  const lat: number[][] = Array.from({ length: n }, () => []);
  for (let i = 0; i < acc.doneT.length; i++) {
    const t = acc.doneT[i]!;
    if (t > untilT) continue;
    const b = Math.min(n - 1, Math.floor(t / w));
    done[b]!++;
    lat[b]!.push(acc.latency[i]!);
  }
  for (const t of acc.failT) if (t <= untilT) fails[Math.min(n - 1, Math.floor(t / w))]!++;
  const perS = 1000 / w;
  const pct = (q: number) =>
    lat.map((l) =>
      l.length === 0
        ? null
        : quantile(
            l.sort((a, b) => a - b),
            q,
          ),
    );
  return {
    x,
    throughput: done.map((d) => d * perS),
    failures: fails.map((f) => f * perS),
    p50: pct(0.5),
    p95: pct(0.95),
    p99: pct(0.99),
    widthMs: w,
  };
}

export type Histogram = { edges: number[]; counts: number[] };

/** Latencies up to `untilT` in `bins` equal bins from 0 to the max. */
export function histogram(acc: ProfileAcc, untilT: number, bins = 30): Histogram {
  const values: number[] = [];
  for (let i = 0; i < acc.doneT.length; i++)
    if (acc.doneT[i]! <= untilT) values.push(acc.latency[i]!);
  if (values.length === 0) return { edges: [], counts: [] };
  const max = Math.max(...values.slice(0, 200_000), 1);
  const width = max / bins;
  const counts = new Array<number>(bins).fill(0);
  for (const v of values) counts[Math.min(bins - 1, Math.floor(v / width))]!++;
  return { edges: counts.map((_, i) => i * width), counts };
}

/** The series as CSV (seconds, per-second rates, ms). */
export function seriesCsv(s: Series, depth: Record<string, [number, number][]>): string {
  const queues = Object.keys(depth).sort();
  const depthAt = (q: string, tSec: number): number => {
    const pts = depth[q] ?? [];
    let v = 0;
    for (const [t, len] of pts) {
      if (t / 1000 > tSec) break;
      v = len;
    }
    return v;
  };
  const head = [
    't_s',
    'throughput_per_s',
    'failures_per_s',
    'latency_p50_ms',
    'latency_p95_ms',
    'latency_p99_ms',
    ...queues.map((q) => `depth_${q}`),
  ];
  const rows = s.x.map((t, i) =>
    [
      t,
      s.throughput[i],
      s.failures[i],
      s.p50[i] ?? '',
      s.p95[i] ?? '',
      s.p99[i] ?? '',
      ...queues.map((q) => depthAt(q, t)),
    ].join(','),
  );
  return `${head.join(',')}\n${rows.join('\n')}\n`;
}
