/**
 * The checks of `rehearsal serve` (no engine code, so bad arguments answer at once): what the
 * TARGET is — a run database, a scenario (file or gallery name) or an actor module — and the port.
 */
import { intFlag, type Parsed } from '../args.ts';
import { str } from '../command.ts';
import { dbPath } from '../db-file.ts';
import { cliError } from '../errors.ts';
import type { Io } from '../io.ts';

/** What `serve` opens. */
export type ServeTarget =
  | { kind: 'none' }
  | { kind: 'db'; file: string }
  | { kind: 'scenario'; scenario: string }
  | { kind: 'module'; spec: string };

/** Checked options of `rehearsal serve`. */
export type ServeArgs = {
  target: ServeTarget;
  /** The database of the first run (scenario runs go to free siblings when it is taken). */
  file: string;
  /** 0: a free port. */
  port: number;
  verbose: boolean;
};

const MODULE_EXT = /\.(?:[cm]?[jt]s)$/;

/** Classifies TARGET by its shape: `*.db`, `*.json` or a bare gallery name, a script file. */
export function classifyTarget(word: string | undefined): ServeTarget {
  if (word === undefined || word === '') return { kind: 'none' };
  if (/\.(?:db|sqlite3?)$/i.test(word)) return { kind: 'db', file: word };
  if (MODULE_EXT.test(word)) return { kind: 'module', spec: word };
  if (/\.json$/i.test(word) || /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(word))
    return { kind: 'scenario', scenario: word };
  throw cliError(
    'INVALID_ARGUMENT',
    `cannot tell what ${JSON.stringify(word)} is: give a scenario (a .json file or a gallery name like retries-with-backoff), an actor module (.ts/.js) or a run database (.db)`,
    { target: word },
  );
}

/**
 * Checks `rehearsal serve` arguments.
 * @throws CliError `INVALID_ARGUMENT` for a bad port or an unreadable TARGET.
 */
export function checkServe(a: Parsed, io: Io): ServeArgs {
  const target = classifyTarget(a.positionals[0]);
  const dbFlag = str(a, 'db');
  if (target.kind === 'db' && dbFlag !== undefined && dbFlag !== target.file)
    throw cliError(
      'INVALID_ARGUMENT',
      `give the run database once: either as TARGET (${target.file}) or with --db (${dbFlag})`,
      { target: target.file, db: dbFlag },
    );
  return {
    target,
    file: target.kind === 'db' ? target.file : dbPath(dbFlag, io.env),
    port: intFlag('--port', str(a, 'port'), 0, { min: 0, max: 65_535 }),
    verbose: a.values.verbose === true,
  };
}
