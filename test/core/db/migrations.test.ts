import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import {
  actor,
  RehearsalError,
  SeededRng,
  SqliteBroker,
  VirtualClock,
  Worker,
} from '../../../core/index.ts';
import {
  APPLICATION_ID,
  LATEST_SCHEMA_VERSION,
  MIGRATIONS,
} from '../../../core/db/migrations/index.ts';
import { tempDbPath } from '../../helpers/temp-db.ts';

const open = (file: string): SqliteBroker =>
  new SqliteBroker({ file, clock: new VirtualClock(), rng: new SeededRng(1) });

const sha = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');

function pragmas(file: string): { version: number; appId: number; tables: string[] } {
  const db = new Database(file, { readonly: true });
  try {
    return {
      version: db.pragma('user_version', { simple: true }) as number,
      appId: db.pragma('application_id', { simple: true }) as number,
      tables: (
        db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as {
          name: string;
        }[]
      ).map((r) => r.name),
    };
  } finally {
    db.close();
  }
}

/** Expects opening `file` to fail with `code`, naming the file, and to leave it byte-identical. */
function expectRefused(file: string, code: string): RehearsalError {
  const before = sha(file);
  const siblings = readdirSync(dirname(file)).sort();
  let caught: unknown;
  try {
    open(file).close();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(RehearsalError);
  const err = caught as RehearsalError;
  expect(err.code).toBe(code);
  expect(err.message).toContain(file);
  expect(sha(file)).toBe(before);
  expect(readdirSync(dirname(file)).sort()).toEqual(siblings);
  return err;
}

describe('database migrations', () => {
  it('creates a fresh file at the latest schema version, marked as a Rehearsal database', () => {
    const file = tempDbPath();
    open(file).close();
    const p = pragmas(file);
    expect(p.version).toBe(LATEST_SCHEMA_VERSION);
    expect(p.version).toBe(MIGRATIONS.length);
    expect(p.appId).toBe(APPLICATION_ID);
    expect(p.tables).toEqual(expect.arrayContaining(['actors', 'events', 'messages', 'queues']));
  });

  it('numbers migrations 1, 2, 3… with no gaps', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
  });

  it('reopens a file at the latest version without changing it', () => {
    const file = tempDbPath();
    const b = open(file);
    actor(() => 1, { actorName: 'a', broker: b }).send();
    b.close();
    const again = open(file);
    expect(again.pendingCount()).toBe(1);
    expect(again.journal.lastSeq()).toBe(1);
    again.close();
    expect(pragmas(file).version).toBe(LATEST_SCHEMA_VERSION);
  });

  it.each(MIGRATIONS.slice(0, -1).map((m) => m.version))(
    'migrates a file at version %i forward to the latest, keeping its data',
    (from) => {
      const file = tempDbPath();
      const db = new Database(file);
      for (const m of MIGRATIONS.filter((x) => x.version <= from)) db.exec(m.sql);
      db.pragma(`user_version = ${from}`);
      db.pragma(`application_id = ${APPLICATION_ID}`);
      db.prepare("INSERT INTO queues (name, declared_at) VALUES ('kept', 0)").run();
      db.close();
      const b = open(file);
      expect(b.knownQueues()).toContain('kept');
      b.close();
      expect(pragmas(file).version).toBe(LATEST_SCHEMA_VERSION);
    },
  );

  it("finds a message's history written before migration 6 and after it", async () => {
    const file = tempDbPath();
    const db = new Database(file);
    for (const m of MIGRATIONS.filter((x) => x.version <= 5)) db.exec(m.sql);
    db.pragma('user_version = 5');
    db.pragma(`application_id = ${APPLICATION_ID}`);
    const id = '0b0e9a4e-5b1c-4c5e-9a51-3f6f2b1d2c3a';
    const ins = db.prepare(
      "INSERT INTO events (at, wall, kind, message_id, actor, queue) VALUES (?, 0, ?, ?, 'a', 'default')",
    );
    ins.run(1, 'enqueued', id);
    ins.run(2, 'started', id);
    ins.run(3, 'failed', id);
    db.close();
    const b = open(file);
    b.journal.append({ kind: 'dead_lettered', messageId: id, actor: 'a', queue: 'default' });
    expect(b.journal.history(id).map((x) => [x.seq, x.kind])).toEqual([
      [1, 'enqueued'],
      [2, 'started'],
      [3, 'failed'],
      [4, 'dead_lettered'],
    ]);
    b.close();
  });

  it('finishes a message queued before migration 8 (no root on its row) with its whole history', async () => {
    const file = tempDbPath();
    const b7 = new SqliteBroker({ file, clock: new VirtualClock(), rng: new SeededRng(1) });
    const m = actor((x: number) => x * 2, { actorName: 'double', broker: b7 }).send(21);
    b7.close();
    // Take the file back to schema 7: the row forgets its root, as rows written before 8 did, and
    // the roots' directory of 10 goes.
    const db = new Database(file);
    db.exec(
      'UPDATE messages SET root = NULL; ALTER TABLE messages DROP COLUMN root; DROP TABLE journal_roots',
    );
    db.pragma('user_version = 7');
    db.close();
    const clock = new VirtualClock();
    const b = new SqliteBroker({ file, clock, rng: new SeededRng(2) });
    actor((x: number) => x * 2, { actorName: 'double', broker: b });
    const w = new Worker(b, { threads: 1 });
    w.start();
    await clock.run({ untilIdle: true });
    await w.stop();
    expect(b.journal.history(m.messageId).map((e) => e.kind)).toEqual([
      'enqueued',
      'started',
      'succeeded',
      'acked',
    ]);
    b.close();
    expect(pragmas(file).version).toBe(LATEST_SCHEMA_VERSION);
    // Every later row points at the first one, found through the index.
    const check = new Database(file, { readonly: true });
    const rows = check
      .prepare('SELECT seq, msg FROM events WHERE message_id = ? ORDER BY seq')
      .all(m.messageId) as { seq: number; msg: number | null }[];
    check.close();
    expect(rows.map((r) => r.msg)).toEqual([null, rows[0]!.seq, rows[0]!.seq, rows[0]!.seq]);
  });

  it("finds every message's history in a file written before migration 10, its roots in sealed buckets and the open one", () => {
    const file = tempDbPath();
    const b10 = open(file);
    const noop = actor((_i: number) => undefined, { actorName: 'noop', broker: b10 });
    const ids: string[] = [];
    // 9,000 roots and their `delayed` rows: buckets 0–3 sealed, bucket 4 open.
    b10.batch(() => {
      for (let i = 0; i < 9000; i++)
        ids.push(noop.sendWithOptions({ args: [i], delayMs: 1 }).messageId);
    });
    b10.close();
    // Take the file back to schema 9: the index of migration 7 instead of the directory.
    const db = new Database(file);
    db.exec(
      'DROP TABLE journal_roots; CREATE INDEX events_root_bucket ON events (seq >> 12, message_id) WHERE msg IS NULL AND message_id IS NOT NULL',
    );
    db.pragma('user_version = 9');
    db.close();
    const b = open(file);
    for (const i of [0, 2047, 4095, 8191, 8999]) {
      expect(b.journal.history(ids[i]!).map((e) => e.kind)).toEqual(['enqueued', 'delayed']);
    }
    b.close();
    const check = new Database(file, { readonly: true });
    const sealed = check
      .prepare('SELECT count(*) AS n, max(bucket) AS last FROM journal_roots')
      .get();
    const index = check
      .prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'events_root_bucket'")
      .get();
    check.close();
    // Seqs 1..18,000: buckets 0–3 hold the roots of seqs 1..16,383 (every other row is a root).
    expect(sealed).toEqual({ n: 8192, last: 3 });
    expect(index).toEqual({ n: 0 });
    expect(pragmas(file).version).toBe(LATEST_SCHEMA_VERSION);
  });

  it('refuses a Rehearsal file with a newer schema version (WAL mode) with DB_NEWER_SCHEMA, byte-identical', () => {
    const file = tempDbPath();
    open(file).close();
    const db = new Database(file);
    db.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 1}`);
    db.close();
    const err = expectRefused(file, 'DB_NEWER_SCHEMA');
    expect(err.details).toMatchObject({
      version: LATEST_SCHEMA_VERSION + 1,
      supported: LATEST_SCHEMA_VERSION,
    });
  });

  it('refuses a newer Rehearsal file in rollback-journal mode without switching it to WAL', () => {
    const file = tempDbPath();
    const db = new Database(file);
    db.pragma('journal_mode = DELETE');
    db.exec('CREATE TABLE future_things (x INTEGER)');
    db.pragma(`application_id = ${APPLICATION_ID}`);
    db.pragma('user_version = 999');
    db.close();
    expectRefused(file, 'DB_NEWER_SCHEMA');
    expect(pragmas(file).version).toBe(999);
  });

  it('refuses a file that is not SQLite with DB_NOT_SQLITE, byte-identical', () => {
    const file = tempDbPath('notes.db');
    writeFileSync(file, 'these are my notes, not a database\n'.repeat(10));
    expectRefused(file, 'DB_NOT_SQLITE');
  });

  it('refuses a SQLite database of another application with DB_NOT_REHEARSAL, byte-identical', () => {
    const file = tempDbPath('other.db');
    const db = new Database(file);
    db.exec("CREATE TABLE contacts (name TEXT); INSERT INTO contacts VALUES ('Ada');");
    db.close();
    expectRefused(file, 'DB_NOT_REHEARSAL');
  });

  it('creates a database in an empty file', () => {
    const file = tempDbPath();
    writeFileSync(file, '');
    open(file).close();
    expect(pragmas(file).version).toBe(LATEST_SCHEMA_VERSION);
  });
});
