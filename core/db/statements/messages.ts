/**
 * Named statements over `messages`, `queues` and `meta`.
 *
 * Every statement here is one step of a state change; the broker runs them inside one short
 * IMMEDIATE transaction together with the journal row that records the change.
 */
import type Database from 'better-sqlite3';
import type { Db } from '../types.ts';

/** Message row states. */
export const STATE = { ready: 0, delayed: 1, inFlight: 2, dead: 3 } as const;

/** A message row as stored. */
export type MessageRow = {
  id: number;
  message_id: string;
  queue: string;
  actor: string;
  state: number;
  ready_at: number;
  body: string;
  label: string | null;
  attempts: number;
  lease_owner: string | null;
  lease_until: number | null;
  enqueued_at: number;
  dead_at: number | null;
  /** Seq of the message's first journal row (migration 8); null on older rows. */
  root: number | null;
};

/** The columns a claim reads (the rest are not needed to deliver a message). */
export type ClaimedRow = Pick<
  MessageRow,
  | 'id'
  | 'message_id'
  | 'queue'
  | 'actor'
  | 'body'
  | 'label'
  | 'attempts'
  | 'ready_at'
  | 'state'
  | 'lease_owner'
  | 'lease_until'
  | 'root'
>;

/** Columns of a new message row. */
export type NewMessageRow = Pick<
  MessageRow,
  | 'message_id'
  | 'queue'
  | 'actor'
  | 'state'
  | 'ready_at'
  | 'body'
  | 'label'
  | 'attempts'
  | 'enqueued_at'
  | 'root'
>;

/** An actor declared on this file. */
export type ActorRow = {
  name: string;
  queue: string;
  priority: number;
  options: string;
  declared_at: number;
};

/** Counts of one queue. */
export type QueueCounts = {
  queue: string;
  ready: number;
  delayed: number;
  in_flight: number;
  dead: number;
};

