/**
 * The first pass over a command's arguments: everything that can be checked without the engine
 * (numbers, JSON, flag combinations, whether the database file exists). `main` runs it before it
 * loads the command's code, so most mistakes are reported at once; the command then works from
 * the checked options. Checks that need the engine (queue names, modules, the database's
 * contents) happen in the commands.
 */
import { intFlag, type Parsed } from './args.ts';
import { bool, list, str } from './command.ts';
import { dbExists, dbPath, requireDbFile } from './db-file.ts';
import { cliError, type CliError } from './errors.ts';
import type { Io } from './io.ts';
import { parseJsonFlag } from './json-arg.ts';
import { closest, didYouMean } from './suggest.ts';

/** Dramatiq's `--worker-shutdown-timeout` default, ms. */
const DEFAULT_SHUTDOWN_TIMEOUT_MS = 600_000;

/** Checked options of `rehearsal worker`. */
export type WorkerArgs = {
  moduleSpec: string;
  file: string;
  threads: number;
  processes: number;
  shutdownTimeoutMs: number;
  /** Set in a process started by `--processes N`. */
  childIndex: number | null;
  /** `--queues` words as given (split at commas); names are checked by the command. */
  queues: string[];
  inProcess: boolean;
  verbose: boolean;
};

/**
 * Checks `rehearsal worker` arguments (flags only; the module and queue names are checked by the
 * command).
 * @throws CliError `INVALID_ARGUMENT` for a bad number.
 */
export function checkWorker(a: Parsed, io: Io): WorkerArgs {
  const childRaw = str(a, 'child-index');
  return {
    moduleSpec: a.positionals[0]!,
    file: dbPath(str(a, 'db'), io.env),
    threads: intFlag('--threads', str(a, 'threads'), 8, { min: 1, max: 1024 }),
    processes: intFlag('--processes', str(a, 'processes'), 1, { min: 1, max: 256 }),
    shutdownTimeoutMs: intFlag(
      '--worker-shutdown-timeout',
      str(a, 'worker-shutdown-timeout'),
      DEFAULT_SHUTDOWN_TIMEOUT_MS,
      { min: 0 },
    ),
    childIndex: childRaw === undefined ? null : intFlag('--child-index', childRaw, 0, { min: 0 }),
    queues: [
      ...new Set(
        list(a, 'queues')
          .flatMap((q) => q.split(','))
          .map((q) => q.trim())
          .filter((q) => q !== ''),
      ),
    ],
    inProcess: bool(a, 'in-process'),
    verbose: bool(a, 'verbose'),
  };
}

/** Checked options of `rehearsal enqueue`. */
export type EnqueueArgs = {
  actorName: string;
  args: unknown[];
  kwargs: Record<string, unknown>;
  delayMs: number | null;
  /** `--queue` as given; checked by the command. */
  queue: string | null;
  modules: string[];
  file: string;
  json: boolean;
};

/**
 * Checks `rehearsal enqueue` arguments: the JSON of --args and --kwargs, --delay, and that the
 * actor can be found at all.
 * @throws CliError `INVALID_JSON`, `ARGS_NOT_ARRAY`, `KWARGS_NOT_OBJECT`, `INVALID_ARGUMENT`,
 *   `ACTOR_NOT_FOUND` (no --module and no database).
 */
export function checkEnqueue(a: Parsed, io: Io): EnqueueArgs {
  const delayRaw = str(a, 'delay');
  const checked: EnqueueArgs = {
    actorName: a.positionals[0]!,
    args: parseJsonFlag('--args', str(a, 'args') ?? '[]', 'array') as unknown[],
    kwargs: parseJsonFlag('--kwargs', str(a, 'kwargs') ?? '{}', 'object') as Record<
      string,
      unknown
    >,
    delayMs: delayRaw === undefined ? null : intFlag('--delay', delayRaw, 0, { min: 0 }),
    queue: str(a, 'queue') ?? null,
    modules: list(a, 'module'),
    file: dbPath(str(a, 'db'), io.env),
    json: bool(a, 'json'),
  };
  // Without a module, only the database can name the actor: no database, no actor.
  if (checked.modules.length === 0 && !dbExists(checked.file)) {
    throw actorNotFound(checked.actorName, [], [], checked.file, false);
  }
  return checked;
}

/**
 * The error for an actor that neither the modules nor the database know.
 * @param known actor names that are known, for the list and the "did you mean".
 */
