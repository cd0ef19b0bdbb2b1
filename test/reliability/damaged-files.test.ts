/**
 * Damaged database files: a truncated or garbled file, a file that is not SQLite, a file from a
 * newer Rehearsal, a read-only file, a full disk. Each is refused with a coded error that names
 * the file and what to do — through core (`openDb`, the broker) and through the CLI — and a
 * refused operation leaves the file byte for byte as it was; a full disk rolls the transaction
 * back and keeps what was there before.
 */
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, copyFileSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import {
  actor,
  group,
  RehearsalError,
  SeededRng,
  SqliteBroker,
  startServer,
  VirtualClock,
  type Actor,
} from '../../core/index.ts';
import { openDb } from '../../core/db/open-db.ts';
import { BIN, fileState } from '../cli/run-cli.ts';
import { runMain, type MainResult } from '../helpers/run-main.ts';
import { tempDir } from '../helpers/temp-db.ts';

/** `PRAGMA application_id` of a Rehearsal database ("RHRS"). */
const REHEARSAL_APP_ID = 0x52485253;

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

/** A closed Rehearsal database with `count` messages for actor `add` (one file: no WAL left). */
function goodDb(dir: string, count = 200): string {
  const file = join(dir, 'good.db');
  const broker = new SqliteBroker({ file, clock: new VirtualClock(), rng: new SeededRng(1) });
  const add = actor((x: number, _pad: string) => x, { actorName: 'add', broker });
  for (let i = 0; i < count; i++) add.send(i, 'x'.repeat(200));
  broker.close();
  return file;
}

/** A copy of `file` named `name` in the same folder. */
function copyAs(file: string, name: string): string {
  const to = join(file, '..', name);
  copyFileSync(file, to);
  return to;
}

/** Opens `file` with core's `openDb` and returns the error it is refused with. */
function refusedByOpenDb(file: string): RehearsalError {
  let caught: unknown;
  try {
    openDb(file).close();
  } catch (err) {
    caught = err;
  }
  expect(caught, 'openDb refuses the file').toBeInstanceOf(RehearsalError);
  return caught as RehearsalError;
}

/** Asserts a coded CLI refusal naming the file, with no stack trace. */
function expectCoded(r: MainResult, code: string, file: string, exit = 2): void {
  expect(r.stderr).toContain(`error [${code}]: `);
  expect(r.stderr).toContain(file);
  expect(r.stderr).not.toContain('[INTERNAL]');
  expect(r.stderr).not.toMatch(/^\s+at /m);
  expect(r.code).toBe(exit);
}

/** The CLI commands every damaged file is tried with: one that reads, one that writes. */
async function readAndWrite(dir: string, file: string): Promise<[MainResult, MainResult]> {
  const read = await runMain(['queues', '--db', file], { cwd: dir });
  const write = await runMain(['enqueue', 'add', '--args', '[1]', '--db', file], { cwd: dir });
  return [read, write];
}

/** Makes `file` read-only for this process; null when that is impossible here. */
function makeReadOnly(file: string): (() => void) | null {
  if (process.getuid?.() !== 0) {
    chmodSync(file, 0o444);
    return () => chmodSync(file, 0o644);
  }
  // Root writes through any mode bits; an immutable file refuses even root.
  try {
    execFileSync('chattr', ['+i', file], { stdio: 'ignore' });
    return () => execFileSync('chattr', ['-i', file], { stdio: 'ignore' });
  } catch {
    return null;
  }
}

