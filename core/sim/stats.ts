/**
 * Queueing statistics of a run, computed from its journal alone (one pass).
 *
 * Definitions (all times ms since the start of the run):
 * - arrival: a message enqueued by a send or an arrival process (`reason` send/arrival/...; retries
 *   are not arrivals). Arrival rate λ = arrivals / observed span.
 * - wait (queueing delay) of an attempt: its `started` time minus the time it became ready (its
 *   enqueue time plus its delay). Reported per first attempt and over all attempts.
 * - latency of a message: its final ack or dead letter minus its first enqueue.
 * - L (time-average number waiting) is integrated from the ready/started steps; Little's law
 *   says L = λ·W, both sides are reported.
 * - utilisation: busy slot-time / (slots × span), where slots are the worker threads given, or
 *   the most slots seen busy at once.
 */
import type { JournalEvent } from '../journal/journal-event.ts';

/** Percentiles of a sample. */
export type Summary = {
  count: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
};

/** Statistics of one queue or actor. */
export type GroupStats = {
  name: string;
  arrivals: number;
  completions: number;
  deadLetters: number;
  retries: number;
  /** Arrivals per second over the run's span. */
  arrivalRate: number;
  /** Completions per second. */
  throughput: number;
  /** First-attempt wait. */
  wait: Summary;
  /** Wait of every attempt, retries included. */
  waitAllAttempts: Summary;
  /** Service time of every attempt. */
  service: Summary;
  latency: Summary;
  /** Time-average number of messages waiting (ready, not started). */
  meanQueueLength: number;
  /** Little's law: λ·W with W the mean wait over all attempts and λ the attempt arrival rate. */
  littleLambdaW: number;
  utilization: number;
};

/** A run's report. */
export type RunStats = {
  spanMs: number;
  events: number;
  slots: number;
  queues: GroupStats[];
  actors: GroupStats[];
  /** Latency of every finished message, all queues together. */
  latency: Summary;
  /** Queue length over time: [t, waiting] steps (downsampled to at most 500 points per queue). */
  queueLength: Record<string, [number, number][]>;
};

/** Percentile summary of values (nearest-rank). */
export function summarize(values: number[]): Summary {
  if (values.length === 0) return { count: 0, mean: 0, p50: 0, p95: 0, p99: 0, max: 0 };
  const v = Float64Array.from(values).sort();
  const rank = (p: number): number =>
    v[Math.min(v.length - 1, Math.max(0, Math.ceil(p * v.length) - 1))]!;
  let sum = 0;
  for (const x of v) sum += x;
  return {
    count: v.length,
    mean: sum / v.length,
    p50: rank(0.5),
    p95: rank(0.95),
    p99: rank(0.99),
    max: v[v.length - 1]!,
  };
}

type Acc = {
  arrivals: number;
  completions: number;
  dead: number;
  retries: number;
  attemptArrivals: number;
  wait: number[];
  waitAll: number[];
  service: number[];
  latency: number[];
  busy: number;
  steps: [number, number][];
};

const newAcc = (): Acc => ({
  arrivals: 0,
  completions: 0,
  dead: 0,
  retries: 0,
  attemptArrivals: 0,
  wait: [],
  waitAll: [],
  service: [],
  latency: [],
  busy: 0,
  steps: [],
});

type Live = {
  actor: string;
  queue: string;
  firstT: number;
  readyT: number;
  startT: number | null;
  attempts: number;
  /** In its queue since `readyT`, not started yet (counted in L until it starts or leaves). */
  waiting: boolean;
};

/**
 * A message that leaves its queue without starting (dead-lettered at claim: an unknown actor, an
 * age limit; purged): its wait ends there, on both sides of Little's law.
 */
function leaveQueue(l: Live, t: number, q: Acc, a: Acc): void {
  if (!l.waiting) return;
  l.waiting = false;
  const end = Math.max(t, l.readyT);
  for (const x of [q, a]) {
    x.steps.push([end, -1]);
    x.waitAll.push(end - l.readyT);
  }
}

