/**
 * `npm run bench`: throughput of the engine next to the physical limit of bare SQLite, measured in
 * one run on one machine. Prints a table and writes the same figures to bench/results/latest.json.
 *
 * Flags:
 *   --quick            smaller N everywhere (a smoke run, noisier figures)
 *   --only a,b         run only these sections (see SECTIONS below; `-` and `_` are equivalent);
 *                      `state_at` and `scaling` are steps of their own, and `scaling` (minutes of
 *                      work: bench/scaling.ts) runs only when named here; so do `erlang`
 *                      (1 M arrivals against Erlang C: bench/erlang.ts) and the app's
 *                      `store_apply` (bench/store-apply.ts) and `first_paint` (bench/first-paint.ts)
 *   --n 20000          override N for every section that runs
 *   --e2e-wait poll    how e2e notices the end: `poll` hasPending() (default) or `join`
 *   --out file.json    write the JSON elsewhere (default bench/results/latest.json)
 *
 * Never a test: a section that fails reports null with a `<key>_note`, and the process exits 0.
 * See bench/README.md for what each figure means.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { arch, cpus, loadavg, platform, totalmem } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { engineE2e, engineEnqueueBatched, engineEnqueueSingle, type E2eWait } from './engine.ts';
import { engineE2eMiddleware, engineGroup100, enginePipeline3 } from './composition.ts';
import { bullmqE2e, redisMissing } from './bullmq.ts';
import { erlangBench } from './erlang.ts';
import { simBench } from './sim-1m.ts';
import { formatScaling, scalingBench, type Scaling } from './scaling.ts';
import { stateAtBench } from './time-travel.ts';
import { storeApplyBench } from './store-apply.ts';
import { chromiumMissing, firstPaintBench } from './first-paint.ts';
import { peakRssMb, round, rssMb, withTempDir, type Timed } from './lib.ts';
import { rawClaimAck, rawInsertBatched, sqliteVersion } from './raw.ts';

const HERE = dirname(fileURLToPath(import.meta.url));

type Ctx = { e2eWait: E2eWait };

type Section = {
  name: string;
  /** The figure this section produces (messages/s). */
  key: string;
  label: string;
  run: (dir: string, n: number, ctx: Ctx) => Promise<Timed & { extra?: Record<string, unknown> }>;
  /** Why the section cannot run on this machine (its `_note`), or null when it can. */
  skip?: () => string | null;
};

/**
 * Every section moves the same N messages per repetition, so that the two sides of each ratio see
 * the same table size (throughput falls as the table and its random-UUID index outgrow SQLite's
 * page cache, so N matters). A section repeats on fresh files until it has run `minReps` times
 * and `minSeconds` in total (at most `maxReps`); its figure is the median rate. An untimed
 * warm-up of `warmup` messages comes first (JIT, page cache).
 */
const PLAN = {
  full: { n: 20_000, minReps: 3, minSeconds: 3, maxReps: 25, warmup: 2_000 },
  quick: { n: 5_000, minReps: 1, minSeconds: 0.5, maxReps: 5, warmup: 500 },
};

