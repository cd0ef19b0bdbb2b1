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

/** log2 of the events per bucket of the roots' directory (migration 10). */
const BUCKET_BITS = 12;

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
  // Roots (a message's first row) by message id (migration 10): one seek per sealed bucket of
  // 4096 events in the directory, oldest first (CROSS JOIN keeps the buckets the outer loop),
  // then a scan of the open bucket's rows, which the directory does not hold yet.
  const tail = `((SELECT coalesce(max(seq), 0) FROM events) >> ${BUCKET_BITS} << ${BUCKET_BITS})`;
  const roots = `WITH RECURSIVE b(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM b WHERE k + 1 < ${tail} >> ${BUCKET_BITS}),
     roots(seq) AS (
       SELECT r.seq FROM b CROSS JOIN journal_roots r WHERE r.bucket = b.k AND r.message_id = @id
       UNION ALL
       SELECT seq FROM events WHERE seq >= ${tail} AND msg IS NULL AND message_id = @id)`;
  const byMessage = db.prepare<{ id: string }, EventRow>(
    `${roots}
     SELECT * FROM events WHERE seq IN (SELECT seq FROM roots)
     UNION ALL
     SELECT * FROM events WHERE msg IS NOT NULL AND msg IN (SELECT seq FROM roots)
     ORDER BY seq`,
  );
  const rootOf = db.prepare<{ id: string }, { seq: number }>(
    `${roots} SELECT seq FROM roots ORDER BY seq LIMIT 1`,
  );
  // A bucket's roots enter the directory sorted, in one statement, when the bucket is full.
  const seal = db.prepare<[number, number]>(
    `INSERT OR IGNORE INTO journal_roots (bucket, message_id, seq)
     SELECT seq >> ${BUCKET_BITS}, message_id, seq FROM events
     WHERE seq >= ? AND seq < ? AND msg IS NULL AND message_id IS NOT NULL
     ORDER BY message_id, seq`,
  );
  const BUCKET = 1 << BUCKET_BITS;
  const sealIfFull = (seq: number): number => {
    if ((seq & (BUCKET - 1)) === 0 && seq > 0) seal.run(seq - BUCKET, seq);
    return seq;
  };
  const lastSeq = db.prepare<[], { seq: number | null }>('SELECT max(seq) AS seq FROM events');
  const count = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM events');
  return {
    /**
     * Appends one row; returns its `seq`. Journal event: the row itself. The first row of a
     * bucket seals the one before it into the roots' directory.
     */
    insert: (r: NewEventRow): number =>
      sealIfFull(
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