/** Computes the statistics of a journal (see the module doc). */
export function computeStats(
  events: Iterable<JournalEvent>,
  opts: { slots?: number } = {},
): RunStats {
  const queues = new Map<string, Acc>();
  const actors = new Map<string, Acc>();
  const live = new Map<string, Live>();
  const allLatency: number[] = [];
  let firstT = Infinity;
  let lastT = 0;
  let count = 0;
  let busyNow = 0;
  let busyPeak = 0;
  const accs = (l: { actor: string; queue: string }): [Acc, Acc] => {
    let q = queues.get(l.queue);
    if (!q) queues.set(l.queue, (q = newAcc()));
    let a = actors.get(l.actor);
    if (!a) actors.set(l.actor, (a = newAcc()));
    return [q, a];
  };
  for (const e of events) {
    count++;
    if (e.t < firstT) firstT = e.t;
    if (e.t > lastT) lastT = e.t;
    const id = e.messageId;
    if (!id || !e.actor || !e.queue) continue;
    switch (e.kind) {
      case 'enqueued': {
        const prev = live.get(id);
        const readyT = e.t + (e.delay ?? 0);
        const l: Live = {
          actor: e.actor,
          queue: e.queue,
          firstT: prev?.firstT ?? e.t,
          readyT,
          startT: null,
          attempts: prev?.attempts ?? 0,
          waiting: true,
        };
        live.set(id, l);
        const [q, a] = accs(l);
        for (const x of [q, a]) {
          if (e.reason === 'retry') x.retries++;
          else if (e.reason !== 'requeue') x.arrivals++;
          x.attemptArrivals++;
        }
        q.steps.push([readyT, 1]);
        a.steps.push([readyT, 1]);
        break;
      }
      case 'requeued': {
        const l = live.get(id);
        if (!l) break;
        const [q, a] = accs(l);
        if (l.startT !== null) {
          busyNow--;
          for (const x of [q, a]) x.busy += e.t - l.startT;
        }
        l.readyT = e.t;
        l.startT = null;
        l.waiting = true;
        q.steps.push([e.t, 1]);
        a.steps.push([e.t, 1]);
        break;
      }
      case 'started': {
        const l = live.get(id);
        if (!l) break;
        const [q, a] = accs(l);
        const w = Math.max(0, e.t - l.readyT);
        for (const x of [q, a]) {
          x.waitAll.push(w);
          if (l.attempts === 0) x.wait.push(w);
        }
        l.attempts++;
        l.startT = e.t;
        l.waiting = false;
        q.steps.push([e.t, -1]);
        a.steps.push([e.t, -1]);
        busyNow++;
        if (busyNow > busyPeak) busyPeak = busyNow;
        break;
      }
      case 'succeeded':
      case 'failed':
      case 'skipped': {
        const l = live.get(id);
        if (!l || l.startT === null) break;
        const [q, a] = accs(l);
        for (const x of [q, a]) {
          x.service.push(e.t - l.startT);
          x.busy += e.t - l.startT;
        }
        l.startT = null;
        busyNow--;
        break;
      }
      case 'acked':
      case 'dead_lettered': {
        const l = live.get(id);
        if (!l) break;
        // An ack right after a retry enqueue belongs to the old delivery: the message lives on.
        if (e.kind === 'acked' && l.readyT > e.t) break;
        if (e.kind === 'acked' && l.startT === null && l.attempts === 0) break;
        const [q, a] = accs(l);
        leaveQueue(l, e.t, q, a);
        for (const x of [q, a]) {
          if (e.kind === 'acked') x.completions++;
          else x.dead++;
          x.latency.push(e.t - l.firstT);
        }
        allLatency.push(e.t - l.firstT);
        live.delete(id);
        break;
      }
      case 'purged': {
        const l = live.get(id);
        if (!l) break;
        const [q, a] = accs(l);
        leaveQueue(l, e.t, q, a);
        live.delete(id);
        break;
      }
      default:
        break;
    }
  }
  const span = Number.isFinite(firstT) ? Math.max(1, lastT - firstT) : 1;
  const slots = opts.slots ?? Math.max(1, busyPeak);
  const finish = (name: string, x: Acc): GroupStats => {
    const mean = integrate(x.steps, firstT, lastT);
    const waitAll = summarize(x.waitAll);
    return {
      name,
      arrivals: x.arrivals,
      completions: x.completions,
      deadLetters: x.dead,
      retries: x.retries,
      arrivalRate: (x.arrivals / span) * 1000,
      throughput: (x.completions / span) * 1000,
      wait: summarize(x.wait),
      waitAllAttempts: waitAll,
      service: summarize(x.service),
      latency: summarize(x.latency),
      meanQueueLength: mean,
      littleLambdaW: (x.attemptArrivals / span) * waitAll.mean,
      utilization: x.busy / (slots * span),
    };
  };
  const queueLength: Record<string, [number, number][]> = {};
  for (const [name, x] of queues) queueLength[name] = series(x.steps, 500);
  return {
    spanMs: span,
    events: count,
    slots,
    queues: [...queues].map(([n, x]) => finish(n, x)).sort((a, b) => a.name.localeCompare(b.name)),
    actors: [...actors].map(([n, x]) => finish(n, x)).sort((a, b) => a.name.localeCompare(b.name)),
    latency: summarize(allLatency),
    queueLength,
  };
}