const SECTIONS: Section[] = [
  {
    name: 'raw_claim_ack',
    key: 'raw_sqlite_claim_ack_per_s',
    label: 'raw SQLite claim+ack, 100/tx',
    run: async (dir, n) => rawClaimAck(dir, n, 100),
  },
  {
    name: 'raw_claim_ack_single',
    key: 'raw_sqlite_claim_ack_single_per_s',
    label: 'raw SQLite claim+ack, 1/tx',
    run: async (dir, n) => rawClaimAck(dir, n, 1),
  },
  {
    name: 'raw_insert',
    key: 'raw_sqlite_insert_batched_per_s',
    label: 'raw SQLite insert, 1000/tx',
    run: async (dir, n) => rawInsertBatched(dir, n),
  },
  {
    name: 'enqueue_single',
    key: 'engine_enqueue_single_per_s',
    label: 'engine actor.send(), 1/tx',
    run: async (dir, n) => engineEnqueueSingle(dir, n),
  },
  {
    name: 'enqueue_batched',
    key: 'engine_enqueue_batched_per_s',
    label: 'engine actor.send(), batch 1000',
    run: async (dir, n) => engineEnqueueBatched(dir, n),
  },
  {
    name: 'e2e',
    key: 'engine_e2e_msgs_per_s',
    label: 'engine e2e, Worker 8 threads',
    run: async (dir, n, ctx) => {
      const r = await engineE2e(dir, n, { wait: ctx.e2eWait, pollMs: 2, timeoutMs: 180_000 });
      if (r.timedOut) throw new Error(`timed out after 180 s with ${r.pendingAfter} still pending`);
      return {
        messages: r.messages,
        seconds: r.seconds,
        cpuSeconds: r.cpuSeconds,
        extra: {
          pending_after: r.pendingAfter,
          journal_rows_per_message: round(r.journalRows / n),
          wait: ctx.e2eWait,
        },
      };
    },
  },
  {
    name: 'pipeline3',
    key: 'engine_pipeline3_msgs_per_s',
    label: 'engine 3-step pipelines, e2e',
    run: async (dir, n) => enginePipeline3(dir, n),
  },
  {
    name: 'group100',
    key: 'engine_group100_msgs_per_s',
    label: 'engine 100-child groups, e2e',
    run: async (dir, n) => engineGroup100(dir, n),
  },
  {
    name: 'e2e_full_stack',
    key: 'engine_e2e_full_middleware_per_s',
    label: 'engine e2e, default middleware',
    run: async (dir, n) => engineE2eMiddleware(dir, n, false),
  },
  {
    name: 'e2e_no_middleware',
    key: 'engine_e2e_no_middleware_per_s',
    label: 'engine e2e, no middleware',
    run: async (dir, n) => engineE2eMiddleware(dir, n, true),
  },
  {
    // The yardstick: the e2e section's measurement on BullMQ over a local redis-server.
    name: 'bullmq',
    key: 'bullmq_e2e_jobs_per_s',
    label: 'BullMQ e2e, concurrency 8',
    skip: redisMissing,
    run: async (dir, n) => {
      const r = await bullmqE2e(dir, n);
      return {
        messages: r.messages,
        seconds: r.seconds,
        cpuSeconds: r.cpuSeconds,
        extra: {
          redis_version: r.redisVersion,
          concurrency: 8,
          cpu_note: 'CPU of this process only; redis-server runs in its own process',
        },
      };
    },
  },
];

type Figures = Record<string, number | string | null>;

type SectionDetail = {
  label: string;
  messages: number | null;
  seconds: number | null;
  rss_mb_end: number;
  peak_rss_mb_so_far: number;
  [k: string]: unknown;
};

function parseFlags() {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      n: { type: 'string' },
      'e2e-wait': { type: 'string', default: 'poll' },
      out: { type: 'string' },
    },
    allowPositionals: false,
  });
  const names = [
    ...SECTIONS.map((s) => s.name),
    'state_at',
    'scaling',
    'erlang',
    'sim_1m',
    'store_apply',
    'first_paint',
  ];
  const only = values.only ? values.only.split(',').map((s) => s.trim().replace(/-/g, '_')) : null;
  const unknown = (only ?? []).filter((o) => !names.includes(o));
  if (unknown.length > 0) {
    console.error(`unknown section ${unknown.join(', ')}; sections: ${names.join(', ')}`);
    process.exit(2);
  }
  const wait = values['e2e-wait'];
  if (wait !== 'poll' && wait !== 'join') {
    console.error(`--e2e-wait must be poll or join, got ${wait}`);
    process.exit(2);
  }
  const n = values.n === undefined ? null : Number(values.n);
  if (n !== null && !(Number.isInteger(n) && n > 0)) {
    console.error(`--n must be a positive integer, got ${values.n}`);
    process.exit(2);
  }
  return {
    quick: values.quick,
    only,
    n,
    e2eWait: wait as E2eWait,
    out: values.out ?? join(HERE, 'results', 'latest.json'),
  };
}

function gitRevision(): string | null {
  try {
    const cwd = join(HERE, '..');
    const rev = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd }).toString().trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'core'], { cwd })
      .toString()
      .trim();
    return dirty ? `${rev}+dirty-core` : rev;
  } catch {
    return null;
  }
}

