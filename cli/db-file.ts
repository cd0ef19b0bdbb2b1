/**
 * Which database file a command uses, and whether it is there; no engine code, so the checks run
 * before the engine loads (see checks.ts).
 *
 * Contract:
 * 1. The file is `--db FILE`, else `$REHEARSAL_DB`, else `./rehearsal.db` (relative to the cwd).
 * 2. Commands that only read, and commands that change an existing database (dlq requeue/purge),
 *    need an existing, non-empty file: otherwise `DB_NOT_FOUND` (or `DB_NOT_REHEARSAL` for an
 *    empty file), and nothing is created.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { cliError, CliError } from './errors.ts';

/** The database file of a command (contract item 1). */
export function dbPath(
  flag: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): string {
  if (flag !== undefined && flag !== '') return flag;
  const fromEnv = env.REHEARSAL_DB;
  return fromEnv !== undefined && fromEnv !== '' ? fromEnv : 'rehearsal.db';
}

/**
 * File size, or null when the path does not exist.
 * @throws CliError `DB_NOT_A_FILE` for a directory, `DB_PATH_INVALID` for a path the system
 *   refuses (too long, a loop of links, no permission to look).
 */
export function dbSize(file: string): number | null {
  try {
    const st = statSync(file);
    if (st.isDirectory()) {
      throw cliError(
        'DB_NOT_A_FILE',
        `${file} is a directory; pass a database file with --db (e.g. --db ${join(file, 'rehearsal.db')})`,
        { file },
      );
    }
    return st.size;
  } catch (err) {
    if (err instanceof CliError) throw err;
    const code = (err as { code?: string }).code;
    // ENOTDIR: a parent is a file (`notes.txt/x.db`), so the database is not there either.
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw cliError(
      'DB_PATH_INVALID',
      `cannot use ${file} as a database file (${code ?? 'error'}: ${(err as Error).message}); pass another path with --db`,
      { file, errno: code ?? null },
    );
  }
}

/** True when the path exists (and is not a directory). */
export function dbExists(file: string): boolean {
  return dbSize(file) !== null;
}

/**
 * Checks that `file` is there to be opened (contract item 2).
 * @throws CliError `DB_NOT_FOUND`, `DB_NOT_REHEARSAL` (empty file), `DB_NOT_A_FILE`.
 */
export function requireDbFile(file: string): void {
  const size = dbSize(file);
  if (size === null) {
    throw cliError(
      'DB_NOT_FOUND',
      `database ${file} does not exist; start a worker or enqueue a message with --db ${file} to create it, or pass the right file with --db`,
      { file },
    );
  }
  if (size === 0) {
    throw cliError(
      'DB_NOT_REHEARSAL',
      `${file} is an empty file, not a Rehearsal database yet; start a worker or enqueue a message with --db ${file} to initialise it`,
      { file },
    );
  }
}
