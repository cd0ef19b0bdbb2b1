/**
 * The specs (flags, arguments, help text) of every command, without their implementations: `main`
 * parses arguments and prints help from these alone, and loads a command's code (and the engine)
 * only to run it, so `--help` and argument errors answer at once.
 */
import type { CommandSpec } from './args.ts';

/** `--queue` of the dlq commands. */
const queueOption = {
  type: 'string',
  short: 'Q',
  metavar: 'QUEUE',
  description: 'only dead letters of this queue',
} as const;

/** `rehearsal worker MODULE`: Dramatiq's worker command. */
export const workerSpec: CommandSpec = {
  name: 'worker',
  summary: "process messages with a module's actors until Ctrl+C",
  description: `
Loads MODULE, declares the actors it exports on the database (creating the file if needed) and
processes their messages until Ctrl+C (SIGINT) or SIGTERM, which stop gracefully: running
messages finish, waiting ones go back to their queues. A second Ctrl+C stops at once.

Actors run in worker threads, so a time limit stops even a CPU-bound actor; --in-process runs
them on the worker's event loop instead (faster to start; a time limit then abandons the attempt
but cannot stop code that never yields). Logs go to stderr in Dramatiq's format.`,
  positionals: [
    {
      name: 'MODULE',
      description: 'a .ts or .js file exporting actors (made with actor())',
      required: true,
    },
  ],
  options: {
    queues: {
      type: 'string',
      short: 'Q',
      metavar: 'QUEUE ...',
      multiple: true,
      description:
        "only consume these queues (default: every queue of the module's actors); takes the following words, or a comma-separated list",
    },
    threads: {
      type: 'string',
      short: 't',
      metavar: 'N',
      description: 'messages processed at once per process (default 8)',
    },
    processes: {
      type: 'string',
      short: 'p',
      metavar: 'N',
      description: 'worker processes (default 1)',
    },
    'in-process': {
      type: 'boolean',
      description: 'run actors on the event loop instead of worker threads',
    },
    'worker-shutdown-timeout': {
      type: 'string',
      metavar: 'MS',
      description: 'how long a stop waits for running messages (default 600000)',
    },
    'child-index': {
      type: 'string',
      metavar: 'I',
      hidden: true,
      description: 'internal: index of a worker process started by --processes',
    },
  },
  examples: [
    'rehearsal worker examples/send-email.ts',
    'rehearsal worker examples/priority-queues.ts --queues reports --threads 2',
    'rehearsal worker tasks.ts --processes 4 --db ./prod-rehearsal.db',
  ],
};

/** `rehearsal enqueue ACTOR`: one message, like `actor.send()`. */
export const enqueueSpec: CommandSpec = {
  name: 'enqueue',
  summary: 'send one message to an actor',
  description: `
Enqueues one message for ACTOR, as \`actor.send(...args)\` would. The actor's queue is found in
the actors that workers declared on the database, or in --module. Prints the message id.`,
  positionals: [{ name: 'ACTOR', description: 'the actor name', required: true }],
  options: {
    args: {
      type: 'string',
      metavar: 'JSON',
      description: 'positional arguments as a JSON array (default [])',
    },
    kwargs: {
      type: 'string',
      metavar: 'JSON',
      description: 'keyword arguments as a JSON object (default {})',
    },
    delay: {
      type: 'string',
      metavar: 'MS',
      description: 'run no earlier than MS milliseconds from now',
    },
    module: {
      type: 'string',
      short: 'm',
      metavar: 'MODULE',
      multiple: true,
      description: 'actor module to find ACTOR in (a .ts or .js file; repeatable)',
    },
    queue: {
      type: 'string',
      short: 'Q',
      metavar: 'QUEUE',
      description: "put the message on this queue instead of the actor's own",
    },
    json: { type: 'boolean', description: 'print the enqueued message as JSON' },
  },
  examples: [
    `rehearsal enqueue send_email --args '["ada@example.com", "Welcome!"]'`,
    `rehearsal enqueue send_reminder --kwargs '{"text": "stand up"}' --delay 5000`,
    'rehearsal enqueue resize_image --module examples/image-processing.ts --args \'["cat.png"]\'',
  ],
};