export function actorNotFound(
  name: string,
  known: readonly string[],
  modules: readonly string[],
  file: string,
  dbIsThere: boolean,
): CliError {
  const names = [...new Set(known)].sort();
  const best = closest(name, names);
  const where = [...modules, ...(dbIsThere ? [`the actors workers declared on ${file}`] : [])];
  const hint: string[] = [];
  if (names.length > 0) hint.push(`known actors: ${names.join(', ')}`);
  if (!dbIsThere && modules.length === 0) {
    hint.push(
      `${file} does not exist yet, so no worker has declared actors on it: pass the actor module with --module FILE, or start \`rehearsal worker FILE --db ${file}\` first`,
    );
  } else if (modules.length === 0) {
    hint.push('an actor is known once a worker has loaded its module; or pass --module FILE');
  }
  return cliError(
    'ACTOR_NOT_FOUND',
    `unknown actor \`${name}\`${best ? ` — did you mean \`${best}\`?` : ''}${where.length > 0 ? ` (looked in ${where.join(' and ')})` : ''}`,
    { actor: name, suggestion: best, known: names },
    hint,
  );
}

/** Checked options of `rehearsal queues`. */
export type QueuesArgs = { file: string; json: boolean };

/**
 * Checks `rehearsal queues` arguments.
 * @throws CliError `DB_NOT_FOUND` (and the other db-file.ts errors).
 */
export function checkQueues(a: Parsed, io: Io): QueuesArgs {
  const file = dbPath(str(a, 'db'), io.env);
  requireDbFile(file);
  return { file, json: bool(a, 'json') };
}

const FORMATS = ['jsonl', 'table'] as const;

/** Checked options of `rehearsal journal`. */
export type JournalArgs = {
  file: string;
  format: (typeof FORMATS)[number];
  from: number;
  follow: boolean;
};

/**
 * Checks `rehearsal journal` arguments; the format defaults to table on a terminal, else JSONL.
 * @throws CliError `INVALID_ARGUMENT`, `DB_NOT_FOUND`.
 */
export function checkJournal(a: Parsed, io: Io): JournalArgs {
  const raw = str(a, 'format');
  let format: JournalArgs['format'];
  if (raw === undefined) format = io.stdout.isTTY ? 'table' : 'jsonl';
  else if ((FORMATS as readonly string[]).includes(raw)) format = raw as JournalArgs['format'];
  else {
    throw cliError(
      'INVALID_ARGUMENT',
      `--format must be jsonl or table, got ${JSON.stringify(raw)}${didYouMean(raw, FORMATS)}`,
      { flag: '--format', value: raw },
    );
  }
  const from = intFlag('--from', str(a, 'from'), 1, { min: 1 });
  const file = dbPath(str(a, 'db'), io.env);
  requireDbFile(file);
  return { file, format, from, follow: bool(a, 'follow') };
}

/** Checked options of `rehearsal dlq list`. */
export type DlqListArgs = { file: string; queue: string | null; limit: number; json: boolean };

/**
 * Checks `rehearsal dlq list` arguments.
 * @throws CliError `INVALID_ARGUMENT`, `DB_NOT_FOUND`.
 */
export function checkDlqList(a: Parsed, io: Io): DlqListArgs {
  const limit = intFlag('--limit', str(a, 'limit'), 1000, { min: 1 });
  const file = dbPath(str(a, 'db'), io.env);
  requireDbFile(file);
  return { file, queue: str(a, 'queue') ?? null, limit, json: bool(a, 'json') };
}

/** Checked options of `rehearsal dlq requeue`. */
export type DlqRequeueArgs = { file: string; ids: number[] | 'all'; queue: string | null };

/**
 * Checks `rehearsal dlq requeue` arguments: ids or --all, and --queue only with --all.
 * @throws CliError `MISSING_ARGUMENT`, `CONFLICTING_ARGUMENTS`, `INVALID_ARGUMENT`, `DB_NOT_FOUND`.
 */
export function checkDlqRequeue(a: Parsed, io: Io): DlqRequeueArgs {
  const all = bool(a, 'all');
  const queue = str(a, 'queue') ?? null;
  if (all && a.positionals.length > 0) {
    throw cliError(
      'CONFLICTING_ARGUMENTS',
      'give either dead letter ids or --all to `rehearsal dlq requeue`, not both',
    );
  }
  if (!all && a.positionals.length === 0) {
    throw cliError(
      'MISSING_ARGUMENT',
      '`rehearsal dlq requeue` needs dead letter ids (see `rehearsal dlq list`) or --all',
      { command: 'dlq requeue' },
    );
  }
  if (!all && queue !== null) {
    throw cliError(
      'CONFLICTING_ARGUMENTS',
      '--queue goes with --all; ids already name their dead letters',
    );
  }
  const ids = a.positionals.map((raw) => intFlag('ID', raw, 0, { min: 1 }));
  const file = dbPath(str(a, 'db'), io.env);
  requireDbFile(file);
  return { file, ids: all ? 'all' : ids, queue };
}

/** Checked options of `rehearsal dlq purge`. */
export type DlqPurgeArgs = { file: string; queue: string | null };

/**
 * Checks `rehearsal dlq purge` arguments.
 * @throws CliError `DB_NOT_FOUND`.
 */
export function checkDlqPurge(a: Parsed, io: Io): DlqPurgeArgs {
  const file = dbPath(str(a, 'db'), io.env);
  requireDbFile(file);
  return { file, queue: str(a, 'queue') ?? null };
}
