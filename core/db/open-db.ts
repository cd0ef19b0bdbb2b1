/**
 * Opening a Rehearsal database file.
 *
 * Contract:
 * 1. A file is either new (created and migrated), a Rehearsal database (migrated forward), or
 *    refused with a coded error naming the file and what to do — never modified when refused:
 *    not SQLite, not Rehearsal's, a newer schema, damaged or truncated, read-only, on a full or
 *    failing disk (sqlite-errors.ts).
 * 2. Pragmas: WAL (files only), synchronous=NORMAL, busy_timeout, foreign keys on.
 * 3. No module-level handle: every caller owns the `Database` it opened.
 */
import {
  accessSync,
  closeSync,
  constants,
  existsSync,
  openSync,
  readSync,
  statSync,
} from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { RehearsalError } from '../errors.ts';
import { assertNotNewer, migrate } from './migrate.ts';
import { readOnlyError, sqliteFileError } from './sqlite-errors.ts';
import { APPLICATION_ID } from './migrations/index.ts';
import type { Db } from './types.ts';

/** Options of `openDb`. */
export type OpenDbOptions = {
  /** Milliseconds a writer waits for the lock before failing (default 10000). */
  busyTimeoutMs?: number;
  /** Open without writing anything (no migrations); fails if the file does not exist. */
  readonly?: boolean;
};

const SQLITE_HEADER = 'SQLite format 3\u0000';

/** Why a file cannot be written, by errno. */
const WRITE_DENIED: Readonly<Record<string, string>> = {
  EACCES: 'no write permission',
  EPERM: 'writing is not permitted: an immutable file?',
  EROFS: 'it is on a read-only file system',
};

/** The busy timeout a connection opened with `opts` waits for the write lock, ms. */
export function busyTimeoutOf(opts: OpenDbOptions): number {
  return Math.max(0, Math.floor(opts.busyTimeoutMs ?? 10_000));
}

/**
 * Opens (and creates or migrates) a database file, or `:memory:`.
 * @throws RehearsalError `DB_NOT_SQLITE`, `DB_NOT_REHEARSAL`, `DB_NEWER_SCHEMA`, `DB_CORRUPT`
 *   (damaged or truncated), `DB_READ_ONLY`, `DB_FULL`, `DB_IO_ERROR` (sqlite-errors.ts),
 *   `DB_OPEN_FAILED`, `DB_NOT_FOUND` (readonly) — each naming the file and what to do.
 */
export function openDb(file: string, opts: OpenDbOptions = {}): Db {
  const memory = file === ':memory:';
  if (!memory) checkHeader(file, opts.readonly === true);
  let db: Db;
  try {
    db = new Database(file, {
      readonly: opts.readonly === true,
      fileMustExist: opts.readonly === true,
    });
  } catch (err) {
    throw openFailed(err, file);
  }
  try {
    db.pragma(`busy_timeout = ${busyTimeoutOf(opts)}`);
    checkIdentity(db, file);
    if (!opts.readonly) {
      // Before any pragma that writes: a refused newer file must stay byte-identical.
      assertNotNewer(db, file);
      if (!memory) db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('cache_size = -65536');
      // Savepoints inside a group commit keep their undo pages in a statement journal: in memory,
      // not in a temporary file (a held simulation switches back, see SqliteStore.holdWrites).
      db.pragma('temp_store = MEMORY');
      // Checkpoint the WAL less often (each checkpoint syncs): 10k pages ≈ 40 MB of log.
      db.pragma('wal_autocheckpoint = 10000');
      db.pragma('foreign_keys = ON');
      migrate(db, file);
    }
    return db;
  } catch (err) {
    db.close();
    if (err instanceof RehearsalError) throw err;
    throw openFailed(err, file);
  }
}

/** The coded error for a file SQLite would not open: a known file problem, else DB_OPEN_FAILED. */
function openFailed(err: unknown, file: string): RehearsalError {
  return (
    sqliteFileError(err, file) ??
    new RehearsalError(
      'DB_OPEN_FAILED',
      `cannot open database ${file}: ${(err as Error).message}`,
      { file },
    )
  );
}

function checkHeader(file: string, readonly: boolean): void {
  if (!existsSync(file)) {
    if (readonly)
      throw new RehearsalError(
        'DB_NOT_FOUND',
        `database ${file} does not exist; run a worker or \`rehearsal run\` with --db ${file} first`,
        { file },
      );
    checkFolder(file);
    return;
  }
  // SQLite would fall back to reading and fail at the first write, maybe halfway through a command.
  if (!readonly) {
    const denied = writeDenied(file);
    if (denied !== null) throw readOnlyError(file, denied);
  }
  if (statSync(file).size === 0) return;
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(16);
    const n = readSync(fd, buf, 0, 16, 0);
    if (n < 16 || buf.toString('latin1') !== SQLITE_HEADER) {
      throw new RehearsalError(
        'DB_NOT_SQLITE',
        `${file} is not a SQLite database (wrong header); pass a Rehearsal database file with --db, or a new path to create one`,
        { file },
      );
    }
  } finally {
    closeSync(fd);
  }
}

/** A new file's folder must exist and be writable (SQLite would only say "unable to open"). */
function checkFolder(file: string): void {
  const dir = dirname(resolve(file));
  if (!existsSync(dir))
    throw new RehearsalError(
      'DB_DIR_NOT_FOUND',
      `cannot create database ${file}: the folder ${dir} does not exist; create it first (mkdir -p) or pass another path with --db`,
      { file, dir },
    );
  const denied = writeDenied(dir);
  if (denied !== null)
    throw new RehearsalError(
      'DB_READ_ONLY',
      `cannot create database ${file}: the folder ${dir} cannot be written (${denied}); pass a path in a folder you can write with --db`,
      { file, dir },
    );
}

/** Why this process cannot write `path` (a file or a folder), or null when it can. */
function writeDenied(path: string): string | null {
  try {
    accessSync(path, constants.W_OK);
    return null;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? '';
    return WRITE_DENIED[code] ?? `not writable: ${code}`;
  }
}

function checkIdentity(db: Db, file: string): void {
  let appId: number;
  let tables: number;
  try {
    appId = db.pragma('application_id', { simple: true }) as number;
    tables = (
      db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get() as {
        n: number;
      }
    ).n;
  } catch (err) {
    // A damaged file is DB_CORRUPT; a disk that fails to read is not the file's fault.
    const known = sqliteFileError(err, file);
    if (known) throw known;
    throw new RehearsalError(
      'DB_NOT_SQLITE',
      `${file} cannot be read as a SQLite database (${(err as Error).message}); it may be damaged or truncated — restore it from a copy or start a new file`,
      { file },
    );
  }
  if (appId !== APPLICATION_ID && tables > 0) {
    throw new RehearsalError(
      'DB_NOT_REHEARSAL',
      `${file} is a SQLite database but not a Rehearsal database; pass a new path with --db to create one`,
      { file },
    );
  }
}
