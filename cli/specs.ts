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

/** `rehearsal enqueue ACTOR`: one message, like `actor.send()`; or a pipeline or a group. */
export const enqueueSpec: CommandSpec = {
  name: 'enqueue',
  summary: 'send one message to an actor, or a pipeline or group of messages',
  usage: [
    'enqueue ACTOR [options]',
    "enqueue --pipeline '[STEP, ...]' [options]",
    'enqueue --group \'[STEP or {"pipeline": [STEP, ...]}, ...]\' [--on-complete STEP] [options]',
  ],
  description: `
Enqueues one message for ACTOR, as \`actor.send(...args)\` would. The actor's queue is found in
the actors that workers declared on the database, or in --module. Prints the message id.

--pipeline and --group send several messages at once, written as in scenario files: a STEP is
{"actor": NAME, "args": [...], "kwargs": {...}, "options": {...}} (all but "actor" optional). A
pipeline runs its steps one after another, each result appended to the next step's args (unless
that step has "pipe_ignore": true); a group runs its children in parallel and, with
--on-complete, sends that message once every child has finished. Every step, actor and option
is checked before anything is written; a group's children are enqueued in one transaction (all
or none), and a pipeline's first step carries the others. Prints one id a line: each pipeline
step, or each group child's last step (what \`rehearsal result\` reads); --json prints every
message.`,
  positionals: [{ name: 'ACTOR', description: 'the actor name (not with --pipeline or --group)' }],
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
    pipeline: {
      type: 'string',
      metavar: 'JSON',
      description: 'a JSON array of steps to run one after another, instead of ACTOR',
    },
    group: {
      type: 'string',
      metavar: 'JSON',
      description:
        'a JSON array of steps or {"pipeline": [...]} to run in parallel, instead of ACTOR',
    },
    'on-complete': {
      type: 'string',
      metavar: 'JSON',
      description: 'with --group: a step to send once every child has completed',
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
    json: { type: 'boolean', description: 'print the enqueued message(s) as JSON' },
  },
  examples: [
    `rehearsal enqueue send_email --args '["ada@example.com", "Welcome!"]'`,
    `rehearsal enqueue send_reminder --kwargs '{"text": "stand up"}' --delay 5000`,
    'rehearsal enqueue resize_image --module examples/image-processing.ts --args \'["cat.png"]\'',
    `rehearsal enqueue --pipeline '[{"actor": "add", "args": [1, 2]}, {"actor": "double"}]'`,
    `rehearsal enqueue --group '[{"actor": "add", "args": [1, 2]}, {"actor": "add", "args": [3, 4]}]' --on-complete '{"actor": "notify"}'`,
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

/** `--at SEQ` of state and fork. */
const atOption = {
  type: 'string',
  metavar: 'SEQ',
  description: 'the event: its sequence number in the journal (1 is the first; 0 is before any)',
} as const;

/** `rehearsal run FILE`: a scenario to its end. */
export const runSpec: CommandSpec = {
  name: 'run',
  summary: 'run a scenario file to its end, into a new run database',
  description: `
Validates the scenario FILE (every problem is listed with its JSON path, and nothing is written
when there is one), then runs it to its \`until\` on the clock it names: under the virtual clock
a week of retries takes a moment. The run goes into a new database file that also keeps the
scenario and seed, so \`rehearsal state\`, \`replay\`, \`fork\` and \`diff\` can work on it later.
Prints a summary; --report adds the queueing statistics (arrivals, utilization, wait and latency
percentiles, and both sides of Little's law L = λW). Ctrl+C stops the run and keeps what it wrote
so far (a second Ctrl+C quits at once).`,
  positionals: [{ name: 'FILE', description: 'a scenario file (JSON)', required: true }],
  options: {
    db: {
      type: 'string',
      metavar: 'FILE',
      description:
        'the new run database (default: the scenario file name with .run.db, in the current directory); an existing run is never overwritten',
    },
    journal: {
      type: 'string',
      metavar: 'OUT.jsonl',
      description: 'also write the journal export (one JSON object a line) to this file',
    },
    seed: {
      type: 'string',
      metavar: 'N',
      description: "seed of every random choice, 0..4294967295 (default: the scenario's seed)",
    },
    clock: {
      type: 'string',
      metavar: 'virtual|real',
      description: "run on virtual (discrete-event) or wall time (default: the scenario's clock)",
    },
    report: { type: 'boolean', description: 'print the queueing statistics after the summary' },
    json: { type: 'boolean', description: 'print the summary (and report) as JSON' },
  },
  examples: [
    'rehearsal run scenarios/retries-with-backoff.json',
    'rehearsal run scenarios/mmc-utilization-0.80.json --report',
    'rehearsal run my-scenario.json --db try2.run.db --seed 7 --journal try2.jsonl',
  ],
};

/** `rehearsal state --at SEQ`: time travel. */
export const stateSpec: CommandSpec = {
  name: 'state',
  summary: 'show the world as it was at one event: queues, messages, worker slots',
  description: `
Shows the state right after event SEQ of the journal: every queue's ready, delayed, in-flight
and dead counts, every message that is still live (waiting, running or dead) with its status,
attempt and error, which worker slots are busy, and running totals. Works on run databases and
on databases used by workers. Reads the journal only (it may add checkpoints that make the next
lookups faster).`,
  positionals: [],
  options: {
    at: atOption,
    limit: {
      type: 'string',
      metavar: 'N',
      description: 'list at most N messages in the table (default 50; --json lists all)',
    },
    json: { type: 'boolean', description: 'print the state as JSON' },
  },
  examples: [
    'rehearsal state --at 120 --db retries-with-backoff.run.db',
    'rehearsal state --at 0 --db demo.run.db --json',
  ],
};

/** The RUN argument of replay and fork. */
const runArgument = {
  name: 'RUN',
  description: 'a run database made by `rehearsal run` or `rehearsal fork`',
  required: true,
} as const;

/** `rehearsal replay RUN`: determinism check and one message's history. */
export const replaySpec: CommandSpec = {
  name: 'replay',
  summary: 're-run a run from its scenario and seed; check that the journal matches',
  description: `
Re-runs RUN from the scenario and seed stored in it, into a temporary database (or --db FILE to
keep it), and compares the two journals event by event: prints that they match (exit 0) or the
first event that differs (exit 1). Runs on the real clock cannot be replayed.

With --message, nothing is re-run: the message's history in RUN is walked step by step instead,
each event followed by the message's state after it (status, attempt, retries, eta, error).`,
  positionals: [runArgument],
  options: {
    db: {
      type: 'string',
      metavar: 'FILE',
      description: 'keep the replayed run in this new file (default: a temporary file, removed)',
    },
    message: {
      type: 'string',
      metavar: 'ID|LABEL',
      description: "walk this message's history instead (its id, a unique id prefix, or its label)",
    },
  },
  examples: [
    'rehearsal replay retries-with-backoff.run.db',
    'rehearsal replay retries-with-backoff.run.db --message api-call',
  ],
};

/** `rehearsal fork RUN --at SEQ --set PATH=VALUE`: what-if. */
export const forkSpec: CommandSpec = {
  name: 'fork',
  summary: 'a what-if run: the history of RUN up to an event, then a change',
  description: `
Re-runs RUN's scenario and seed into a new database and, right after event SEQ, changes what
--set says: an actor option, an actor's behaviour, or a worker's threads. Up to SEQ both runs
are the same (checked); after it they may differ. Compare them with \`rehearsal diff\`.

PATH is one of actors.NAME.options.OPTION, actors.NAME.behavior.FIELD[.FIELD...] or
workers[I].threads; VALUE is JSON (a bare word is a string). A path that does not exist, a value
of the wrong type or a SEQ beyond the journal is refused before anything is written.`,
  positionals: [runArgument],
  options: {
    at: atOption,
    set: {
      type: 'string',
      metavar: 'PATH=VALUE',
      multiple: true,
      description: 'a change to make at SEQ (repeatable)',
    },
    db: {
      type: 'string',
      metavar: 'OUT',
      description:
        "the fork's new database (default: RUN's name with .fork-at-SEQ.db, next to RUN)",
    },
  },
  examples: [
    'rehearsal fork retries-with-backoff.run.db --at 5 --set actors.call_external_api.options.max_retries=1',
    "rehearsal fork mmc.run.db --at 1000 --set 'workers[0].threads=4' --db mmc-4-threads.db",
  ],
};

/** `rehearsal diff RUN_A RUN_B`: compare outcomes. */
export const diffSpec: CommandSpec = {
  name: 'diff',
  summary: 'compare the outcomes of two runs (a run and its fork, or two seeds)',
  description: `
Compares two run databases message by message (by label, else by message id): every message
whose fate (done, dead, pending) or number of attempts differs, then totals side by side: events,
messages, done, dead letters, attempts, makespan and latency percentiles. Reads only.`,
  positionals: [
    { name: 'RUN_A', description: 'the first run database', required: true },
    { name: 'RUN_B', description: 'the second run database', required: true },
  ],
  options: {
    json: { type: 'boolean', description: 'print the comparison as JSON' },
    // Both runs are arguments: the common --db is refused (checkDiff), so it is not offered.
    db: { type: 'string', metavar: 'FILE', description: 'not used by diff', hidden: true },
  },
  examples: [
    'rehearsal diff retries-with-backoff.run.db retries-with-backoff.fork-at-5.db',
    'rehearsal diff a.run.db b.run.db --json',
  ],
};

/** `rehearsal result MESSAGE_ID`: a stored result. */
export const resultSpec: CommandSpec = {
  name: 'result',
  summary: "print a message's stored result, or how it failed",
  description: `
Prints the result stored for a message (actors with storeResults) as JSON. Exit codes: 0 with
the result; 1 when the message failed for good (printed as \`actor raised Type: message\`); 3
when no result is stored (yet, or any more: results expire after result_ttl). --wait MS waits up
to MS milliseconds for a result to appear, while a worker processes the message. The message's
queue and actor, which the result's key needs, are looked up in the journal.`,
  positionals: [
    {
      name: 'MESSAGE_ID',
      description: 'the message id printed by `enqueue` (or a unique prefix, or a run label)',
      required: true,
    },
  ],
  options: {
    wait: {
      type: 'string',
      metavar: 'MS',
      description: 'wait up to MS milliseconds for the result (default: do not wait)',
    },
  },
  examples: [
    'rehearsal result 8f2c61e4-5d0b-4c1e-9a43-0b6c1d2e3f40',
    'rehearsal result "$(rehearsal enqueue add --args \'[1, 2]\')" --wait 5000',
  ],
};

/** `rehearsal serve`: the app in a browser, over the local server. */
export const serveSpec: CommandSpec = {
  name: 'serve',
  summary: 'open the app in a browser: the engine and the UI on 127.0.0.1',
  description: `
Starts the engine and serves the app (the same UI as the desktop window) on 127.0.0.1 only, with a
token for this run in the URL it prints; connections without the token, or from another origin,
are refused. TARGET is a scenario (a .json file or a gallery name such as retries-with-backoff),
which opens paused at t = 0; an actor module (.ts/.js), whose actors run on the real clock; or a
run database (.db) to look at. Without TARGET the app opens on an empty engine with the scenario
gallery. Builds the app first if dist/renderer is missing or older than its sources. Runs until
Ctrl+C.`,
  positionals: [
    {
      name: 'TARGET',
      description: 'a scenario (.json or gallery name), an actor module (.ts/.js) or a run (.db)',
    },
  ],
  options: {
    port: {
      type: 'string',
      short: 'p',
      metavar: 'N',
      description: 'port on 127.0.0.1 (default: a free one)',
    },
  },
  examples: [
    'rehearsal serve retries-with-backoff',
    'rehearsal serve scenarios/thundering-herd-with-jitter.json --port 8080',
    'rehearsal serve examples/send-email.ts --db ./demo.db',
    'rehearsal serve',
  ],
};

/** `rehearsal profile MODULE|SCENARIO`: a load, measured step by step. */
export const profileSpec: CommandSpec = {
  name: 'profile',
  summary: 'run a load of messages and show throughput, latency and where the time goes',
  usage: [
    'profile MODULE [--actor NAME ...] [--messages N] [options]',
    'profile SCENARIO.json [--messages N] [options]',
  ],
  description: `
Sends a load of messages to the actors of MODULE (default 10000 messages, spread evenly over
--actor, or over every actor the module exports) and runs them to the end with a worker, in a
temporary database (--db FILE keeps it). For a SCENARIO file (.json), its own sends and arrivals
are the load, run on its clock and workers; --messages N (or --actor) replaces them with N
messages sent at the start.

Prints, per actor and per queue: throughput, latency p50/p95/p99/max, the wait in the queue next
to the run time, retries and dead letters (engine-clock times from the journal, so every process
counts); then where the wall time went, step by step: claim, start, each middleware hook (by
middleware and hook), the actor, journal rows, ack, commit, the rest of the worker loop, and
idle time; and a "what limits me" line naming the bottleneck with its figures. --out writes the
same as JSON (format "rehearsal-profile", version 1; see README "Profiling").

Actors run on the worker's event loop (as with \`worker --in-process\`), so their time can be
measured. With --processes N on the real clock, N - 1 more \`rehearsal worker\` processes share
the load: the throughput is end to end over all of them, the step breakdown is this process's
only. Ctrl+C stops the load and still reports what was measured (exit 130).`,
  positionals: [
    {
      name: 'TARGET',
      description: 'an actor module (.ts or .js) or a scenario file (.json)',
      required: true,
    },
  ],
  options: {
    actor: {
      type: 'string',
      short: 'a',
      metavar: 'NAME',
      multiple: true,
      description: 'send the load to this actor (repeatable; default every actor)',
    },
    messages: {
      type: 'string',
      short: 'n',
      metavar: 'N',
      description: "messages in the load (default 10000; a scenario's own load by default)",
    },
    args: {
      type: 'string',
      metavar: 'JSON',
      description: 'positional arguments of every message, a JSON array (default [])',
    },
    threads: {
      type: 'string',
      short: 't',
      metavar: 'N',
      description: "worker threads per process (default 8; a scenario's workers by default)",
    },
    processes: {
      type: 'string',
      short: 'p',
      metavar: 'N',
      description: 'worker processes (default 1)',
    },
    clock: {
      type: 'string',
      metavar: 'real|virtual',
      description: "the clock (default: real for a module, the scenario's own for a scenario)",
    },
    out: {
      type: 'string',
      metavar: 'FILE.json',
      description: 'also write the profile as JSON (format rehearsal-profile, version 1)',
    },
    db: {
      type: 'string',
      metavar: 'FILE',
      description: 'keep the run in this new database file (default: a temporary file, removed)',
    },
  },
  examples: [
    'rehearsal profile examples/metrics-middleware.ts --actor ping --messages 20000',
    'rehearsal profile examples/send-email.ts --args \'["ada@example.com", "Hi"]\' --threads 32',
    'rehearsal profile scenarios/mmc-utilization-0.80.json --out mmc.profile.json',
    'rehearsal profile tasks.ts --processes 2 --out profile.json',
  ],
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
