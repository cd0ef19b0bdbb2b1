/**
 * `npm run faults`: the fault-injection harness (scripts/faults/README.md).
 *
 *   npm run faults                      # the full run: ≥ 100 kills over ≥ 10,000 messages, …
 *   npm run faults -- --quick           # a smoke run (~1 min)
 *   npm run faults -- --only kill       # one experiment (kill, many, serve; comma-separated)
 *   npm run faults -- --seed 7 --kills 150 --messages 20000 --keep
 *
 * Prints one line per experiment on stdout and, last, exactly
 *   faults: <kills> kills, <lost> lost, <duplicated> duplicated, <unrecorded> unrecorded redeliveries
 * Progress and the details of any problem go to stderr. Exits 1 when anything was lost,
 * duplicated or unrecorded, or an experiment failed in any other way. Loopback only; every wait
 * has a deadline, and the whole run has one (--max-minutes).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { reportLine, type Outcome } from './common.ts';
import { killExperiment } from './exp-kill.ts';
import { manyExperiment } from './exp-many.ts';
import { killAll } from './procs.ts';
import { serveExperiment } from './exp-serve.ts';
import { stallExperiment } from './exp-stall.ts';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    seed: { type: 'string', default: '20261127' },
    kills: { type: 'string' },
    messages: { type: 'string' },
    'lease-ms': { type: 'string', default: '400' },
    threads: { type: 'string', default: '8' },
    stalls: { type: 'string' },
    'stall-messages': { type: 'string' },
    'many-messages': { type: 'string' },
    processes: { type: 'string', default: '4' },
    'serve-messages': { type: 'string' },
    dir: { type: 'string' },
    keep: { type: 'boolean', default: false },
    'max-minutes': { type: 'string', default: '20' },
  },
});

const quick = values.quick;
const int = (v: string | undefined, full: number, small: number): number => {
  const n = v === undefined ? (quick ? small : full) : Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`expected a whole number, got ${v}`);
  return n;
};
const seed = int(values.seed, 0, 0);
const threads = int(values.threads, 8, 8);
const only = new Set((values.only ?? 'kill,stall,many,serve').split(',').map((s) => s.trim()));
for (const name of only)
  if (!['kill', 'stall', 'many', 'serve'].includes(name))
    throw new Error(`--only: unknown experiment "${name}" (kill, stall, many, serve)`);

const dir = values.dir ? resolve(values.dir) : mkdtempSync(join(tmpdir(), 'rehearsal-faults-'));
mkdirSync(dir, { recursive: true });
const keep = values.keep || values.dir !== undefined;

const maxMs = int(values['max-minutes'], 20, 20) * 60_000;
const watchdog = setTimeout(() => {
  process.stderr.write(`faults: the run took more than ${maxMs / 60_000} minutes; giving up\n`);
  killAll();
  process.exit(2);
}, maxMs);
watchdog.unref();
for (const sig of ['SIGINT', 'SIGTERM'] as const)
  process.on(sig, () => {
    killAll();
    process.exit(130);
  });

process.stderr.write(`faults: seed ${seed}, files in ${dir}${quick ? ' (quick)' : ''}\n`);
const outcomes: Outcome[] = [];
const run = async (name: string, f: () => Promise<Outcome>): Promise<void> => {
  try {
    const o = await f();
    outcomes.push(o);
    process.stdout.write(`${reportLine(o)}\n`);
  } catch (err) {
    killAll();
    const o: Outcome = {
      name,
      messages: 0,
      kills: 0,
      lost: 0,
      duplicated: 0,
      unrecorded: 0,
      durationMs: 0,
      failures: [`crashed: ${(err as Error).stack ?? String(err)}`],
      details: '',
    };
    outcomes.push(o);
    process.stdout.write(`${reportLine(o)}\n`);
  }
};

try {
  if (only.has('kill'))
    await run('kill-9', () =>
      killExperiment({
        dir,
        seed,
        messages: int(values.messages, 10_000, 1_500),
        kills: int(values.kills, 100, 12),
        threads,
        leaseMs: int(values['lease-ms'], 400, 400),
        maxRunMs: 700,
        bootKillShare: 0.15,
        maxDelayMs: 2500,
        drainTimeoutMs: 180_000,
      }),
    );
  if (only.has('stall'))
    await run('stall', () =>
      stallExperiment({
        dir,
        seed: seed + 1,
        messages: int(values['stall-messages'], 4_000, 1_000),
        stalls: int(values.stalls, 20, 6),
        threads,
        leaseMs: int(values['lease-ms'], 400, 400),
        drainTimeoutMs: 120_000,
      }),
    );
  if (only.has('many'))
    await run('many-processes', () =>
      manyExperiment({
        dir,
        messages: int(values['many-messages'], 100_000, 5_000),
        processes: int(values.processes, 4, 4),
        threads,
        batch: 1000,
        drainTimeoutMs: 300_000,
      }),
    );
  if (only.has('serve'))
    await run('worker+server', () =>
      serveExperiment({
        dir,
        seed: seed + 2,
        messages: int(values['serve-messages'], 20_000, 2_000),
        apiCalls: quick ? 40 : 300,
        drops: 3,
        quietRounds: 5,
        threads,
        unitsPerTick: quick ? 5 : 15,
        drainTimeoutMs: 180_000,
      }),
    );
} finally {
  killAll();
  if (!keep) rmSync(dir, { recursive: true, force: true });
}

const sum = (k: 'kills' | 'lost' | 'duplicated' | 'unrecorded'): number =>
  outcomes.reduce((n, o) => n + o[k], 0);
const failed = outcomes.some(
  (o) => o.lost + o.duplicated + o.unrecorded > 0 || o.failures.length > 0,
);
if (failed && !keep)
  process.stderr.write('faults: re-run with --keep to inspect the database files\n');
process.stdout.write(
  `faults: ${sum('kills')} kills, ${sum('lost')} lost, ${sum('duplicated')} duplicated, ${sum('unrecorded')} unrecorded redeliveries\n`,
);
process.exit(failed ? 1 : 0);
