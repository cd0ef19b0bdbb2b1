/**
 * The readable view of journal events (`rehearsal journal --format table`): one line per event
 * with fixed-width columns, so lines can be printed as they arrive (`--follow`).
 */
import type { JournalEvent } from '../core/index.ts';
import { fixedRow, truncate, type Column } from './table.ts';

/**
 * Column layout for a journal whose seqs and actor names fit the given widths (actor names: at
 * least 12, at most 24 characters; longer ones end in …).
 */
export function journalColumns(maxSeq: number, actorWidth: number): Required<Column>[] {
  return [
    { header: 'SEQ', right: true, width: Math.max(3, String(maxSeq).length + 1) },
    { header: 'T', right: true, width: 10 },
    { header: 'KIND', right: false, width: 17 },
    { header: 'MESSAGE', right: false, width: 12 },
    { header: 'ACTOR', right: false, width: Math.min(24, Math.max(12, actorWidth)) },
    { header: 'ATT', right: true, width: 3 },
    { header: 'DETAIL', right: false, width: 0 },
  ];
}

/** The header line. */
export function journalHeader(columns: readonly Required<Column>[]): string {
  return fixedRow(
    columns,
    columns.map((c) => c.header),
  );
}

/** One event as a table line (no newline). */
export function journalLine(
  columns: readonly Required<Column>[],
  e: JournalEvent,
  detailWidth = 80,
): string {
  return fixedRow(columns, [
    String(e.seq),
    formatT(e.t),
    e.kind,
    e.label ?? (e.messageId ? e.messageId.slice(0, 8) : ''),
    e.actor ?? '',
    e.attempt === undefined || e.attempt === null ? '' : String(e.attempt),
    truncate(detail(e), detailWidth),
  ]);
}

/** `0.153s`, `3m05.120s`, `2h03m05s`: time since the start of the run. */
export function formatT(ms: number): string {
  const neg = ms < 0 ? '-' : '';
  const a = Math.abs(ms);
  if (a < 60_000) return `${neg}${(a / 1000).toFixed(3)}s`;
  const s = Math.floor(a / 1000);
  if (a < 3_600_000) {
    return `${neg}${Math.floor(s / 60)}m${((a % 60_000) / 1000).toFixed(3).padStart(6, '0')}s`;
  }
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${neg}${Math.floor(s / 3600)}h${p(Math.floor((s % 3600) / 60))}m${p(s % 60)}s`;
}

function json(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

function errorText(e: JournalEvent): string {
  if (!e.error) return '';
  return e.error.message ? `${e.error.type}: ${e.error.message}` : e.error.type;
}

/** What matters about one event beyond the fixed columns. */
function detail(e: JournalEvent): string {
  const parts: string[] = [];
  switch (e.kind) {
    case 'enqueued':
      parts.push(`reason=${e.reason ?? 'send'}`);
      if (e.queue) parts.push(`queue=${e.queue}`);
      if (e.delay !== undefined && e.delay !== null) parts.push(`delay=${e.delay}ms`);
      if (e.parentId) parts.push(`parent=${e.parentId.slice(0, 8)}`);
      parts.push(`args=${json(e.args ?? [])}`);
      if (e.kwargs && Object.keys(e.kwargs).length > 0) parts.push(`kwargs=${json(e.kwargs)}`);
      break;
    case 'started':
      parts.push(`worker=${e.worker ?? '?'} thread=${e.thread ?? '?'}`);
      break;
    case 'succeeded':
    case 'result_stored':
      if ('result' in e) parts.push(`result=${json(e.result)}`);
      if (e.error) parts.push(errorText(e));
      break;
    case 'retry_scheduled':
      if (e.delay !== undefined && e.delay !== null) parts.push(`in ${e.delay}ms`);
      if (e.error) parts.push(errorText(e));
      break;
    default:
      if (e.reason) parts.push(`reason=${e.reason}`);
      if (e.delay !== undefined && e.delay !== null) parts.push(`delay=${e.delay}ms`);
      if (e.error) parts.push(errorText(e));
  }
  return parts.join(' ');
}
