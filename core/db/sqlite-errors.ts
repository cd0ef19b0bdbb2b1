/**
 * What SQLite's failures mean for the user's file, as coded errors.
 *
 * Contract:
 * 1. A failure that says something about the file or its disk becomes a `RehearsalError` naming
 *    the file and what to do: `DB_FULL` (no space left, or the size limit reached),
 *    `DB_READ_ONLY` (the file, its folder or its disk cannot be written), `DB_CORRUPT` (the file
 *    is damaged or truncated), `DB_IO_ERROR` (the disk failed to read or write). The SQLite code
 *    is kept in `details.sqlite`, the original error in `cause`.
 * 2. Everything else passes through unchanged — in particular `SQLITE_BUSY`, which callers retry.
 * 3. The transaction that failed was rolled back by SQLite: each message says nothing was written.
 */
import { RehearsalError } from '../errors.ts';

/** The SQLite result code of `err` (`SQLITE_FULL`…), or null for anything else. */
export function sqliteCode(err: unknown): string | null {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : null;
}

/** SQLITE_BUSY (and its extended codes): the write lock stayed taken past the busy timeout. */
export function isDatabaseBusy(err: unknown): boolean {
  return sqliteCode(err)?.startsWith('SQLITE_BUSY') === true;
}

/**
 * The coded error for a SQLite failure on `file` (contract item 1), or null when `err` is not one
 * of those (contract item 2).
 */
export function sqliteFileError(err: unknown, file: string): RehearsalError | null {
  const code = sqliteCode(err);
  if (code === null) return null;
  const why = (err as Error).message;
  const coded = (name: string, message: string): RehearsalError => {
    const e = new RehearsalError(name, message, { file, sqlite: code });
    (e as { cause?: unknown }).cause = err;
    return e;
  };
  if (code === 'SQLITE_FULL')
    return coded(
      'DB_FULL',
      `${file} is full: ${why}; nothing of this change was written — free some disk space (or pass a database on another disk with --db) and try again`,
    );
  if (code.startsWith('SQLITE_READONLY')) {
    const e = readOnlyError(file, why);
    e.details.sqlite = code;
    (e as { cause?: unknown }).cause = err;
    return e;
  }
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB')
    return coded(
      'DB_CORRUPT',
      `${file} is damaged or truncated (${why}); nothing was written — restore it from a copy, or start over with a new file (--db NEW.db)`,
    );
  if (code.startsWith('SQLITE_IOERR') || code.startsWith('SQLITE_CANTOPEN'))
    return coded(
      'DB_IO_ERROR',
      `cannot read or write ${file} (${why}): the disk may be full, removed or failing; nothing of this change was written — check the disk and the file, then try again`,
    );
  return null;
}

/** `DB_READ_ONLY` for `file`, saying why (contract item 1). */
export function readOnlyError(file: string, why: string): RehearsalError {
  return new RehearsalError(
    'DB_READ_ONLY',
    `${file} cannot be written (${why}); Rehearsal writes to its database even to read it (start time, migrations) — make the file and its folder writable (chmod u+w), or copy it somewhere writable and pass that with --db`,
    { file },
  );
}
