/**
 * The files of simulation commands (run, fork, replay): default names, refusing to overwrite a
 * run, checking an output path before the work starts, and removing a half-written database.
 * No engine code, so the checks answer before the engine loads (see checks.ts).
 *
 * Contract:
 * 1. `run` and `fork` write new files only: an existing, non-empty file is `DB_NOT_EMPTY`, with a
 *    free name to pass with --db.
 * 2. A database these commands created and then failed to complete is removed with its `-wal`,
 *    `-shm` and `-journal` companions, so bad input leaves nothing behind.
 */
import { existsSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { dbSize } from './db-file.ts';
import { cliError } from './errors.ts';

/** `scenarios/retries.json` → `retries.run.db` (in the current directory). */
export function defaultRunDb(scenarioFile: string): string {
  return `${stem(scenarioFile)}.run.db`;
}

/** `runs/retries.run.db`, seq 40 → `runs/retries.fork-at-40.db` (next to the run). */
export function defaultForkDb(runFile: string, atSeq: number): string {
  return join(dirname(runFile), `${stem(runFile)}.fork-at-${atSeq}.db`);
}

/** The file name without its directory and its `.json` / `.run.db` / `.db` ending. */
function stem(file: string): string {
  const name = basename(file);
  for (const end of ['.run.db', '.db', '.json']) {
    if (name.endsWith(end) && name.length > end.length) return name.slice(0, -end.length);
  }
  const ext = extname(name);
  return ext && ext !== name ? name.slice(0, -ext.length) : name;
}

/** `x.run.db` if free, else `x-2.run.db`, `x-3.run.db`… (for hints). */
export function freeName(file: string): string {
  if (!existsSync(file)) return file;
  const dir = dirname(file);
  const name = basename(file);
  const end = name.endsWith('.run.db') && name.length > 7 ? '.run.db' : extname(name);
  const [head, tail] = end && end !== name ? [name.slice(0, -end.length), end] : [name, ''];
  for (let i = 2; ; i++) {
    const candidate = dir === '.' ? `${head}-${i}${tail}` : join(dir, `${head}-${i}${tail}`);
    if (!existsSync(candidate)) return candidate;
  }
}

/**
 * Checks that `file` can receive a new run (contract item 1): absent or empty.
 * @throws CliError `DB_NOT_EMPTY` naming a free file to use instead; `DB_NOT_A_FILE`.
 */
export function requireNewDb(file: string, what: 'run' | 'fork' | 'replay'): void {
  const size = dbSize(file);
  if (size === null || size === 0) return;
  throw cliError(
    'DB_NOT_EMPTY',
    `${file} already exists; a ${what} always goes into a new database file, so it is not overwritten`,
    { file },
    [
      `pass another file with --db, e.g. --db ${freeName(file)}`,
      `or delete ${file} first to ${what === 'run' ? 'run again' : 'reuse the name'}`,
    ],
  );
}

/**
 * Checks an output file's folder before the work that will write it starts.
 * @throws CliError `INVALID_ARGUMENT` naming the flag: a missing folder, or a path that is a folder.
 */
export function requireWritablePath(flag: string, file: string): void {
  let isDir = false;
  try {
    isDir = statSync(file).isDirectory();
  } catch {
    // absent: fine
  }
  if (isDir) {
    throw cliError('INVALID_ARGUMENT', `${flag} ${file} is a directory; give a file name`, {
      flag,
      file,
    });
  }
  const dir = dirname(file);
  let dirOk = false;
  try {
    dirOk = statSync(dir).isDirectory();
  } catch {
    dirOk = false;
  }
  if (!dirOk) {
    throw cliError(
      'INVALID_ARGUMENT',
      `${flag} ${file}: the folder ${dir} does not exist; create it first`,
      { flag, file },
    );
  }
}

/** Removes a database file and its SQLite companions (contract item 2); never throws. */
export function removeDbFiles(file: string): void {
  for (const f of [file, `${file}-wal`, `${file}-shm`, `${file}-journal`]) {
    try {
      rmSync(f, { force: true });
    } catch {
      // best effort (Windows cannot delete an open file)
    }
  }
}

/**
 * Runs `onSignal` on the first Ctrl+C (SIGINT) or SIGTERM; a second one exits at once with 130.
 * Returns a function that removes the handlers.
 */
export function onInterrupt(onSignal: () => void): () => void {
  let signals = 0;
  const handler = (): void => {
    signals++;
    if (signals === 1) onSignal();
    else process.exit(EXIT_INTERRUPTED);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}

/** Meta key of a run stopped by Ctrl+C: the number of events it wrote. */
export const STOPPED_META = 'cli_stopped_at_seq';

/** Exit code of a command stopped by Ctrl+C (128 + SIGINT), as shells report it. */
export const EXIT_INTERRUPTED = 130;
