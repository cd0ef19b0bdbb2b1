/**
 * The profile document as text: a header, a table per actor and per queue, the breakdown of the
 * wall time by step, and the "what limits me" line. Plain aligned columns, numbers right-aligned.
 */
import type { ProfileDocument, ProfileGroup, ProfileStep } from './report.ts';

/** The whole report, ending with a newline. */
export function formatProfile(doc: ProfileDocument): string {
  const r = doc.run;
  const lines: string[] = [];
  const load = r.messages === null ? "the scenario's own load" : `${int(r.messages)} messages`;
  const actors = doc.source.actors.length > 0 ? ` (${doc.source.actors.join(', ')})` : '';
  lines.push(
    `Profile of ${doc.source.path}${actors}: ${load}, ${r.threads} thread${r.threads === 1 ? '' : 's'} × ${r.processes} process${r.processes === 1 ? '' : 'es'}, ${r.clock} clock${r.interrupted ? ' — stopped by Ctrl+C, partial' : ''}`,
  );
  const rate =
    r.clock === 'real'
      ? `${rateText(r.throughput_per_s)} msg/s`
      : `${rateText(r.throughput_per_s)} msg/s of virtual time (${fixed(r.engine_s, 2)} s of it), ${int(r.wall_throughput_per_s)} msg/s of wall time`;
  lines.push(
    `  ${int(r.finished)} finished (${int(r.dead_letters)} dead) in ${fixed(r.wall_s, 2)} s: ${rate}` +
      (r.enqueue_s === null
        ? ''
        : ` (sending the load took ${fixed(r.enqueue_s, 2)} s, not counted)`),
  );
  for (const n of r.notes) lines.push(`  note: ${n}`);
  lines.push('', groupTable('actor', doc.actors), '', groupTable('queue', doc.queues));
  const busy = r.event_loop_busy === null ? '' : `; event loop busy ${pct(r.event_loop_busy)}`;
  const slots =
    r.slot_utilization === null || r.clock === 'virtual'
      ? ''
      : `; threads busy ${pct(r.slot_utilization)}`;
  const scope =
    r.profiled_processes === r.processes || r.clock === 'virtual'
      ? ''
      : ` of process 0 (of ${r.processes})`;
  lines.push(
    '',
    `Where the time went${scope}: ${fixed(doc.breakdown.wall_ms / 1000, 2)} s of wall time, ${int(r.profiled_attempts)} attempts${busy}${slots}`,
    stepTable(doc.breakdown.steps),
    '',
    `What limits me: ${doc.bottleneck.summary}`,
  );
  return `${lines.join('\n')}\n`;
}

function groupTable(what: 'actor' | 'queue', rows: readonly ProfileGroup[]): string {
  const header = [
    what,
    'done',
    'dead',
    'retries',
    'msg/s',
    'lat p50',
    'p95',
    'p99',
    'max',
    'wait p50',
    'wait p95',
    'run p50',
    'run p95',
    'wait %',
  ];
  const body = rows.map((g) => [
    g.name,
    int(g.completed),
    int(g.dead_letters),
    int(g.retries),
    rateText(g.throughput_per_s),
    ms(g.latency_ms.p50),
    ms(g.latency_ms.p95),
    ms(g.latency_ms.p99),
    ms(g.latency_ms.max),
    ms(g.wait_ms.p50),
    ms(g.wait_ms.p95),
    ms(g.run_ms.p50),
    ms(g.run_ms.p95),
    pct(g.wait_share),
  ]);
  return align([header, ...body], `(times in ms on the engine clock)`);
}

function stepTable(steps: readonly ProfileStep[]): string {
  const header = ['step', 'kind', 'calls', 'total ms', 'µs/attempt', 'share'];
  const body = steps.map((s) => [
    s.step,
    s.kind,
    s.calls === null ? '' : int(s.calls),
    fixed(s.total_ms, 1),
    fixed(s.per_attempt_us, 1),
    pct(s.share),
  ]);
  return align([header, ...body], null, 2);
}

/** Aligned columns: the first `left` left-aligned, the rest right-aligned; an optional note. */
function align(rows: string[][], note: string | null, left = 1): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  const line = (r: string[]): string =>
    r
      .map((cell, c) => (c < left ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!)))
      .join('  ')
      .trimEnd();
  const out = rows.map(line);
  if (note !== null) out[0] = `${out[0]}  ${note}`;
  return out.join('\n');
}

/** A rate, or `-` when no engine time passed (everything at one virtual instant). */
function rateText(x: number | null): string {
  return x === null ? '-' : x < 10 ? fixed(x, 2) : int(x);
}

function int(x: number): string {
  return Math.round(x).toLocaleString('en-US');
}

function fixed(x: number, digits: number): string {
  return x.toLocaleString('en-US', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

function ms(x: number): string {
  return x >= 100 ? int(x) : fixed(x, 1);
}

function pct(x: number): string {
  return `${Math.round(x * 100)} %`;
}