describe('damaged database files', () => {
  it('refuses a truncated database with DB_CORRUPT naming the file, leaving it as it was', async () => {
    const dir = tempDir();
    const good = goodDb(dir);
    const half = copyAs(good, 'half.db');
    truncateSync(half, Math.floor(readFileSync(good).length / 2 / 4096) * 4096);
    const stub = copyAs(good, 'stub.db');
    truncateSync(stub, 50); // the header survives, the schema does not
    for (const file of [half, stub]) {
      const before = fileState(file);
      const err = refusedByOpenDb(file);
      expect(err.code).toBe('DB_CORRUPT');
      expect(err.message).toContain(file);
      expect(err.message).toContain('restore it from a copy');
      const [read, write] = await readAndWrite(dir, file);
      expectCoded(read, 'DB_CORRUPT', file);
      expectCoded(write, 'DB_CORRUPT', file);
      expect(fileState(file)).toBe(before);
    }
    // The engine behind `rehearsal serve` refuses it the same way.
    await expect(startServer({ db: half })).rejects.toMatchObject({ code: 'DB_CORRUPT' });
  });

  it('reports a damaged page found while reading with DB_CORRUPT, not as a bug', async () => {
    const dir = tempDir();
    const file = copyAs(goodDb(dir), 'garbled.db');
    const bytes = readFileSync(file);
    // Garble the middle of every third page after the schema: the header and schema stay valid.
    for (let page = 2; page * 4096 < bytes.length - 4096; page += 3)
      bytes.fill(0xff, page * 4096 + 100, page * 4096 + 164);
    writeFileSync(file, bytes);
    const before = fileState(file);
    const r = await runMain(['journal', '--db', file], { cwd: dir });
    expectCoded(r, 'DB_CORRUPT', file);
    expect(fileState(file)).toBe(before);
  });

  it('refuses a file that is not SQLite with DB_NOT_SQLITE, leaving it as it was', async () => {
    const dir = tempDir();
    const file = join(dir, 'notes.db');
    writeFileSync(file, 'shopping list: eggs, milk\n'.repeat(100));
    const before = fileState(file);
    const err = refusedByOpenDb(file);
    expect(err.code).toBe('DB_NOT_SQLITE');
    expect(err.message).toContain(file);
    const [read, write] = await readAndWrite(dir, file);
    expectCoded(read, 'DB_NOT_SQLITE', file);
    expectCoded(write, 'DB_NOT_SQLITE', file);
    expect(fileState(file)).toBe(before);
  });

  it.each(['WAL', 'DELETE'])(
    'refuses a database from a newer Rehearsal (%s journal) with DB_NEWER_SCHEMA, leaving it as it was',
    async (mode) => {
      const dir = tempDir();
      const file = join(dir, 'future.db');
      const db = new Database(file);
      db.pragma(`journal_mode = ${mode}`);
      db.exec('CREATE TABLE from_the_future (x)');
      db.pragma(`application_id = ${REHEARSAL_APP_ID}`);
      db.pragma('user_version = 99'); // migrations up to 99; this build knows fewer
      db.close();
      const before = fileState(file);
      const err = refusedByOpenDb(file);
      expect(err.code).toBe('DB_NEWER_SCHEMA');
      expect(err.message).toContain(`${file} has schema version 99`);
      expect(err.message).toContain('upgrade Rehearsal');
      expect(fileState(file)).toBe(before);
      const [read, write] = await readAndWrite(dir, file);
      expectCoded(read, 'DB_NEWER_SCHEMA', file);
      expectCoded(write, 'DB_NEWER_SCHEMA', file);
      expect(fileState(file)).toBe(before);
    },
  );

  it('refuses to write a read-only file with DB_READ_ONLY saying how to fix it, and still reads it', async (ctx) => {
    const dir = tempDir();
    const file = copyAs(goodDb(dir), 'locked.db');
    const before = fileState(file);
    const undo = makeReadOnly(file);
    if (!undo) return ctx.skip('cannot make a file read-only here (root without chattr)');
    cleanups.push(undo);
    const err = refusedByOpenDb(file);
    expect(err.code).toBe('DB_READ_ONLY');
    expect(err.message).toContain(file);
    expect(err.message).toContain('make the file and its folder writable');
    const [read, write] = await readAndWrite(dir, file);
    // A command that only reads reads it (through a private copy, cli/db.ts).
    expect(read.stderr).toBe('');
    expect(read.stdout).toMatch(/QUEUE\s+READY/);
    expectCoded(write, 'DB_READ_ONLY', file);
    expect(fileState(file)).toBe(before);
    // A read-only open (time travel, `result`) still reads it.
    const ro = openDb(file, { readonly: true });
    expect(ro.prepare('SELECT count(*) AS n FROM messages').get()).toEqual({ n: 200 });
    ro.close();
  });

  it('rolls back a write on a full disk with DB_FULL, keeping everything written before', () => {
    const dir = tempDir();
    const file = join(dir, 'full.db');
    const broker = new SqliteBroker({ file, clock: new VirtualClock(), rng: new SeededRng(1) });
    cleanups.push(() => broker.close());
    const add: Actor = actor((x: string) => x, { actorName: 'add', broker });
    for (let i = 0; i < 10; i++) add.send(`kept-${i}`);
    // The disk is full: the file may not grow by a single page.
    const db = (broker.store as unknown as { db: Database.Database }).db;
    db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`);
    let caught: unknown;
    try {
      add.send('y'.repeat(200_000));
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(RehearsalError);
    const e = caught as RehearsalError;
    expect(e.code).toBe('DB_FULL');
    expect(e.message).toContain(file);
    expect(e.message).toContain('free some disk space');
    // A group is all or nothing: none of its children went in.
    const children = Array.from({ length: 20 }, (_, i) =>
      add.message(`c${i}${'z'.repeat(20_000)}`),
    );
    expect(() => group(children, { broker }).run()).toThrow(
      expect.objectContaining({ code: 'DB_FULL' }),
    );
    const rows = db.prepare('SELECT count(*) AS n FROM messages').get() as { n: number };
    expect(rows.n).toBe(10);
    expect(broker.stats().find((q) => q.queue === 'default')?.ready).toBe(10);
    const events = [...broker.journal.iterate(0)].filter((ev) => ev.kind === 'enqueued');
    expect(events).toHaveLength(10);
    // Room again: the broker carries on.
    db.pragma('max_page_count = 1073741823');
    add.send('after');
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  });

  it(
    'refuses a write the disk cannot hold, through the CLI, with a coded error and the file intact',
    { timeout: 60_000 },
    async () => {
      const dir = tempDir();
      const file = goodDb(dir);
      const before = fileState(file);
      // The write-ahead log may not grow past 48 KiB (RLIMIT_FSIZE; SIGXFSZ ignored so the write
      // fails with EFBIG instead of killing the process), so a 100 kB message cannot be written.
      const big = JSON.stringify(['x'.repeat(100_000)]);
      const script = `trap '' XFSZ; ulimit -f 48; exec "$0" "$@"`;
      const r = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
        const child = spawn(
          'sh',
          ['-c', script, process.execPath, BIN, 'enqueue', 'add', '--args', big, '--db', file],
          { cwd: dir, env: { ...process.env, REHEARSAL_NO_BUNDLE: '1' } },
        );
        let stderr = '';
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        child.on('error', reject);
        child.on('exit', (code) => resolve({ code, stderr }));
      });
      expect(r.stderr).toMatch(/error \[DB_(FULL|IO_ERROR)\]: /);
      expect(r.stderr).toContain(file);
      expect(r.stderr).toContain('nothing of this change was written');
      expect(r.stderr).not.toContain('[INTERNAL]');
      expect(r.code).toBe(1);
      expect(fileState(file)).toBe(before);
      const after = await runMain(['queues', '--json', '--db', file], { cwd: dir });
      expect(JSON.parse(after.stdout)).toEqual([
        expect.objectContaining({ queue: 'default', ready: 200 }),
      ]);
    },
  );
});
