/**
 * Named statements over the `events` table (the journal).
 */
import type { Db } from '../types.ts';

/** A journal row as stored (JSON fields folded into `data`). */
export type EventRow = {
  seq: number;
  at: number;
  wall: number;
  kind: string;
  message_id: string | null;
  label: string | null;
  actor: string | null;
  queue: string | null;
  attempt: number | null;
  parent_id: string | null;
  reason: string | null;
  delay: number | null;
  worker: number | null;
  thread: number | null;
  data: string | null;
};

/** The columns of a new journal row (everything but `seq`). */
export type NewEventRow = Omit<EventRow, 'seq'>;

/** Prepares the journal statements of one connection. */
export function journalStatements(db: Db) {
  const insert = db.prepare<NewEventRow>(
    `INSERT INTO events (at, wall, kind, message_id, label, actor, queue, attempt, parent_id, reason, delay, worker, thread, data)
     VALUES (@at, @wall, @kind, @message_id, @label, @actor, @queue, @attempt, @parent_id, @reason, @delay, @worker, @thread, @data)`,
  );
  const page = db.prepare<[number, number], EventRow>(
    'SELECT * FROM events WHERE seq > ? ORDER BY seq LIMIT ?',
  );
  const byMessage = db.prepare<[string], EventRow>(
    'SELECT * FROM events WHERE message_id = ? ORDER BY seq',
  );
  const lastSeq = db.prepare<[], { seq: number | null }>('SELECT max(seq) AS seq FROM events');
  const count = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM events');
  return {
    /** Appends one row; returns its `seq`. Journal event: the row itself. */
    insert: (row: NewEventRow): number => Number(insert.run(row).lastInsertRowid),
    /** Up to `limit` rows with seq > `afterSeq`, in order. */
    page: (afterSeq: number, limit: number): EventRow[] => page.all(afterSeq, limit),
    /** Every row of one message id, in order. */
    byMessage: (messageId: string): EventRow[] => byMessage.all(messageId),
    /** Highest seq written, 0 when empty. */
    lastSeq: (): number => lastSeq.get()?.seq ?? 0,
    /** Number of rows. */
    count: (): number => count.get()?.n ?? 0,
    /** Iterates rows with seq > afterSeq in order without loading them all. */
    iterate: (afterSeq: number): IterableIterator<EventRow> =>
      db
        .prepare<[number], EventRow>('SELECT * FROM events WHERE seq > ? ORDER BY seq')
        .iterate(afterSeq),
  };
}

export type JournalStatements = ReturnType<typeof journalStatements>;
