/**
 * `rehearsal`: the command line, like Dramatiq's `dramatiq` (spec §11) plus commands to look at
 * and act on the database (queues, journal, dead letters).
 *
 * Contract:
 * 1. `rehearsal COMMAND [args] [options]`; `dlq` has subcommands (`dlq list|requeue|purge`).
 * 2. `--help`/`-h` works on every command and on `rehearsal` itself; `--version` prints the version.
 * 3. Errors print as `error [CODE]: message` on stderr (errors.ts) and set the exit code: 0 ok,
 *    2 bad argument or module import error, 1 other failures.
 */
import { formatHelp, parseCommand } from './args.ts';
import {
  checkDlqList,
  checkDlqPurge,
  checkDlqRequeue,
  checkDiff,
  checkEnqueue,
  checkFork,
  checkJournal,
  checkProfile,
  checkQueues,
  checkReplay,
  checkResult,
  checkRun,
  checkState,
  checkWorker,
} from './checks.ts';
import type { Command } from './command.ts';
import {
  cliError,
  EXIT_OK,
  EXIT_USAGE,
  exitCodeFor,
  formatError,
  isSqliteError,
} from './errors.ts';
import { processIo, writeOut, type Io } from './io.ts';
import {
  dlqListSpec,
  dlqPurgeSpec,
  dlqRequeueSpec,
  diffSpec,
  enqueueSpec,
  forkSpec,
  greedyQueues,
  journalSpec,
  profileSpec,
  queuesSpec,
  replaySpec,
  resultSpec,
  runSpec,
  serveSpec,
  stateSpec,
  workerSpec,
} from './specs.ts';
import { checkServe } from './commands/serve-args.ts';
import { didYouMean } from './suggest.ts';
import { version } from './version.ts';

// Each command is checked first (checks.ts, no engine code); its code, and with it the engine, is
// imported only when the checks pass.

/** Top-level commands, in help order. */
const COMMANDS: readonly Command[] = [
  {
    spec: workerSpec,
    normalizeArgv: greedyQueues,
    run: async (a, io) => {
      const o = checkWorker(a, io);
      return (await import('./commands/worker.ts')).runWorker(o, io);
    },
  },
  {
    spec: enqueueSpec,
    run: async (a, io) => {
      const o = checkEnqueue(a, io);
      return (await import('./commands/enqueue.ts')).runEnqueue(o, io);
    },
  },
  {
    spec: queuesSpec,
    run: async (a, io) => {
      const o = checkQueues(a, io);
      return (await import('./commands/queues.ts')).runQueues(o, io);
    },
  },
  {
    spec: journalSpec,
    run: async (a, io) => {
      const o = checkJournal(a, io);
      return (await import('./commands/journal.ts')).runJournal(o, io);
    },
  },
  {
    spec: resultSpec,
    run: async (a, io) => {
      const o = checkResult(a, io);
      return (await import('./commands/result.ts')).runResult(o, io);
    },
  },
  {
    spec: runSpec,
    run: async (a, io) => {
      const o = checkRun(a, io);
      return (await import('./commands/run.ts')).runRun(o, io);
    },
  },
  {
    spec: stateSpec,
    run: async (a, io) => {
      const o = checkState(a, io);
      return (await import('./commands/state.ts')).runState(o, io);
    },
  },
  {
    spec: replaySpec,
    run: async (a, io) => {
      const o = checkReplay(a, io);
      return (await import('./commands/replay.ts')).runReplay(o, io);
    },
  },
  {
    spec: forkSpec,
    run: async (a, io) => {
      const o = checkFork(a, io);
      return (await import('./commands/fork.ts')).runFork(o, io);
    },
  },
  {
    spec: diffSpec,
    run: async (a, io) => {
      const o = checkDiff(a, io);
      return (await import('./commands/diff.ts')).runDiff(o, io);
    },
  },
  {
    spec: profileSpec,
    run: async (a, io) => {
      const o = checkProfile(a, io);
      return (await import('./commands/profile.ts')).runProfile(o, io);
    },
  },
  {
    spec: serveSpec,
    run: async (a, io) => {
      const o = checkServe(a, io);
      return (await import('./commands/serve.ts')).runServe(o, io);
    },
  },
];

/** Subcommands of `rehearsal dlq`. */
const DLQ_COMMANDS: readonly Command[] = [
  {
    spec: dlqListSpec,
    run: async (a, io) => {
      const o = checkDlqList(a, io);
      return (await import('./commands/dlq.ts')).runDlqList(o, io);
    },
  },
  {
    spec: dlqRequeueSpec,
    run: async (a, io) => {
      const o = checkDlqRequeue(a, io);
      return (await import('./commands/dlq.ts')).runDlqRequeue(o, io);
    },
  },
  {
    spec: dlqPurgeSpec,
    run: async (a, io) => {
      const o = checkDlqPurge(a, io);
      return (await import('./commands/dlq.ts')).runDlqPurge(o, io);
    },
  },
];

