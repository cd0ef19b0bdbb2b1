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
  // Roots through the bucketed UUID index (migration 0007): one seek per 4096-event bucket,
  // oldest first (CROSS JOIN keeps the buckets the outer loop), the rest through the integer one
  // (migration 0006).
  const buckets = `WITH RECURSIVE b(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM b WHERE k < (SELECT max(seq) >> 12 FROM events))
     SELECT e.seq FROM b CROSS JOIN events e
     WHERE (e.seq >> 12) = b.k AND e.message_id = @id AND e.msg IS NULL AND e.message_id IS NOT NULL`;
  const byMessage = db.prepare<{ id: string }, EventRow>(
    `WITH roots(seq) AS (${buckets})
     SELECT * FROM events WHERE seq IN (SELECT seq FROM roots)
     UNION ALL
     SELECT * FROM events WHERE msg IS NOT NULL AND msg IN (SELECT seq FROM roots)
     ORDER BY seq`,
  );
  const rootOf = db.prepare<{ id: string }, { seq: number }>(`${buckets} LIMIT 1`);
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
    rootOf: (messageId: string): number | null => rootOf.get({ id: messageId })?.seq ?? null,
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
