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
import {
  compositionActors,
  parseGroupArg,
  parsePipelineArg,
  type CompositionArg,
} from './composition-arg.ts';
import { parseJsonFlag } from './json-arg.ts';
import { defaultForkDb, defaultRunDb, requireNewDb, requireWritablePath } from './run-files.ts';
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
 * @throws CliError `INVALID_ARGUMENT` for a bad number, `MISSING_VALUE` for `--queues` without a
 *   queue name (`--queues ,`), which would otherwise mean every queue.
 */
export function checkWorker(a: Parsed, io: Io): WorkerArgs {
  const childRaw = str(a, 'child-index');
  const queues = [
    ...new Set(
      list(a, 'queues')
        .flatMap((q) => q.split(','))
        .map((q) => q.trim())
        .filter((q) => q !== ''),
    ),
  ];
  if (queues.length === 0 && list(a, 'queues').length > 0) {
    throw cliError(
      'MISSING_VALUE',
      `flag \`--queues\` (-Q) of \`rehearsal worker\` got no queue name in ${list(a, 'queues')
        .map((q) => JSON.stringify(q))
        .join(', ')}; it needs one: --queues QUEUE ...`,
      { command: 'worker', flag: '--queues', value: list(a, 'queues') },
      ["to consume every queue of the module's actors, leave out --queues"],
    );
  }
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
    queues,
    inProcess: bool(a, 'in-process'),
    verbose: bool(a, 'verbose'),
  };
}