/** Runs the CLI with `argv` (without node and the script); resolves to the exit code. */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  const verbose = argv
    .slice(0, indexOrEnd(argv, '--'))
    .some((a) => a === '-v' || a === '--verbose');
  try {
    const [first, ...rest] = argv;
    if (first === undefined) {
      io.stderr.write(topHelp());
      return EXIT_USAGE;
    }
    if (first === '--help' || first === '-h') return await print(io, topHelp());
    if (first === '--version' || first === '-V') return await print(io, `rehearsal ${version()}\n`);
    if (first === 'help') {
      if (rest.length === 0) return await print(io, topHelp());
      const target = resolve(rest);
      return await print(io, target.command ? formatHelp(target.command.spec) : dlqHelp());
    }
    if (first.startsWith('-')) {
      throw cliError(
        'UNKNOWN_FLAG',
        `\`${first}\` is not a command; flags go after the command: rehearsal COMMAND [options]`,
        { flag: first },
        ['see `rehearsal --help` for the commands'],
      );
    }
    const { command, args } = resolve(argv);
    if (!command) {
      if (args.includes('--help') || args.includes('-h')) return await print(io, dlqHelp());
      io.stderr.write(dlqHelp());
      return EXIT_USAGE;
    }
    const parsed = parseCommand(command.spec, command.normalizeArgv?.(args) ?? args);
    if (parsed.help) return await print(io, formatHelp(command.spec));
    return await command.run(parsed, io);
  } catch (thrown) {
    // A SQLite failure can only come from a database the command opened (so core is loaded).
    const err = isSqliteError(thrown) ? (await import('./db.ts')).explainDbError(thrown) : thrown;
    io.stderr.write(formatError(err, { verbose }));
    return exitCodeFor(err);
  }
}

/** Entry point of bin/rehearsal.js: runs `main` on this process and sets its exit code. */
export async function runFromProcess(bin: string): Promise<void> {
  // `rehearsal journal | head` closes the pipe early: that is a normal end, not a crash.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(EXIT_OK);
    throw err;
  });
  process.exitCode = await main(process.argv.slice(2), processIo(bin));
  // The command is done. What is still scheduled belongs to nobody (an actor abandoned at the end
  // of a worker's shutdown timeout keeps its timers): leave, as Dramatiq's worker does, once
  // whatever is still being written has had time to drain.
  setTimeout(() => process.exit(), EXIT_GRACE_MS).unref();
}

/** How long a finished command may take to drain its output before the process exits anyway. */
const EXIT_GRACE_MS = 2000;

async function print(io: Io, text: string): Promise<number> {
  await writeOut(io.stdout, text);
  return EXIT_OK;
}

function indexOrEnd(argv: readonly string[], word: string): number {
  const i = argv.indexOf(word);
  return i < 0 ? argv.length : i;
}

/**
 * The command named by the first word(s) of `argv` and the remaining arguments; `command` is null
 * for `dlq` without a subcommand (or with only flags).
 * @throws CliError `UNKNOWN_COMMAND` with the closest command name.
 */
function resolve(argv: readonly string[]): { command: Command | null; args: string[] } {
  const [name, ...rest] = argv;
  if (name === 'dlq') {
    const [sub, ...subRest] = rest;
    if (sub === undefined || sub.startsWith('-')) return { command: null, args: rest };
    const cmd = DLQ_COMMANDS.find((c) => c.spec.name === `dlq ${sub}`);
    if (!cmd) {
      const subs = DLQ_COMMANDS.map((c) => c.spec.name.slice(4));
      throw cliError(
        'UNKNOWN_COMMAND',
        `unknown command \`rehearsal dlq ${sub}\`${didYouMean(sub, subs)}`,
        { command: `dlq ${sub}` },
        [`dlq commands: ${subs.join(', ')}`],
      );
    }
    return { command: cmd, args: subRest };
  }
  const cmd = COMMANDS.find((c) => c.spec.name === name);
  if (!cmd) {
    const names = [...COMMANDS.map((c) => c.spec.name), 'dlq'];
    throw cliError(
      'UNKNOWN_COMMAND',
      `unknown command \`${name ?? ''}\`${didYouMean(name ?? '', names)}`,
      { command: name },
      [`commands: ${names.join(', ')}`, 'see `rehearsal --help`'],
    );
  }
  return { command: cmd, args: rest };
}

function commandRows(commands: readonly Command[]): string[] {
  return commands.map((c) => {
    const pos = c.spec.positionals
      .map((p) => (p.required ? p.name : `[${p.name}${p.variadic ? ' ...' : ''}]`))
      .join(' ');
    const left = `${c.spec.name}${pos ? ` ${pos}` : ''}`;
    return `  ${left.padEnd(22)}${c.spec.summary}`;
  });
}

function topHelp(): string {
  return `Usage: rehearsal COMMAND [options]

Rehearsal runs task queues with Dramatiq's semantics on a SQLite file: start workers for your
actor modules, send them messages, and look at queues, dead letters and the journal; or run a
scenario file on virtual time, travel to any event of it, replay it and fork what-ifs.

Commands:
${commandRows([...COMMANDS, ...DLQ_COMMANDS]).join('\n')}

Every command takes --db FILE (default: $REHEARSAL_DB, else ./rehearsal.db; run, replay and fork
write a new file, see their help), -v/--verbose and -h/--help. Run \`rehearsal COMMAND --help\`
for its options.

Options:
  -h, --help              show this help
  -V, --version           print the version

Exit codes: 0 ok, 1 failure, 2 bad argument or module import error (nothing written); \`replay\`
exits 1 when the journals differ, \`result\` 1 for a failed message and 3 for no result.
Ctrl+C (SIGINT) or SIGTERM: \`worker\`, \`journal --follow\` and \`serve\` stop cleanly and exit 0,
as Dramatiq's worker does (a second signal stops a worker at once: exit 1); \`run\`, \`replay\`,
\`fork\` and \`profile\` stop early and exit 130.
`;
}

function dlqHelp(): string {
  return `Usage: rehearsal dlq COMMAND [options]

The dead-letter queue: messages whose retries ran out, that failed with an error listed in
\`throws\`, or that named an actor no worker knows.

Commands:
${commandRows(DLQ_COMMANDS).join('\n')}

Run \`rehearsal dlq COMMAND --help\` for its options.
`;
}
