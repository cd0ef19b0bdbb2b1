/**
 * Opening the database without surprises.
 *
 * Contract:
 * 1. `openExisting` opens only a file that is there (db-file.ts contract item 2); `openOrCreate`
 *    creates a missing one (worker, enqueue).
 * 2. A file that is refused (not SQLite, not Rehearsal, newer schema) is left byte for byte as it
 *    was; the error is core's (`DB_NOT_SQLITE`, `DB_NOT_REHEARSAL`, `DB_NEWER_SCHEMA`).
 * 3. `readableFile` lets the commands that only read take a file they cannot write (a run copied
 *    read-only from a workshop share): SQLite writes even to read (the WAL index, migrations), so
 *    such a file is read through a private copy, removed when the process ends.
 */
import {
  accessSync,
  chmodSync,
  closeSync,
  constants,
  copyFileSync,
  existsSync,
  mkdtempSync,
  openSync,
  readSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import {
  runChangeClock,
  sqliteFileError,
  SqliteBroker,
  type Clock,
  type Logger,
} from '../core/index.ts';
import { dbSize, requireDbFile } from './db-file.ts';
import { CliError, isCoded } from './errors.ts';

/**
 * Opens an existing Rehearsal database (contract item 1).
 * @throws CliError `DB_NOT_FOUND`, `DB_NOT_REHEARSAL` (empty file); RehearsalError from core's openDb.
 */
export function openExisting(file: string, logger?: Logger): SqliteBroker {
  requireDbFile(file);
  return open(file, logger);
}

/**
 * The path a read-only command opens for `file` (contract item 3): `file` itself, or a private
 * copy when `file` or its folder cannot be written.
 * @throws CliError `DB_NOT_FOUND`, `DB_NOT_REHEARSAL` (empty file).
 */
export function readableFile(file: string): string {
  requireDbFile(file);
  if (writable(file) && writable(dirname(file))) return file;
  const dir = mkdtempSync(join(tmpdir(), 'rehearsal-read-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const copy = join(dir, basename(file));
  copyFileSync(file, copy);
  chmodSync(copy, 0o600);
  if (existsSync(`${file}-wal`)) {
    copyFileSync(`${file}-wal`, `${copy}-wal`);
    chmodSync(`${copy}-wal`, 0o600);
  }
  return copy;
}

function writable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** Opens a database, creating it when absent (contract item 1). */
export function openOrCreate(file: string, logger?: Logger): SqliteBroker {
  dbSize(file);
  return open(file, logger);
}

/** The database this process opened last, for SQLite errors that surface later (reads). */
let lastOpened: string | null = null;

function open(file: string, logger: Logger | undefined, clock?: Clock): SqliteBroker {
  probeRollbackFile(file);
  lastOpened = file;
  return new SqliteBroker({ file, ...(logger ? { logger } : {}), ...(clock ? { clock } : {}) });
}

/**
 * Opens an existing database for a hand-made change (`dlq requeue`, `dlq purge`): a simulation
 * run on virtual time gets a clock at its last event (`runChangeClock`), so the change's rows
 * follow the run's time; run the change through `manualChange` so forks know of it.
 * @throws as `openExisting`.
 */
export function openForChange(file: string): SqliteBroker {
  requireDbFile(file);
  probeRollbackFile(file);
  return open(file, undefined, runChangeClock(file) ?? undefined);
}

/**
 * A SQLite failure met after opening (a damaged page found by a query, a full disk at close) as
 * core's coded error naming the database; anything else unchanged.
 */
export function explainDbError(err: unknown): unknown {
  return (lastOpened !== null && sqliteFileError(err, lastOpened)) || err;
}

/**
 * Contract item 2 for files in rollback-journal mode. core's `openDb` switches a file to WAL
 * before it checks the schema version, so a newer-schema file in rollback mode would be modified
 * on its way to `DB_NEWER_SCHEMA`. Rehearsal always writes WAL files, so a rollback-mode file is
 * rare (foreign, or a copy made with `VACUUM INTO`): such a file is first opened as a temporary
 * copy, and only a copy that opens cleanly lets the real file be opened.
 * TODO(core): drop this once openDb checks the version before changing the journal mode.
 */
function probeRollbackFile(file: string): void {
  if (!isRollbackModeSqlite(file)) return;
  const dir = mkdtempSync(join(tmpdir(), 'rehearsal-probe-'));
  const copy = join(dir, 'probe.db');
  try {
    copyFileSync(file, copy);
    new SqliteBroker({ file: copy }).close();
  } catch (err) {
    if (isCoded(err)) {
      throw new CliError(err.code, err.message.split(copy).join(file), {
        ...err.details,
        file,
      });
    }
    throw err;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The first 20 bytes of `file` when it is a SQLite database (its header says so), else null. */
export function sqliteHeader(file: string): Buffer | null {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return null;
  }
  try {
    const buf = Buffer.alloc(20);
    const n = readSync(fd, buf, 0, 20, 0);
    return n === 20 && buf.toString('latin1', 0, 16) === 'SQLite format 3\u0000' ? buf : null;
  } finally {
    closeSync(fd);
  }
}

/** True for a SQLite file whose header says rollback-journal (not WAL) mode. */
function isRollbackModeSqlite(file: string): boolean {
  return sqliteHeader(file)?.[18] === 1;
}
