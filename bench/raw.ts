/**
 * The physical limit: bare better-sqlite3 on a `messages` table shaped exactly like the engine's,
 * with the engine's own claim / ack / insert statements, WAL and synchronous=NORMAL. No journal,
 * no middleware, no JSON decoding: what SQLite alone can do on this machine.
 */
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { RealClock, SqliteBroker } from '../core/index.ts';
import { ACTOR, noopBody, QUEUE, timeSync, type Timed } from './lib.ts';

type Db = InstanceType<typeof Database>;

type Row = {
  message_id: string;
  queue: string;
  actor: string;
  state: number;
  ready_at: number;
  body: string;
  label: string | null;
  attempts: number;
  enqueued_at: number;
};

/** Same text as the engine's insert (core/db/statements/messages.ts). */
const INSERT_SQL = `INSERT INTO messages (message_id, queue, actor, state, ready_at, body, label, attempts, enqueued_at)
  VALUES (@message_id, @queue, @actor, @state, @ready_at, @body, @label, @attempts, @enqueued_at)`;

/** Same text as the engine's claim. */
const CLAIM_SQL = `UPDATE messages SET state = 2, lease_owner = @owner, lease_until = @until
  WHERE id IN (SELECT id FROM messages WHERE queue = @queue AND state < 2 AND ready_at <= @now ORDER BY ready_at, id LIMIT @limit)
  RETURNING *`;

/** Same text as the engine's ack. */
const ACK_SQL = 'DELETE FROM messages WHERE id = ? AND lease_owner = ? AND state = 2';

const OWNER = 'bench-raw';
const LEASE_MS = 60_000;

let ddlCache: string[] | null = null;

/**
 * The DDL of `messages` and its indexes as the engine creates them today: a throwaway engine
 * file is migrated and its `sqlite_master` read back, so the raw table follows later migrations.
 */
export function messagesDdl(dir: string): string[] {
  if (ddlCache) return ddlCache;
  const file = join(dir, 'ddl-source.db');
  new SqliteBroker({ file, clock: new RealClock() }).close();
  const db = new Database(file, { readonly: true });
  try {
    const rows = db
      .prepare<[], { type: string; sql: string }>(
        "SELECT type, sql FROM sqlite_master WHERE tbl_name = 'messages' AND sql IS NOT NULL ORDER BY type = 'table' DESC, name",
      )
      .all();
    ddlCache = rows.map((r) => r.sql);
  } finally {
    db.close();
  }
  return ddlCache;
}

/** A fresh raw database with the engine's pragmas (WAL, synchronous=NORMAL). */
function openRaw(dir: string, name: string): Db {
  const ddl = messagesDdl(dir);
  const db = new Database(join(dir, name));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 10000');
  for (const sql of ddl) db.exec(sql);
  return db;
}

/** `n` ready rows with real engine bodies, built before any timing starts. */
function makeRows(n: number): Row[] {
  const now = Date.now();
  const rows: Row[] = [];
  for (let i = 0; i < n; i++) {
    const id = randomUUID();
    rows.push({
      message_id: id,
      queue: QUEUE,
      actor: ACTOR,
      state: 0,
      ready_at: now,
      body: noopBody(i, id),
      label: null,
      attempts: 0,
      enqueued_at: now,
    });
  }
  return rows;
}

function insertBatched(db: Db, rows: Row[], batch: number): void {
  const insert = db.prepare<Row>(INSERT_SQL);
  const tx = db.transaction((chunk: Row[]) => {
    for (const r of chunk) insert.run(r);
  });
  for (let i = 0; i < rows.length; i += batch) tx.immediate(rows.slice(i, i + batch));
}

/** `raw_sqlite_insert_batched_per_s`: 1000 inserts per IMMEDIATE transaction. */
export function rawInsertBatched(dir: string, n: number): Timed {
  const db = openRaw(dir, 'raw-insert.db');
  try {
    const rows = makeRows(n);
    return timeSync(n, () => insertBatched(db, rows, 1000));
  } finally {
    db.close();
  }
}

/**
 * `raw_sqlite_claim_ack_per_s` (batch 100) and `raw_sqlite_claim_ack_single_per_s` (batch 1):
 * prefill `n` rows (untimed), then claim `batch` rows per transaction with UPDATE … RETURNING and
 * ack (DELETE) the same `batch` rows in a second transaction, until the queue is empty.
 */
export function rawClaimAck(dir: string, n: number, batch: number): Timed {
  const db = openRaw(dir, `raw-claim-ack-${batch}.db`);
  try {
    insertBatched(db, makeRows(n), 1000);
    const claim = db.prepare<
      { queue: string; now: number; owner: string; until: number; limit: number },
      { id: number }
    >(CLAIM_SQL);
    const ack = db.prepare<[number, string]>(ACK_SQL);
    const claimTx = db.transaction((limit: number) => {
      const now = Date.now();
      return claim.all({ queue: QUEUE, now, owner: OWNER, until: now + LEASE_MS, limit });
    });
    const ackTx = db.transaction((rows: { id: number }[]) => {
      for (const r of rows) ack.run(r.id, OWNER);
    });
    let done = 0;
    const timed = timeSync(n, () => {
      for (;;) {
        const rows = claimTx.immediate(batch);
        if (rows.length === 0) break;
        ackTx.immediate(rows);
        done += rows.length;
      }
    });
    return { ...timed, messages: done };
  } finally {
    db.close();
  }
}

/** `select sqlite_version()` of the better-sqlite3 build the engine uses. */
export function sqliteVersion(): string {
  const db = new Database(':memory:');
  try {
    return db.prepare<[], { v: string }>('select sqlite_version() AS v').get()?.v ?? 'unknown';
  } finally {
    db.close();
  }
}
