/**
 * The journal export: one compact JSON object a line, in seq order, keys in the spec's order
 * (`../shared/spec/scenario-format.md` § Journal export).
 */
import type { Journal } from './journal.ts';
import { toExportLine } from './journal-event.ts';

/** Writes every event after `afterSeq` through `write` (a line each, with "\n"); returns the count. */
export function exportJournal(
  journal: Journal,
  write: (chunk: string) => void,
  afterSeq = 0,
): number {
  let n = 0;
  let buf = '';
  for (const e of journal.iterate(afterSeq)) {
    buf += `${toExportLine(e)}\n`;
    n++;
    if (buf.length > 1 << 16) {
      write(buf);
      buf = '';
    }
  }
  if (buf) write(buf);
  return n;
}

/** The whole export as one string (small journals, tests). */
export function exportJournalText(journal: Journal): string {
  let out = '';
  exportJournal(journal, (c) => (out += c));
  return out;
}
