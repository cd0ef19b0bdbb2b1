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
  /** Seq of this message's first row (its root); null on the root itself and on non-message rows. */
  msg: number | null;
};

/** The columns of a new journal row (everything but `seq`). */
export type NewEventRow = Omit<EventRow, 'seq'>;

/** Prepares the journal statements of one connection. */
export function journalStatements(db: Db) {
  // Positional parameters: binding from an object by name costs more than the insert itself.
  const insert = db.prepare<unknown[]>(
    `INSERT INTO events (at, wall, kind, message_id, label, actor, queue, attempt, parent_id, reason, delay, worker, thread, data, msg)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const page = db.prepare<[number, number], EventRow>(
    'SELECT * FROM events WHERE seq > ? ORDER BY seq LIMIT ?',
  );
  // Roots through the UUID index, the rest through the integer one (migration 0006).
  const byMessage = db.prepare<{ id: string }, EventRow>(
    `SELECT * FROM events WHERE message_id = @id AND msg IS NULL
     UNION ALL
     SELECT * FROM events WHERE msg IS NOT NULL AND msg IN
       (SELECT seq FROM events WHERE message_id = @id AND msg IS NULL)
     ORDER BY seq`,
  );
  const rootOf = db.prepare<[string], { seq: number }>(
    'SELECT seq FROM events WHERE message_id = ? AND msg IS NULL ORDER BY seq LIMIT 1',
  );
  const lastSeq = db.prepare<[], { seq: number | null }>('SELECT max(seq) AS seq FROM events');
  const count = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM events');
  return {
    /** Appends one row; returns its `seq`. Journal event: the row itself. */
    insert: (r: NewEventRow): number =>
      Number(
        insert.run(
          r.at,
          r.wall,
          r.kind,
          r.message_id,
          r.label,
          r.actor,
          r.queue,
          r.attempt,
          r.parent_id,
          r.reason,
          r.delay,
          r.worker,
          r.thread,
          r.data,
          r.msg,
        ).lastInsertRowid,
      ),
    /** Up to `limit` rows with seq > `afterSeq`, in order. */
    page: (afterSeq: number, limit: number): EventRow[] => page.all(afterSeq, limit),
    /** Every row of one message id, in order. */
    byMessage: (messageId: string): EventRow[] => byMessage.all({ id: messageId }),
    /** Seq of the first row of a message id (its root), or null when it has none yet. */
    rootOf: (messageId: string): number | null => rootOf.get(messageId)?.seq ?? null,
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