/** Time-average of the running sum of `steps` over [from, to]. */
function integrate(steps: [number, number][], from: number, to: number): number {
  if (steps.length === 0 || to <= from) return 0;
  const s = [...steps].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let level = 0;
  let area = 0;
  let prev = from;
  for (const [t, d] of s) {
    const tt = Math.min(Math.max(t, from), to);
    area += level * (tt - prev);
    prev = tt;
    level += d;
  }
  area += level * (to - prev);
  return area / (to - from);
}

/** The running sum of `steps` as [t, level] points, at most `max` of them. */
function series(steps: [number, number][], max: number): [number, number][] {
  const s = [...steps].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const out: [number, number][] = [];
  let level = 0;
  for (const [t, d] of s) {
    level += d;
    if (out.length > 0 && out[out.length - 1]![0] === t) out[out.length - 1]![1] = level;
    else out.push([t, level]);
  }
  if (out.length <= max) return out;
  const stride = out.length / max;
  return Array.from({ length: max }, (_, i) => out[Math.floor(i * stride)]!);
}

/** Erlang C: the mean wait in queue of an M/M/c system, ms (λ per second, service mean in ms). */
export function erlangCMeanWait(lambdaPerS: number, serviceMeanMs: number, c: number): number {
  const mu = 1000 / serviceMeanMs;
  const a = lambdaPerS / mu;
  const rho = a / c;
  if (rho >= 1) return Infinity;
  let sum = 0;
  let term = 1;
  for (let k = 0; k < c; k++) {
    if (k > 0) term *= a / k;
    sum += term;
  }
  const last = (term * a) / c / (1 - rho);
  const pWait = last / (sum + last);
  return (pWait / (c * mu - lambdaPerS)) * 1000;
}

/** A plain-text report (the `--report` output). */
export function formatReport(s: RunStats): string {
  const f = (x: number, d = 1): string => (Number.isFinite(x) ? x.toFixed(d) : '∞');
  const trio = (x: Summary): string => [x.p50, x.p95, x.p99].map((v) => f(v, 0)).join('/');
  const lines: string[] = [
    `span ${f(s.spanMs / 1000, 2)} s, ${s.events} events, ${s.slots} worker slots`,
  ];
  for (const [title, groups] of [
    ['queue', s.queues],
    ['actor', s.actors],
  ] as const) {
    const rows = [
      [
        title,
        'arrivals',
        'done',
        'dead',
        'retries',
        'λ/s',
        'util',
        'wait p50/p95/p99 ms',
        'latency p50/p95/p99 ms',
        'L',
        'λW',
      ],
      ...groups.map((g) => [
        g.name,
        String(g.arrivals),
        String(g.completions),
        String(g.deadLetters),
        String(g.retries),
        f(g.arrivalRate),
        `${f(g.utilization * 100, 0)}%`,
        trio(g.wait),
        trio(g.latency),
        f(g.meanQueueLength, 3),
        f(g.littleLambdaW, 3),
      ]),
    ];
    const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
    lines.push('');
    for (const r of rows)
      lines.push(
        r
          .map((cell, c) =>
            c === 0 || c === 7 || c === 8 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!),
          )
          .join('  ')
          .trimEnd(),
      );
  }
  lines.push('');
  lines.push(
    "Little's law: L (time-average waiting) should equal λ·W (attempt arrival rate × mean wait).",
  );
  return lines.join('\n');
}
