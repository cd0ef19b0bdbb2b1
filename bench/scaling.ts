/**
 * `--only scaling`: how the figures grow with processes, threads and size (issue 7).
 *
 * 1. End-to-end throughput of the no-op actor at 1, 2 and 4 processes × 1, 8 and 32 threads: N
 *    messages prefilled (untimed), then every process (bench/scaling-worker.ts, each its own
 *    `Worker` on the same file) is started, told to go at once, and the time runs until the last
 *    one has seen nothing pending. Child boot is not timed.
 * 2. Simulation time of a scenario (one actor of 2 ms constant duration, uniform arrivals at
 *    2,000/s, 16 threads, virtual clock) at 10 k, 100 k and 1 M messages (`--quick` stops at 100 k).
 * 3. `stateAt` p50 / p95 on journals of 10 k, 100 k and 1 M events (bench/time-travel.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { actor, parseScenario, RealClock, runScenario, SqliteBroker } from '../core/index.ts';
import { ACTOR, nowMs, QUEUE, round, stopwatch, withTempDir } from './lib.ts';
import { stateAtBench } from './time-travel.ts';

const WORKER = fileURLToPath(new URL('./scaling-worker.ts', import.meta.url));

export type ScalingE2eRow = {
  processes: number;
  threads: number;
  messages: number;
  msgs_per_s: number | null;
  seconds: number | null;
  cpu_seconds: number | null;
  note?: string;
};

export type ScalingSimRow = {
  messages: number;
  seconds: number | null;
  events: number | null;
  us_per_message: number | null;
  note?: string;
};

export type ScalingStateAtRow = {
  events: number;
  p50_ms: number | null;
  p95_ms: number | null;
  build_checkpoints_s: number | null;
  note?: string;
};

export type Scaling = {
  e2e: ScalingE2eRow[];
  simulation: ScalingSimRow[];
  state_at: ScalingStateAtRow[];
};

type Child = { proc: ChildProcess; ready: Promise<void>; done: Promise<number> };

function startChild(file: string, threads: number, index: number): Child {
  const proc = spawn(
    process.execPath,
    ['--import', 'tsx', WORKER, file, String(threads), String(index)],
    {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  );
  let ready: () => void = () => undefined;
  let done: (cpu: number) => void = () => undefined;
  let fail: (err: Error) => void = () => undefined;
  const readyP = new Promise<void>((resolve, reject) => {
    ready = resolve;
    fail = reject;
  });
  const doneP = new Promise<number>((resolve, reject) => {
    done = resolve;
    proc.once('exit', (code) => {
      const err = new Error(
        `worker process ${index} exited with ${String(code)} before it was done`,
      );
      fail(err);
      reject(err);
    });
  });
  doneP.catch(() => undefined);
  readyP.catch(() => undefined);
  proc.on('message', (m: { type?: string; cpuSeconds?: number }) => {
    if (m.type === 'ready') ready();
    if (m.type === 'done') done(m.cpuSeconds ?? 0);
  });
  return { proc, ready: readyP, done: doneP };
}

/** One cell of the e2e table. */
export async function e2eCell(
  dir: string,
  n: number,
  processes: number,
  threads: number,
): Promise<ScalingE2eRow> {
  const file = join(dir, `scaling-${processes}x${threads}.db`);
  const broker = new SqliteBroker({ file, clock: new RealClock() });
  const noop = actor((_i: number) => undefined, { actorName: ACTOR, queueName: QUEUE, broker });
  for (let i = 0; i < n; i += 1000) {
    broker.batch(() => {
      for (let j = i; j < Math.min(n, i + 1000); j++) noop.send(j);
    });
  }
  broker.close();
  const children = Array.from({ length: processes }, (_, i) => startChild(file, threads, i));
  const onSignal = (): void => {
    for (const c of children) c.proc.kill('SIGKILL');
  };
  process.once('exit', onSignal);
  try {
    await Promise.all(children.map((c) => c.ready));
    const stop = stopwatch();
    for (const c of children) c.proc.send({ type: 'go' });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('timed out after 300 s')), 300_000);
    });
    const cpu = await Promise.race([Promise.all(children.map((c) => c.done)), timeout]);
    clearTimeout(timer);
    const t = stop();
    return {
      processes,
      threads,
      messages: n,
      msgs_per_s: round(n / t.seconds),
      seconds: round(t.seconds, 4),
      cpu_seconds: round(
        cpu.reduce((a, b) => a + b, 0),
        4,
      ),
    };
  } finally {
    process.off('exit', onSignal);
    for (const c of children) if (c.proc.exitCode === null) c.proc.kill('SIGKILL');
  }
}

/** One simulation of `n` messages; returns wall seconds and journal events. */
async function simulate(dir: string, n: number): Promise<{ seconds: number; events: number }> {
  const scenario = parseScenario({
    rehearsal: 1,
    seed: 7,
    workers: [{ threads: 16 }],
    actors: [{ name: 'work', behavior: { duration: { dist: 'constant', ms: 2 } } }],
    arrivals: [{ actor: 'work', process: 'uniform', rate: 2000, count: n }],
  });
  const t0 = nowMs();
  const r = await runScenario(scenario, { db: join(dir, `sim-${n}.db`) });
  return { seconds: (nowMs() - t0) / 1000, events: r.events };
}