/** `rehearsal queues`: counts per queue. */
export const queuesSpec: CommandSpec = {
  name: 'queues',
  summary: 'show ready, delayed, in-flight and dead messages per queue',
  description: `
Shows, for every queue declared on the database, how many messages are ready to run, delayed
(waiting for their eta or a retry backoff), in flight (claimed by a worker) and dead (in the
dead-letter queue, kept 7 days). Reads only: the database is never created or changed.`,
  positionals: [],
  options: {
    json: { type: 'boolean', description: 'print a JSON array instead of a table' },
  },
  examples: ['rehearsal queues', 'rehearsal queues --db ./demo.db --json'],
};

/** `rehearsal journal`: the history, as JSONL or a table. */
export const journalSpec: CommandSpec = {
  name: 'journal',
  summary: 'print the journal (every state change) as JSONL or a table',
  description: `
Prints the journal of the database in sequence order: one event per state change (enqueued,
started, succeeded, failed, retry_scheduled, dead_lettered, acked, ...). --format jsonl writes
the export format of the scenario spec (one compact JSON object a line); --format table is a
readable view. The default is table on a terminal and jsonl when the output is piped or
redirected. Reads only.`,
  positionals: [],
  options: {
    format: {
      type: 'string',
      metavar: 'jsonl|table',
      description: 'output format (default: table on a terminal, else jsonl)',
    },
    from: {
      type: 'string',
      metavar: 'SEQ',
      description: 'start at this sequence number (default 1)',
    },
    follow: {
      type: 'boolean',
      short: 'f',
      description: 'keep printing new events as they happen, until Ctrl+C',
    },
  },
  examples: [
    'rehearsal journal --format table',
    'rehearsal journal > run.jsonl',
    'rehearsal journal --follow --from 120',
  ],
};

/** `rehearsal dlq list`: the dead letters. */
export const dlqListSpec: CommandSpec = {
  name: 'dlq list',
  summary: 'list dead letters',
  description: `
Lists dead letters, oldest first: their id (for \`rehearsal dlq requeue ID\`), queue, actor,
message id or label, attempts made, when they died and the last error. Reads only.`,
  positionals: [],
  options: {
    queue: queueOption,
    limit: {
      type: 'string',
      metavar: 'N',
      description: 'show at most N dead letters (default 1000)',
    },
    json: { type: 'boolean', description: 'print a JSON array (with each full message)' },
  },
  examples: ['rehearsal dlq list', 'rehearsal dlq list --queue emails --json'],
};

/** `rehearsal dlq requeue`: dead letters back to their queues. */
export const dlqRequeueSpec: CommandSpec = {
  name: 'dlq requeue',
  summary: 'put dead letters back on their queues',
  description: `
Moves dead letters back to their queue as fresh messages (same message id, journal reason
\`requeue\`), by id (see \`rehearsal dlq list\`) or all at once with --all. Prints how many
were requeued.`,
  positionals: [
    { name: 'ID', description: 'dead letter id from `rehearsal dlq list`', variadic: true },
  ],
  options: {
    all: { type: 'boolean', description: 'requeue every dead letter (of --queue, if given)' },
    queue: { ...queueOption, description: 'with --all: only dead letters of this queue' },
  },
  examples: ['rehearsal dlq requeue 12 13', 'rehearsal dlq requeue --all --queue emails'],
};

/** `rehearsal dlq purge`: dead letters deleted. */
export const dlqPurgeSpec: CommandSpec = {
  name: 'dlq purge',
  summary: 'delete dead letters',
  description: `
Deletes every dead letter (of --queue, if given) for good. Prints how many were deleted.`,
  positionals: [],
  options: { queue: queueOption },
  examples: ['rehearsal dlq purge', 'rehearsal dlq purge --queue emails'],
};

/** A word that is surely the MODULE, not a queue name: a path or a script file name. */
function looksLikeFile(word: string): boolean {
  return /[/\\]|\.[cm]?[jt]s$/.test(word);
}

/**
 * Dramatiq's `--queues a b c` takes every following word (argparse `nargs="+"`); node's parseArgs
 * takes one value per flag, so the words are rewritten as `--queues=a --queues=b --queues=c`. A word
 * that looks like a file ends the list, so `-Q emails tasks.ts` still finds the module.
 */
export function greedyQueues(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      out.push(...argv.slice(i));
      break;
    }
    if (a !== '--queues' && a !== '-Q') {
      out.push(a);
      continue;
    }
    let took = 0;
    while (i + 1 < argv.length && !argv[i + 1]!.startsWith('-') && !looksLikeFile(argv[i + 1]!)) {
      out.push(`--queues=${argv[++i]!}`);
      took++;
    }
    if (took === 0) out.push(a);
  }
  return out;
}