/** Checked options of `rehearsal enqueue`. */
export type EnqueueArgs = {
  /** The actor of a single message; null with --pipeline or --group. */
  actorName: string | null;
  /** A pipeline or group instead of a single message. */
  composition: CompositionArg | null;
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
 * Checks `rehearsal enqueue` arguments: ACTOR or --pipeline or --group, the JSON of every flag,
 * --delay, and that the actors can be found at all.
 * @throws CliError `MISSING_ARGUMENT`, `CONFLICTING_ARGUMENTS`, `INVALID_JSON`, `ARGS_NOT_ARRAY`,
 *   `KWARGS_NOT_OBJECT`, `EMPTY_PIPELINE`, `INVALID_PIPELINE`, `EMPTY_GROUP`, `INVALID_GROUP`,
 *   `INVALID_ARGUMENT`, `ACTOR_NOT_FOUND` (no --module and no database).
 */
export function checkEnqueue(a: Parsed, io: Io): EnqueueArgs {
  const actorName = a.positionals[0] ?? null;
  const pipelineText = str(a, 'pipeline');
  const groupText = str(a, 'group');
  const onCompleteText = str(a, 'on-complete');
  const given = [
    ...(actorName !== null ? [`ACTOR (${actorName})`] : []),
    ...(pipelineText !== undefined ? ['--pipeline'] : []),
    ...(groupText !== undefined ? ['--group'] : []),
  ];
  if (given.length === 0) {
    throw cliError(
      'MISSING_ARGUMENT',
      '`rehearsal enqueue` needs ACTOR (the actor name), or --pipeline or --group',
      { command: 'enqueue', argument: 'ACTOR' },
      ['usage: rehearsal enqueue ACTOR [options]', 'see `rehearsal enqueue --help`'],
    );
  }
  if (given.length > 1) {
    throw cliError(
      'CONFLICTING_ARGUMENTS',
      `give one of ACTOR, --pipeline or --group to \`rehearsal enqueue\`, not ${given.join(' and ')}`,
      { command: 'enqueue' },
    );
  }
  if (onCompleteText !== undefined && groupText === undefined) {
    throw cliError(
      'CONFLICTING_ARGUMENTS',
      '--on-complete goes with --group: it is sent once every child of the group has completed',
      { flag: '--on-complete' },
    );
  }
  const composed = pipelineText !== undefined || groupText !== undefined;
  if (composed) {
    const single = ['args', 'kwargs', 'queue'].filter((f) => str(a, f) !== undefined);
    if (single.length > 0) {
      throw cliError(
        'CONFLICTING_ARGUMENTS',
        `--${single[0]} is for a single message; with ${pipelineText !== undefined ? '--pipeline' : '--group'} give "args", "kwargs" and "options" in each step`,
        { flag: `--${single[0]}` },
        [`e.g. --pipeline '[{"actor": "add", "args": [1, 2]}, {"actor": "double"}]'`],
      );
    }
  }
  const composition =
    pipelineText !== undefined
      ? parsePipelineArg(pipelineText)
      : groupText !== undefined
        ? parseGroupArg(groupText, onCompleteText)
        : null;
  const delayRaw = str(a, 'delay');
  const checked: EnqueueArgs = {
    actorName,
    composition,
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
  // Without a module, only the database can name the actors: no database, no actor.
  if (checked.modules.length === 0 && !dbExists(checked.file)) {
    const first = actorName ?? compositionActors(composition!)[0]!;
    throw actorNotFound(first, [], [], checked.file, false);
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

const CLOCKS = ['virtual', 'real'] as const;

/** Checked options of `rehearsal run`. */
export type RunArgs = {
  scenarioFile: string;
  /** The run database: --db, else the default name (`<scenario>.run.db` in the cwd). */
  db: string;
  journal: string | null;
  seed: number | null;
  clock: (typeof CLOCKS)[number] | null;
  report: boolean;
  json: boolean;
};

/**
 * Checks `rehearsal run` arguments (the scenario itself is validated by the command).
 * @throws CliError `INVALID_ARGUMENT` (seed, clock, a --journal path whose folder is missing).
 */
export function checkRun(a: Parsed, _io: Io): RunArgs {
  const scenarioFile = a.positionals[0]!;
  const seedRaw = str(a, 'seed');
  const clockRaw = str(a, 'clock');
  let clock: RunArgs['clock'] = null;
  if (clockRaw !== undefined) {
    if (!(CLOCKS as readonly string[]).includes(clockRaw)) {
      throw cliError(
        'INVALID_ARGUMENT',
        `--clock must be virtual or real, got ${JSON.stringify(clockRaw)}${didYouMean(clockRaw, CLOCKS)}`,
        { flag: '--clock', value: clockRaw },
      );
    }
    clock = clockRaw as RunArgs['clock'];
  }
  const journal = str(a, 'journal') ?? null;
  if (journal !== null) requireWritablePath('--journal', journal);
  const db = str(a, 'db');
  return {
    scenarioFile,
    db: db !== undefined && db !== '' ? db : defaultRunDb(scenarioFile),
    journal,
    seed: seedRaw === undefined ? null : intFlag('--seed', seedRaw, 0, { min: 0, max: 0xffffffff }),
    clock,
    report: bool(a, 'report'),
    json: bool(a, 'json'),
  };
}

/** Checked options of `rehearsal state`. */
export type StateArgs = { file: string; at: number; limit: number; json: boolean };

/**
 * Checks `rehearsal state` arguments.
 * @throws CliError `MISSING_ARGUMENT` (no --at), `INVALID_ARGUMENT`, `DB_NOT_FOUND`.
 */
export function checkState(a: Parsed, io: Io): StateArgs {
  const atRaw = str(a, 'at');
  if (atRaw === undefined) {
    throw cliError(
      'MISSING_ARGUMENT',
      '`rehearsal state` needs --at SEQ: the event to show the world at (see `rehearsal journal` for the seqs)',
      { command: 'state', argument: '--at' },
      ['e.g. rehearsal state --at 120 --db demo.run.db'],
    );
  }
  const at = intFlag('--at', atRaw, 0, { min: 0 });
  const limit = intFlag('--limit', str(a, 'limit'), 50, { min: 1 });
  const file = dbPath(str(a, 'db'), io.env);
  requireDbFile(file);
  return { file, at, limit, json: bool(a, 'json') };
}

/** Checked options of `rehearsal replay`. */
export type ReplayArgs = { run: string; keep: string | null; message: string | null };

/**
 * Checks `rehearsal replay` arguments.
 * @throws CliError `DB_NOT_FOUND`, `CONFLICTING_ARGUMENTS` (--db with --message), `DB_NOT_EMPTY`.
 */
export function checkReplay(a: Parsed, _io: Io): ReplayArgs {
  const run = a.positionals[0]!;
  requireDbFile(run);
  const keep = str(a, 'db') ?? null;
  const message = str(a, 'message') ?? null;
  if (keep !== null && message !== null) {
    throw cliError(
      'CONFLICTING_ARGUMENTS',
      '--message walks the stored run without re-running it, so there is no replayed run to keep with --db',
      { flag: '--db' },
    );
  }
  if (keep !== null) requireNewDb(keep, 'replay');
  return { run, keep, message };
}

/** Checked options of `rehearsal fork`. */
export type ForkArgs = {
  run: string;
  at: number;
  sets: string[];
  /** --db, else the default name next to RUN. */
  out: string;
};

/**
 * Checks `rehearsal fork` arguments (paths and values are checked against the run by core).
 * @throws CliError `MISSING_ARGUMENT` (no --at or --set), `INVALID_ARGUMENT`, `DB_NOT_FOUND`,
 *   `DB_NOT_EMPTY` (the output exists).
 */
export function checkFork(a: Parsed, _io: Io): ForkArgs {
  const run = a.positionals[0]!;
  const atRaw = str(a, 'at');
  const sets = list(a, 'set');
  if (atRaw === undefined || sets.length === 0) {
    const missing = atRaw === undefined ? '--at SEQ' : '--set PATH=VALUE';
    throw cliError(
      'MISSING_ARGUMENT',
      `\`rehearsal fork\` needs ${missing}: a fork changes something (--set) from an event on (--at)`,
      { command: 'fork', argument: missing.split(' ')[0] },
      [
        `e.g. rehearsal fork ${run} --at 40 --set actors.send_email.options.max_retries=5`,
        'see `rehearsal fork --help` for the paths that can change',
      ],
    );
  }
  const at = intFlag('--at', atRaw, 0, { min: 0 });
  requireDbFile(run);
  const flag = str(a, 'db');
  const out = flag !== undefined && flag !== '' ? flag : defaultForkDb(run, at);
  requireNewDb(out, 'fork');
  return { run, at, sets, out };
}

/** Checked options of `rehearsal diff`. */
export type DiffArgs = { a: string; b: string; json: boolean };

/**
 * Checks `rehearsal diff` arguments.
 * @throws CliError `INVALID_ARGUMENT` (--db, which diff does not use), `DB_NOT_FOUND`.
 */
export function checkDiff(a: Parsed, _io: Io): DiffArgs {
  if (str(a, 'db') !== undefined) {
    throw cliError(
      'INVALID_ARGUMENT',
      '`rehearsal diff` compares RUN_A and RUN_B and takes no --db; pass both run files as arguments',
      { flag: '--db' },
      ['e.g. rehearsal diff base.run.db base.fork-at-40.db'],
    );
  }
  const [runA, runB] = [a.positionals[0]!, a.positionals[1]!];
  requireDbFile(runA);
  requireDbFile(runB);
  return { a: runA, b: runB, json: bool(a, 'json') };
}

/** Checked options of `rehearsal result`. */
export type ResultArgs = { file: string; message: string; waitMs: number | null };

/**
 * Checks `rehearsal result` arguments.
 * @throws CliError `INVALID_ARGUMENT` (--wait), `DB_NOT_FOUND`.
 */
export function checkResult(a: Parsed, io: Io): ResultArgs {
  const waitRaw = str(a, 'wait');
  const file = dbPath(str(a, 'db'), io.env);
  const waitMs = waitRaw === undefined ? null : intFlag('--wait', waitRaw, 0, { min: 0 });
  requireDbFile(file);
  return { file, message: a.positionals[0]!, waitMs };
}

/** Checked options of `rehearsal profile`. */
export type ProfileArgs = {
  /** MODULE or SCENARIO as given. */
  target: string;
  kind: 'module' | 'scenario';
  actors: string[];
  /** Messages of the load; null: the default (10000 for a module, a scenario's own load). */
  messages: number | null;
  args: unknown[];
  threads: number | null;
  processes: number | null;
  clock: 'real' | 'virtual' | null;
  out: string | null;
  /** A new database to keep the run in; null: a temporary file. */
  db: string | null;
  verbose: boolean;
};

/**
 * Checks `rehearsal profile` arguments (the module, scenario and actor names are checked by the
 * command).
 * @throws CliError `INVALID_ARGUMENT`, `INVALID_JSON`, `ARGS_NOT_ARRAY`, `DB_NOT_EMPTY`.
 */
export function checkProfile(a: Parsed, _io: Io): ProfileArgs {
  const target = a.positionals[0]!;
  const clockRaw = str(a, 'clock');
  if (clockRaw !== undefined && !(CLOCKS as readonly string[]).includes(clockRaw)) {
    throw cliError(
      'INVALID_ARGUMENT',
      `--clock must be real or virtual, got ${JSON.stringify(clockRaw)}${didYouMean(clockRaw, CLOCKS)}`,
      { flag: '--clock', value: clockRaw },
    );
  }
  const optionalInt = (flag: string, max: number): number | null => {
    const raw = str(a, flag.slice(2));
    return raw === undefined ? null : intFlag(flag, raw, 1, { min: 1, max });
  };
  const out = str(a, 'out') ?? null;
  if (out !== null) requireWritablePath('--out', out);
  const db = str(a, 'db');
  if (db !== undefined && db !== '') {
    requireWritablePath('--db', db);
    requireNewDb(db, 'run');
  }
  return {
    target,
    kind: /\.json$/i.test(target) ? 'scenario' : 'module',
    actors: [...new Set(list(a, 'actor').flatMap((n) => n.split(',').map((x) => x.trim())))].filter(
      (n) => n !== '',
    ),
    messages: optionalInt('--messages', 100_000_000),
    args: parseJsonFlag('--args', str(a, 'args') ?? '[]', 'array') as unknown[],
    threads: optionalInt('--threads', 1024),
    processes: optionalInt('--processes', 256),
    clock: (clockRaw ?? null) as ProfileArgs['clock'],
    out,
    db: db !== undefined && db !== '' ? db : null,
    verbose: bool(a, 'verbose'),
  };
}