/** Prepares the message statements of one connection. */
export function messageStatements(db: Db) {
  const insert = db.prepare<unknown[]>(
    `INSERT INTO messages (message_id, queue, actor, state, ready_at, body, label, attempts, enqueued_at, root)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  // SELECT then UPDATE by id: an `UPDATE … WHERE id IN (SELECT … LIMIT n)` costs hundreds of µs
  // even on an empty table, while these two cost a few µs each (run inside one transaction).
  // The LIMIT is written into the text, one statement per limit in use (a worker uses a few):
  // with `LIMIT ?` this SQLite build re-plans the query on every call, ≈ 10 µs instead of ≈ 3.
  const claimSql =
    'SELECT id, message_id, queue, actor, body, label, attempts, ready_at, state, lease_owner, lease_until, root FROM messages WHERE queue = ? AND state < 2 AND ready_at <= ? ORDER BY ready_at, id LIMIT ';
  const claimByLimit = new Map<number, Database.Statement<[string, number], ClaimedRow>>();
  const claimable = (limit: number): Database.Statement<[string, number], ClaimedRow> => {
    const n = Math.max(0, Math.floor(limit));
    let stmt = claimByLimit.get(n);
    if (!stmt) {
      // A runaway set of limits would only cost memory: start over past 256 of them.
      if (claimByLimit.size >= 256) claimByLimit.clear();
      stmt = db.prepare<[string, number], ClaimedRow>(claimSql + String(n));
      claimByLimit.set(n, stmt);
    }
    return stmt;
  };
  const lease = db.prepare<[string, number, number]>(
    'UPDATE messages SET state = 2, lease_owner = ?, lease_until = ? WHERE id = ? AND state < 2',
  );
  const ack = db.prepare<[number, string]>(
    'DELETE FROM messages WHERE id = ? AND lease_owner = ? AND state = 2',
  );
  const nack = db.prepare<[number, string, number, number, string]>(
    'UPDATE messages SET state = 3, dead_at = ?, body = ?, attempts = ?, lease_owner = NULL, lease_until = NULL WHERE id = ? AND lease_owner = ? AND state = 2',
  );
  const deadDirect = db.prepare<[number, number]>(
    'UPDATE messages SET state = 3, dead_at = ?, lease_owner = NULL, lease_until = NULL WHERE id = ?',
  );
  const requeue = db.prepare<[number, number, string]>(
    'UPDATE messages SET state = 0, ready_at = ?, lease_owner = NULL, lease_until = NULL WHERE id = ? AND lease_owner = ? AND state = 2',
  );
  const holds = db.prepare<[number, string], { ready_at: number }>(
    'SELECT ready_at FROM messages WHERE id = ? AND lease_owner = ? AND state = 2',
  );
  const renew = db.prepare<[number, string]>(
    'UPDATE messages SET lease_until = ? WHERE lease_owner = ? AND state = 2',
  );
  const expired = db.prepare<[number], MessageRow>(
    'SELECT * FROM messages WHERE state = 2 AND lease_until < ? ORDER BY id',
  );
  const reclaimExpired = db.prepare<[number, number, number, number]>(
    'UPDATE messages SET state = 0, ready_at = ?, attempts = ?, lease_owner = NULL, lease_until = NULL WHERE id = ? AND state = 2 AND lease_until < ?',
  );
  // Deliveries of a message that started, from its journal rows (see `reclaimExpired`).
  const startsOf = db.prepare<[number], { n: number }>(
    "SELECT count(*) AS n FROM events WHERE msg = ? AND kind = 'started'",
  );
  const nextDue = db.prepare<[string, number], { t: number | null }>(
    'SELECT min(ready_at) AS t FROM messages WHERE queue = ? AND state < 2 AND ready_at > ?',
  );
  const nextDueAny = db.prepare<[number], { t: number | null }>(
    'SELECT min(ready_at) AS t FROM messages WHERE state = 1 AND ready_at > ?',
  );
  const counts = db.prepare<[number, number, number], QueueCounts>(
    `SELECT q.name AS queue,
       (SELECT count(*) FROM messages m WHERE m.queue = q.name AND m.state < 2 AND m.ready_at <= ?) AS ready,
       (SELECT count(*) FROM messages m WHERE m.queue = q.name AND m.state < 2 AND m.ready_at > ?) AS delayed,
       (SELECT count(*) FROM messages m WHERE m.queue = q.name AND m.state = 2) AS in_flight,
       (SELECT count(*) FROM messages m WHERE m.queue = q.name AND m.state = 3 AND m.dead_at > ?) AS dead
     FROM queues q ORDER BY q.name`,
  );
  // Counted through the partial indexes (claimable: state < 2; leased: state = 2), never by a
  // scan of the table: a worker's idle check and a drain's progress poll call these while the
  // queues hold their whole backlog, and a table scan reads every message body.
  const pendingCount = db.prepare<[string, string], { n: number }>(
    `SELECT (SELECT count(*) FROM messages WHERE queue = ? AND state < 2)
          + (SELECT count(*) FROM messages WHERE state = 2 AND queue = ?) AS n`,
  );
  const anyPending = db.prepare<[], { n: number }>(
    `SELECT (SELECT count(*) FROM messages WHERE state < 2)
          + (SELECT count(*) FROM messages WHERE state = 2) AS n`,
  );
  // Existence only: one index seek each, whatever the backlog.
  const hasPendingIn = db.prepare<[string, string], { n: number }>(
    `SELECT EXISTS (SELECT 1 FROM messages WHERE queue = ? AND state < 2)
         OR EXISTS (SELECT 1 FROM messages WHERE state = 2 AND queue = ?) AS n`,
  );
  const hasPendingAny = db.prepare<[], { n: number }>(
    `SELECT EXISTS (SELECT 1 FROM messages WHERE state < 2)
         OR EXISTS (SELECT 1 FROM messages WHERE state = 2) AS n`,
  );
  const dead = db.prepare<{ queue: string | null; since: number; limit: number }, MessageRow>(
    'SELECT * FROM messages WHERE state = 3 AND (@queue IS NULL OR queue = @queue) AND dead_at > @since ORDER BY dead_at, id LIMIT @limit',
  );
  const byId = db.prepare<[number], MessageRow>('SELECT * FROM messages WHERE id = ?');
  const deleteRow = db.prepare<[number]>('DELETE FROM messages WHERE id = ?');
  const expiredDead = db.prepare<[number, number], MessageRow>(
    'SELECT * FROM messages WHERE state = 3 AND dead_at <= ? ORDER BY id LIMIT ?',
  );
  const flushQueue = db.prepare<[string], MessageRow>(
    'SELECT * FROM messages WHERE queue = ? AND state < 2 ORDER BY id',
  );
  const declareQueue = db.prepare<[string, number]>(
    'INSERT OR IGNORE INTO queues (name, declared_at) VALUES (?, ?)',
  );
  const listQueues = db.prepare<[], { name: string; paused: number }>(
    'SELECT name, paused FROM queues ORDER BY name',
  );
  const setPaused = db.prepare<[number, string]>('UPDATE queues SET paused = ? WHERE name = ?');
  const upsertActor = db.prepare<{
    name: string;
    queue: string;
    priority: number;
    options: string;
    at: number;
  }>(
    `INSERT INTO actors (name, queue, priority, options, declared_at) VALUES (@name, @queue, @priority, @options, @at)
     ON CONFLICT (name) DO UPDATE SET queue = excluded.queue, priority = excluded.priority, options = excluded.options, declared_at = excluded.declared_at`,
  );
  const listActors = db.prepare<[], ActorRow>('SELECT * FROM actors ORDER BY name');
  const getMeta = db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?');
  const setMeta = db.prepare<[string, string]>(
    'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  );
  const insertMetaIfAbsent = db.prepare<[string, string]>(
    'INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)',
  );
  return {
    /** Stores a new message row; returns its id. */
    insert: (r: NewMessageRow): number =>
      Number(
        insert.run(
          r.message_id,
          r.queue,
          r.actor,
          r.state,
          r.ready_at,
          r.body,
          r.label,
          r.attempts,
          r.enqueued_at,
          r.root,
        ).lastInsertRowid,
      ),
    /** Leases up to `limit` claimable rows of `queue` (FIFO by ready_at, id) to `owner`. */
    claim: (
      queue: string,
      nowMs: number,
      owner: string,
      leaseUntil: number,
      limit: number,
    ): ClaimedRow[] => {
      const rows = claimable(limit).all(queue, nowMs);
      const out: ClaimedRow[] = [];
      for (const r of rows) {
        if (lease.run(owner, leaseUntil, r.id).changes !== 1) continue;
        r.state = 2;
        r.lease_owner = owner;
        r.lease_until = leaseUntil;
        out.push(r);
      }
      return out;
    },
    /** Deletes a leased row; false when `owner` no longer holds the lease. */
    ack: (id: number, owner: string): boolean => ack.run(id, owner).changes === 1,
    /**
     * Moves a leased row to the dead letters with its final body and the number of deliveries
     * that started; false when the lease is lost.
     */
    nack: (id: number, owner: string, body: string, attempts: number, nowMs: number): boolean =>
      nack.run(nowMs, body, attempts, id, owner).changes === 1,
    /** Moves any row straight to the dead letters (unknown actor, undecodable body). */
    deadDirect: (id: number, nowMs: number): void => void deadDirect.run(nowMs, id),
    /** Gives a leased row back to the back of its queue; false when the lease is lost. */
    requeue: (id: number, owner: string, nowMs: number): boolean =>
      requeue.run(nowMs, id, owner).changes === 1,
    /**
     * True while `owner` still holds the lease on row `id` from the claim that saw `readyAt`: a
     * reclaim or requeue moves `ready_at` to its own (later) time, so a delivery from before it
     * no longer matches, even when the same owner has claimed the row again since.
     */
    holdsLease: (id: number, owner: string, readyAt?: number): boolean => {
      const row = holds.get(id, owner);
      return row !== undefined && (readyAt === undefined || row.ready_at === readyAt);
    },
    /** Extends every lease `owner` holds. */
    renewLeases: (owner: string, leaseUntil: number): number =>
      renew.run(leaseUntil, owner).changes,
    /** Rows whose lease ran out before `nowMs`. */
    expiredLeases: (nowMs: number): MessageRow[] => expired.all(nowMs),
    /**
     * Returns an expired row to its queue with the number of its deliveries that started; false
     * if someone else already did.
     */
    reclaimExpired: (id: number, attempts: number, nowMs: number): boolean =>
      reclaimExpired.run(nowMs, attempts, id, nowMs).changes === 1,
    /** How many `started` rows the journal holds below the root row `root` (migration 6). */
    startsOf: (root: number): number => startsOf.get(root)?.n ?? 0,
    /** Earliest future ready_at on `queue`, or null. */
    nextDue: (queue: string, nowMs: number): number | null => nextDue.get(queue, nowMs)?.t ?? null,
    /** Earliest future ready_at on any queue, or null. */
    nextDueAny: (nowMs: number): number | null => nextDueAny.get(nowMs)?.t ?? null,
    /** Per-queue counts at `nowMs`; dead letters older than `deadSinceMs` are not counted. */
    counts: (nowMs: number, deadSinceMs: number): QueueCounts[] =>
      counts.all(nowMs, nowMs, deadSinceMs),
    /** Messages of `queue` not yet acked or dead. */
    pendingCount: (queue: string): number => pendingCount.get(queue, queue)?.n ?? 0,
    /** Messages of any queue not yet acked or dead. */
    anyPending: (): number => anyPending.get()?.n ?? 0,
    /** Whether `queue` (or any queue) has a message not yet acked or dead. */
    hasPending: (queue?: string): boolean =>
      (queue === undefined ? hasPendingAny.get() : hasPendingIn.get(queue, queue))?.n === 1,
    /** Dead letters (optionally of one queue), oldest first. */
    dead: (queue: string | null, deadSinceMs: number, limit: number): MessageRow[] =>
      dead.all({ queue, since: deadSinceMs, limit }),
    byId: (id: number): MessageRow | undefined => byId.get(id),
    deleteRow: (id: number): void => void deleteRow.run(id),
    /** Dead letters at or past their TTL. */
    expiredDead: (deadBeforeMs: number, limit: number): MessageRow[] =>
      expiredDead.all(deadBeforeMs, limit),
    /** Ready and delayed rows of a queue (for flush). */
    flushable: (queue: string): MessageRow[] => flushQueue.all(queue),
    declareQueue: (name: string, nowMs: number): boolean =>
      declareQueue.run(name, nowMs).changes === 1,
    listQueues: (): { name: string; paused: number }[] => listQueues.all(),
    setPaused: (name: string, paused: boolean): boolean =>
      setPaused.run(paused ? 1 : 0, name).changes === 1,
    /** Records an actor declaration (name, queue, priority, JSON options). */
    upsertActor: (a: {
      name: string;
      queue: string;
      priority: number;
      options: string;
      at: number;
    }): void => void upsertActor.run(a),
    /** Every actor any worker declared on this file. */
    listActors: (): ActorRow[] => listActors.all(),
    getMeta: (key: string): string | undefined => getMeta.get(key)?.value,
    setMeta: (key: string, value: string): void => void setMeta.run(key, value),
    /** Sets a meta value unless present; returns the value now stored. */
    initMeta: (key: string, value: string): string => {
      insertMetaIfAbsent.run(key, value);
      return getMeta.get(key)?.value ?? value;
    },
  };
}

export type MessageStatements = ReturnType<typeof messageStatements>;
