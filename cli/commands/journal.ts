/**
 * `rehearsal journal`: the database's history, one event per line, as the spec's JSONL export or
 * a readable table; `--follow` keeps printing new events until Ctrl+C.
 */
import { toExportLine, type JournalEvent, type SqliteBroker } from '../../core/index.ts';
import type { JournalArgs } from '../checks.ts';
import { openExisting, readableFile } from '../db.ts';
import { EXIT_OK } from '../errors.ts';
import { writeOut, type Io } from '../io.ts';
import { journalColumns, journalHeader, journalLine } from '../journal-table.ts';
import { progress } from '../progress.ts';

/** Events read per query. */
const PAGE = 1000;
/** How often `--follow` looks for new events, ms. */
const FOLLOW_POLL_MS = 200;

/** Runs `rehearsal journal` (spec in specs.ts, checks in checks.ts). */
export async function runJournal(o: JournalArgs, io: Io): Promise<number> {
  const broker = openExisting(readableFile(o.file));
  try {
    const printer = makePrinter(o.format, broker, io);
    let after = o.from - 1;
    const last = broker.journal.lastSeq();
    const bar = progress(io.stderr, 'exporting journal', Math.max(0, last - after));
    try {
      after = await printPages(broker, after, last, printer, (n) => bar.update(n - o.from + 1));
    } finally {
      bar.done();
    }
    if (o.follow) await followJournal(broker, after, printer);
    return EXIT_OK;
  } finally {
    broker.close();
  }
}

type Printer = (events: readonly JournalEvent[]) => Promise<void>;

function makePrinter(format: JournalArgs['format'], broker: SqliteBroker, io: Io): Printer {
  if (format === 'jsonl') {
    return (events) => writeOut(io.stdout, events.map((e) => `${toExportLine(e)}\n`).join(''));
  }
  const actorWidth = Math.max(0, ...broker.knownActors().map((a) => a.name.length));
  const columns = journalColumns(Math.max(broker.journal.lastSeq(), 9999), actorWidth);
  const fixed = columns.slice(0, -1).reduce((n, c) => n + c.width + 2, 0);
  // On a terminal DETAIL is cut to fit the line; in a pipe nothing is cut.
  const detailWidth = io.stdout.columns ? Math.max(30, io.stdout.columns - fixed) : Infinity;
  let headerShown = false;
  return async (events) => {
    const lines = events.map((e) => `${journalLine(columns, e, detailWidth)}\n`);
    if (!headerShown) {
      headerShown = true;
      lines.unshift(`${journalHeader(columns)}\n`);
    }
    await writeOut(io.stdout, lines.join(''));
  };
}

/** Prints events with seq in (after, upTo]; returns the last seq printed. */
async function printPages(
  broker: SqliteBroker,
  after: number,
  upTo: number,
  print: Printer,
  onProgress: (seq: number) => void,
): Promise<number> {
  let cursor = after;
  while (cursor < upTo) {
    const page = broker.journal.page(cursor, PAGE).filter((e) => e.seq <= upTo);
    if (page.length === 0) break;
    await print(page);
    cursor = page.at(-1)!.seq;
    onProgress(cursor);
  }
  return cursor;
}

/** Polls for new events until SIGINT or SIGTERM. */
async function followJournal(broker: SqliteBroker, after: number, print: Printer): Promise<void> {
  let cursor = after;
  let stopped = false;
  let wake: () => void = () => undefined;
  const stop = (): void => {
    stopped = true;
    wake();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  try {
    while (!stopped) {
      for (;;) {
        const page = broker.journal.page(cursor, PAGE);
        if (page.length === 0) break;
        await print(page);
        cursor = page.at(-1)!.seq;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, FOLLOW_POLL_MS);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}