/** The three tables; `log` prints a line as each cell finishes. */
export async function scalingBench(opts: {
  n: number;
  quick: boolean;
  log: (line: string) => void;
}): Promise<Scaling> {
  const out: Scaling = { e2e: [], simulation: [], state_at: [] };
  for (const processes of [1, 2, 4]) {
    for (const threads of [1, 8, 32]) {
      let row: ScalingE2eRow;
      try {
        row = await withTempDir((dir) => e2eCell(dir, opts.n, processes, threads));
      } catch (err) {
        row = {
          processes,
          threads,
          messages: opts.n,
          msgs_per_s: null,
          seconds: null,
          cpu_seconds: null,
          note: `failed: ${err instanceof Error ? err.message : String(err)}`,
        };
      }
      out.e2e.push(row);
      opts.log(
        `    e2e ${processes} process${processes === 1 ? '' : 'es'} × ${threads} thread${threads === 1 ? '' : 's'}: ${row.msgs_per_s === null ? row.note : `${Math.round(row.msgs_per_s).toLocaleString('en-US')} msg/s`}`,
      );
    }
  }
  for (const n of [10_000, 100_000, 1_000_000]) {
    if (opts.quick && n > 100_000) {
      out.simulation.push({
        messages: n,
        seconds: null,
        events: null,
        us_per_message: null,
        note: 'not run: --quick stops at 100,000',
      });
      opts.log(`    simulation ${n.toLocaleString('en-US')} messages: not run (--quick)`);
      continue;
    }
    try {
      const r = await withTempDir((dir) => simulate(dir, n));
      out.simulation.push({
        messages: n,
        seconds: round(r.seconds, 4),
        events: r.events,
        us_per_message: round((r.seconds * 1e6) / n),
      });
      opts.log(`    simulation ${n.toLocaleString('en-US')} messages: ${r.seconds.toFixed(1)} s`);
    } catch (err) {
      const note = `failed: ${err instanceof Error ? err.message : String(err)}`;
      out.simulation.push({ messages: n, seconds: null, events: null, us_per_message: null, note });
      opts.log(`    simulation ${n.toLocaleString('en-US')} messages: ${note}`);
    }
  }
  for (const events of [10_000, 100_000, 1_000_000]) {
    if (opts.quick && events > 100_000) {
      out.state_at.push({
        events,
        p50_ms: null,
        p95_ms: null,
        build_checkpoints_s: null,
        note: 'not run: --quick stops at 100,000',
      });
      opts.log(`    stateAt ${events.toLocaleString('en-US')} events: not run (--quick)`);
      continue;
    }
    try {
      const r = await withTempDir((dir) => stateAtBench(dir, events));
      out.state_at.push({
        events: r.events,
        p50_ms: r.p50_ms,
        p95_ms: r.p95_ms,
        build_checkpoints_s: r.build_checkpoints_s,
      });
      opts.log(`    stateAt ${events.toLocaleString('en-US')} events: p95 ${r.p95_ms} ms`);
    } catch (err) {
      const note = `failed: ${err instanceof Error ? err.message : String(err)}`;
      out.state_at.push({ events, p50_ms: null, p95_ms: null, build_checkpoints_s: null, note });
      opts.log(`    stateAt ${events.toLocaleString('en-US')} events: ${note}`);
    }
  }
  return out;
}

/** The tables as text. */
export function formatScaling(s: Scaling): string {
  const threads = [1, 8, 32];
  const cell = (p: number, t: number): string => {
    const r = s.e2e.find((x) => x.processes === p && x.threads === t);
    return r?.msgs_per_s === null || r?.msgs_per_s === undefined
      ? 'n/a'
      : Math.round(r.msgs_per_s).toLocaleString('en-US');
  };
  const n = s.e2e[0]?.messages ?? 0;
  const rows = [
    [
      `e2e msg/s (N=${n.toLocaleString('en-US')})`,
      ...threads.map((t) => `${t} thread${t === 1 ? '' : 's'}`),
    ],
    ...[1, 2, 4].map((p) => [
      `${p} process${p === 1 ? '' : 'es'}`,
      ...threads.map((t) => cell(p, t)),
    ]),
  ];
  const sim = [
    ['simulation', 'seconds', 'µs/msg', 'events', ''],
    ...s.simulation.map((r) => [
      `${r.messages.toLocaleString('en-US')} messages`,
      r.seconds === null ? 'n/a' : r.seconds.toFixed(2),
      r.us_per_message === null ? '' : Math.round(r.us_per_message).toLocaleString('en-US'),
      r.events === null ? '' : r.events.toLocaleString('en-US'),
      r.note ?? '',
    ]),
  ];
  const tt = [
    ['stateAt', 'p50 ms', 'p95 ms', 'checkpoints s', ''],
    ...s.state_at.map((r) => [
      `${r.events.toLocaleString('en-US')} events`,
      r.p50_ms === null ? 'n/a' : String(r.p50_ms),
      r.p95_ms === null ? '' : String(r.p95_ms),
      r.build_checkpoints_s === null ? '' : String(r.build_checkpoints_s),
      r.note ?? '',
    ]),
  ];
  return [align(rows), align(sim), align(tt)].join('\n\n');
}

/** Columns: the first left-aligned, numbers right-aligned, a trailing note column as is. */
function align(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  const last = rows[0]!.length - 1;
  return rows
    .map((r) =>
      r
        .map((cell, c) =>
          c === 0
            ? cell.padEnd(widths[c]!)
            : c === last && rows[0]![last] === ''
              ? cell
              : cell.padStart(widths[c]!),
        )
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