function median(xs: number[]): number {
  const a = [...xs].sort((x, y) => x - y);
  const mid = Math.floor(a.length / 2);
  return a.length % 2 === 1 ? a[mid]! : (a[mid - 1]! + a[mid]!) / 2;
}

function fmtRate(v: number | string | null | undefined): string {
  return typeof v === 'number' ? Math.round(v).toLocaleString('en-US') : 'n/a';
}

function fmtNum(v: number | string | null | undefined, digits = 2): string {
  return typeof v === 'number' ? v.toFixed(digits) : 'n/a';
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const line = (r: string[]): string =>
    r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
  const sep = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(rows[0]!), sep, ...rows.slice(1).map(line)].join('\n');
}

async function main(): Promise<void> {
  // `npm run bench | head` closes stdout early: that is not an error worth a stack trace.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
  });
  const flags = parseFlags();
  const ctx: Ctx = { e2eWait: flags.e2eWait };
  const env = {
    node: process.version,
    sqlite: sqliteVersion(),
    cpus: cpus().length,
    cpu_model: cpus()[0]?.model ?? 'unknown',
    platform: `${platform()} ${arch()}`,
    total_mem_mb: Math.round(totalmem() / 1024 / 1024),
    git: gitRevision(),
    date: new Date().toISOString(),
    quick: flags.quick,
    only: flags.only,
    e2e_wait: flags.e2eWait,
    /** 1-minute load average before and after: other work on the machine skews every figure. */
    load_avg_start: round(loadavg()[0] ?? 0),
    load_avg_end: null as number | null,
  };
  console.log(
    `Rehearsal bench — Node ${env.node}, SQLite ${env.sqlite}, ${env.cpus} CPUs (${env.cpu_model}), ${env.platform}, load ${env.load_avg_start}${flags.quick ? ', --quick' : ''}`,
  );

  const figures: Figures = {};
  const details: Record<string, SectionDetail> = {};
  const started = Date.now();

  for (const s of SECTIONS) {
    if (flags.only && !flags.only.includes(s.name)) {
      figures[s.key] = null;
      figures[`${s.key}_note`] = `not run: --only ${flags.only.join(',')}`;
      continue;
    }
    const plan = flags.quick ? PLAN.quick : PLAN.full;
    const n = flags.n ?? plan.n;
    const cannot = s.skip?.() ?? null;
    if (cannot !== null) {
      figures[s.key] = null;
      figures[`${s.key}_note`] = cannot;
      console.log(`  ${s.label.padEnd(32)} ${cannot}`);
      continue;
    }
    process.stdout.write(`  ${s.label.padEnd(32)} N=${n.toLocaleString('en-US')} … `);
    try {
      await withTempDir((dir) => s.run(dir, Math.min(plan.warmup, n), ctx));
      const runs: (Timed & { extra?: Record<string, unknown> })[] = [];
      let total = 0;
      let cpu = 0;
      while (
        runs.length < plan.minReps ||
        (total < plan.minSeconds && runs.length < plan.maxReps)
      ) {
        const r = await withTempDir((dir) => s.run(dir, n, ctx));
        runs.push(r);
        total += r.seconds;
        cpu += r.cpuSeconds;
      }
      const reps = runs.length;
      const rates = runs.map((r) => r.messages / r.seconds);
      const rate = median(rates);
      figures[s.key] = round(rate);
      details[s.name] = {
        label: s.label,
        messages: n,
        reps,
        seconds: round(total, 4),
        rates: rates.map((r) => round(r)),
        min: round(Math.min(...rates)),
        max: round(Math.max(...rates)),
        cpu_seconds: round(cpu, 4),
        /** Messages per CPU-second of this process (median): less sensitive to other load. */
        per_cpu_s: round(median(runs.map((r) => r.messages / r.cpuSeconds))),
        rss_mb_end: round(rssMb()),
        peak_rss_mb_so_far: round(peakRssMb()),
        ...(runs[runs.length - 1]?.extra ?? {}),
      };
      console.log(
        `${fmtRate(rate)} msg/s (median of ${reps}, ${fmtRate(Math.min(...rates))}–${fmtRate(Math.max(...rates))})`,
      );
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      figures[s.key] = null;
      figures[`${s.key}_note`] = `section ${s.name} failed: ${msg}`;
      details[s.name] = {
        label: s.label,
        messages: null,
        seconds: null,
        rss_mb_end: round(rssMb()),
        peak_rss_mb_so_far: round(peakRssMb()),
        error: msg,
      };
      console.log(`failed: ${msg}`);
    }
  }

  // Time travel: not a rate, so it is its own step (`--only state_at`).
  if (!flags.only || flags.only.includes('state_at')) {
    const events = flags.quick ? 100_000 : 1_000_000;
    process.stdout.write(
      `  ${'stateAt on a journal'.padEnd(32)} N=${events.toLocaleString('en-US')} events … `,
    );
    try {
      const r = await withTempDir((dir) => stateAtBench(dir, events));
      figures.state_at_p95_ms = r.p95_ms;
      figures.state_at_p50_ms = r.p50_ms;
      figures.state_at_journal_events = r.events;
      figures.state_at_checkpoint_build_s = r.build_checkpoints_s;
      console.log(
        `p95 ${r.p95_ms} ms, p50 ${r.p50_ms} ms (checkpoints built in ${r.build_checkpoints_s} s)`,
      );
    } catch (err) {
      figures.state_at_p95_ms = null;
      figures.state_at_p95_ms_note = `failed: ${err instanceof Error ? err.message : String(err)}`;
      console.log(`failed: ${String(figures.state_at_p95_ms_note)}`);
    }
  }

  // The app (issue 6): the UI store taking in a live journal, and serve → first paint.
  if (!flags.only || flags.only.includes('store_apply')) {
    const events = flags.quick ? 20_000 : 100_000;
    process.stdout.write(
      `  ${'UI store applying events'.padEnd(32)} N≥${events.toLocaleString('en-US')} events … `,
    );
    try {
      const r = await storeApplyBench(events);
      figures.store_apply_events_per_s = r.events_per_s;
      figures.store_apply_events_per_s_target = 50_000;
      figures.store_apply_events = r.events;
      details.store_apply = {
        label: 'UI store applying journal events',
        messages: null,
        seconds: null,
        rss_mb_end: round(rssMb()),
        peak_rss_mb_so_far: round(peakRssMb()),
        ...r,
      };
      console.log(
        `${fmtRate(r.events_per_s)} events/s (parse ${fmtRate(r.json_parse_events_per_s)}, validate ${fmtRate(r.validate_events_per_s)}, fold ${fmtRate(r.fold_events_per_s)})`,
      );
    } catch (err) {
      figures.store_apply_events_per_s = null;
      figures.store_apply_events_per_s_note = `failed: ${err instanceof Error ? err.message : String(err)}`;
      console.log(String(figures.store_apply_events_per_s_note));
    }
  }
  if (!flags.only || flags.only.includes('first_paint')) {
    const runs = flags.quick ? 3 : 7;
    process.stdout.write(`  ${'serve → first paint'.padEnd(32)} ${runs} runs … `);
    const cannot = chromiumMissing();
    if (cannot !== null) {
      figures.first_paint_ms = null;
      figures.first_paint_ms_note = cannot;
      console.log(cannot);
    } else {
      try {
        const r = await firstPaintBench(runs);
        figures.first_paint_ms = r.first_paint_ms;
        figures.first_paint_ms_target = 1000;
        details.first_paint = {
          label: 'rehearsal serve → first paint',
          messages: null,
          seconds: null,
          rss_mb_end: round(rssMb()),
          peak_rss_mb_so_far: round(peakRssMb()),
          ...r,
        };
        console.log(
          `${r.first_paint_ms} ms (URL printed ${r.url_ms} ms after ${r.url_cpu_ms ?? '?'} ms of CPU, navigation → paint ${r.navigation_to_paint_ms} ms, run on screen ${r.app_ready_ms} ms; CLI ${r.cli})`,
        );
      } catch (err) {
        figures.first_paint_ms = null;
        figures.first_paint_ms_note = `failed: ${err instanceof Error ? err.message : String(err)}`;
        console.log(String(figures.first_paint_ms_note));
      }
    }
  }

  // 1 M messages through the simulator (issues 5 and 7), in a child process of its own.
  if (!flags.only || flags.only.includes('sim_1m')) {
    console.log(`  sim_1m (${flags.quick ? '100 k' : '1 M'} no-op messages in virtual time) …`);
    try {
      const f = await withTempDir((dir) => simBench(dir, flags.quick));
      Object.assign(figures, f);
      const k = flags.quick ? 'sim_100k' : 'sim_1m';
      console.log(
        `    ${String(f[`${k}_seconds`])} s, peak RSS ${String(f[`${k}_peak_rss_mb`])} MB (goals: 1 M in < 20 s, < 400 MB)`,
      );
    } catch (err) {
      const note = `failed: ${err instanceof Error ? err.message : String(err)}`;
      Object.assign(figures, {
        sim_1m_seconds: null,
        sim_1m_seconds_note: note,
        sim_1m_peak_rss_mb: null,
        sim_1m_peak_rss_mb_note: note,
      });
      console.log(`    ${note}`);
    }
  } else {
    const note = `not run: --only ${flags.only.join(',')}`;
    Object.assign(figures, {
      sim_1m_seconds: null,
      sim_1m_seconds_note: note,
      sim_1m_peak_rss_mb: null,
      sim_1m_peak_rss_mb_note: note,
    });
  }

  // Erlang C at 1 M arrivals (issue 5): many minutes of simulation, so only when asked for.
  if (flags.only?.includes('erlang')) {
    const arrivals = flags.n ?? (flags.quick ? 100_000 : 1_000_000);
    console.log(`  erlang (M/M/2 at utilization 0.5 against Erlang C), ${arrivals} arrivals …`);
    try {
      const f = await withTempDir((dir) => erlangBench(dir, arrivals));
      Object.assign(figures, f);
      console.log(
        `    mean wait ${f.erlang_c_measured_wait_ms} ms vs Erlang C ${f.erlang_c_expected_wait_ms} ms: ` +
          `${(f.erlang_c_rel_error * 100).toFixed(2)} % apart (goal < 2 %), simulated in ${f.erlang_c_sim_seconds} s`,
      );
    } catch (err) {
      figures.erlang_c_rel_error = null;
      figures.erlang_c_rel_error_note = `failed: ${err instanceof Error ? err.message : String(err)}`;
      console.log(`    ${String(figures.erlang_c_rel_error_note)}`);
    }
  }

  // Scaling tables (issue 7): minutes of work, so only when asked for (`--only scaling`).
  let scaling: Scaling | null = null;
  if (flags.only?.includes('scaling')) {
    const n = flags.n ?? (flags.quick ? PLAN.quick.n : PLAN.full.n);
    console.log(`  scaling (processes × threads, simulation and stateAt sizes), N=${n} …`);
    try {
      scaling = await scalingBench({ n, quick: flags.quick, log: (l) => console.log(l) });
    } catch (err) {
      figures.scaling_note = `failed: ${err instanceof Error ? err.message : String(err)}`;
      console.log(`    ${String(figures.scaling_note)}`);
    }
  }

  const ratio = (key: string, num: string, den: string, target: number): void => {
    const a = figures[num];
    const b = figures[den];
    if (typeof a === 'number' && typeof b === 'number' && b > 0) {
      figures[key] = round(a / b);
    } else {
      figures[key] = null;
      figures[`${key}_note`] = `needs ${num} and ${den} from the same run (one is missing)`;
    }
    figures[`${key}_target`] = target;
  };
  ratio('engine_vs_raw_claim_ack', 'engine_e2e_msgs_per_s', 'raw_sqlite_claim_ack_per_s', 0.35);
  ratio(
    'engine_vs_raw_enqueue',
    'engine_enqueue_batched_per_s',
    'raw_sqlite_insert_batched_per_s',
    0.5,
  );
  // Throughput kept with the full default stack, as a share of none (target: it costs ≤ 30 %).
  ratio(
    'middleware_full_vs_none',
    'engine_e2e_full_middleware_per_s',
    'engine_e2e_no_middleware_per_s',
    0.7,
  );
  // The engine against BullMQ on a local redis, same N and measurement (target: 1.5× faster).
  ratio('engine_vs_bullmq', 'engine_e2e_msgs_per_s', 'bullmq_e2e_jobs_per_s', 1.5);
  figures.peak_rss_mb = round(peakRssMb());
  // The same ratios over messages per CPU-second (supplementary; the figures above are wall time).
  const perCpu = (name: string): number | null => {
    const v = details[name]?.per_cpu_s;
    return typeof v === 'number' ? v : null;
  };
  const cpuRatio = (a: number | null, b: number | null): number | null =>
    a !== null && b !== null && b > 0 ? round(a / b) : null;
  const cpuRatios: Record<string, number | null> = {
    engine_vs_raw_claim_ack: cpuRatio(perCpu('e2e'), perCpu('raw_claim_ack')),
    engine_vs_raw_enqueue: cpuRatio(perCpu('enqueue_batched'), perCpu('raw_insert')),
  };

  const rows: string[][] = [
    ['figure', 'value', 'unit', 'N × reps', 'total s', 'min–max msg/s', 'msg/CPU-s', 'RSS MB'],
  ];
  for (const s of SECTIONS) {
    const d = details[s.name];
    rows.push([
      s.key,
      fmtRate(figures[s.key]),
      'msg/s',
      d?.messages ? `${d.messages.toLocaleString('en-US')} × ${String(d.reps)}` : '-',
      fmtNum(d?.seconds),
      d?.messages ? `${fmtRate(d.min as number)}–${fmtRate(d.max as number)}` : '-',
      fmtRate(d?.per_cpu_s as number | undefined),
      fmtNum(d?.rss_mb_end, 0),
    ]);
  }
  for (const key of [
    'engine_vs_raw_claim_ack',
    'engine_vs_raw_enqueue',
    'middleware_full_vs_none',
    'engine_vs_bullmq',
  ]) {
    const target = `ratio (target ≥ ${String(figures[`${key}_target`])})`;
    const byCpu = cpuRatios[key];
    rows.push([key, fmtNum(figures[key], 3), target, '', '', '', fmtNum(byCpu, 3), '']);
  }
  if (typeof figures.state_at_p95_ms === 'number') {
    rows.push([
      'state_at_p95_ms',
      fmtNum(figures.state_at_p95_ms, 2),
      `ms (target < 50), ${String(figures.state_at_journal_events)} events`,
      '',
      '',
      '',
      '',
      '',
    ]);
  }
  if (typeof figures.store_apply_events_per_s === 'number')
    rows.push([
      'store_apply_events_per_s',
      fmtRate(figures.store_apply_events_per_s),
      `events/s (target ≥ 50,000), ${fmtRate(figures.store_apply_events)} events`,
      '',
      '',
      '',
      '',
      '',
    ]);
  if (typeof figures.first_paint_ms === 'number')
    rows.push([
      'first_paint_ms',
      fmtNum(figures.first_paint_ms, 0),
      'ms, serve start → first paint (target < 1000)',
      '',
      '',
      '',
      '',
      '',
    ]);
  rows.push(['peak_rss_mb', fmtNum(figures.peak_rss_mb, 0), 'MB', '', '', '', '', '']);
  env.load_avg_end = round(loadavg()[0] ?? 0);
  console.log('');
  console.log(table(rows));
  console.log(
    `Node ${env.node}, SQLite ${env.sqlite}, ${env.cpus} CPUs, load average ${env.load_avg_start} → ${env.load_avg_end}`,
  );
  if (scaling) console.log(`\n${formatScaling(scaling)}\n`);
  const notes = Object.entries(figures).filter(([k]) => k.endsWith('_note'));
  for (const [k, v] of notes) console.log(`  ${k}: ${String(v)}`);

  const out = {
    ...figures,
    env,
    ratios_by_cpu: cpuRatios,
    sections: details,
    ...(scaling ? { scaling } : {}),
    total_seconds: round((Date.now() - started) / 1000),
  };
  mkdirSync(dirname(flags.out), { recursive: true });
  const tmp = `${flags.out}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(out, null, 2)}\n`);
  renameSync(tmp, flags.out);
  console.log(`\nwrote ${relative(process.cwd(), flags.out)}`);
}

main().catch((err: unknown) => {
  // A bench never fails the build: report and exit 0.
  console.error('bench aborted:', err);
});
