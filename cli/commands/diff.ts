/**
 * `rehearsal diff RUN_A RUN_B`: compares two runs' outcomes (core's `diffRuns`): each message
 * whose fate or attempts differ, then totals side by side. Reads only.
 */
import { diffRuns, type MessageFate, type RunDiff, type RunTotals } from '../../core/index.ts';
import type { DiffArgs } from '../checks.ts';
import { openExisting, readableFile } from '../db.ts';
import { EXIT_OK } from '../errors.ts';
import { writeOut, type Io } from '../io.ts';
import { formatT } from '../journal-table.ts';
import { formatTable } from '../table.ts';

/** Runs `rehearsal diff` (spec in specs.ts, checks in checks.ts). */
export async function runDiff(o: DiffArgs, io: Io): Promise<number> {
  const a = readableFile(o.a);
  const b = readableFile(o.b);
  openExisting(a).close();
  openExisting(b).close();
  const d = diffRuns(a, b);
  await writeOut(io.stdout, o.json ? `${JSON.stringify(d, null, 2)}\n` : diffText(o, d));
  return EXIT_OK;
}

/** A label as it is; a message id (a UUID) cut to 8 characters, as in the journal table. */
function shortKey(key: string): string {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-/.test(key) ? key.slice(0, 8) : key;
}

function fate(f: MessageFate | null): string {
  if (!f) return '(not in this run)';
  return `${f.fate}, ${f.attempts} attempt${f.attempts === 1 ? '' : 's'}`;
}

function diffText(o: DiffArgs, d: RunDiff): string {
  const lines: string[] = [];
  if (d.changed.length === 0) {
    lines.push(`Every message has the same fate and attempts in ${o.a} and ${o.b}.`);
  } else {
    lines.push(
      `${d.changed.length} message${d.changed.length === 1 ? '' : 's'} changed fate or attempts:`,
      '',
    );
    lines.push(
      formatTable(
        [{ header: 'MESSAGE' }, { header: 'ACTOR' }, { header: o.a }, { header: o.b }],
        d.changed.map((c) => [shortKey(c.key), c.actor, fate(c.a), fate(c.b)]),
      ).trimEnd(),
    );
  }
  lines.push('', totalsTable(o, d.a, d.b));
  return `${lines.join('\n')}\n`;
}

function totalsTable(o: DiffArgs, a: RunTotals, b: RunTotals): string {
  type Row = [string, number, number, (x: number) => string];
  const count = (x: number): string => String(x);
  const ms = (x: number): string => formatT(Math.round(x));
  const rows: Row[] = [
    ['events', a.events, b.events, count],
    ['messages', a.messages, b.messages, count],
    ['done', a.done, b.done, count],
    ['dead letters', a.dead, b.dead, count],
    ['pending', a.pending, b.pending, count],
    ['attempts', a.attempts, b.attempts, count],
    ['makespan', a.makespanMs, b.makespanMs, ms],
    ['latency mean', a.latency.mean, b.latency.mean, ms],
    ['latency p50', a.latency.p50, b.latency.p50, ms],
    ['latency p95', a.latency.p95, b.latency.p95, ms],
    ['latency p99', a.latency.p99, b.latency.p99, ms],
    ['latency max', a.latency.max, b.latency.max, ms],
  ];
  const delta = (x: number, y: number, f: (v: number) => string): string => {
    if (x === y) return '';
    return y > x ? `+${f(y - x)}` : `-${f(x - y)}`;
  };
  return formatTable(
    [
      { header: '' },
      { header: o.a, right: true },
      { header: o.b, right: true },
      { header: 'CHANGE', right: true },
    ],
    rows.map(([name, x, y, f]) => [name, f(x), f(y), delta(x, y, f)]),
  ).trimEnd();
}
