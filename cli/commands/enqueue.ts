/**
 * `rehearsal enqueue ACTOR`: puts one message for an actor on its queue, like `actor.send()`;
 * `--pipeline` and `--group` send several messages at once, built with core's `pipeline()` and
 * `group()`.
 *
 * Every argument is checked before the database is opened, and the database is created only when
 * the message is actually enqueued: bad input never writes anything. `--queue` must name a queue
 * some worker could take the message from: one an actor is on (in --module or declared on the
 * database) or one in the database's queues table. A pipeline or group is
 * enqueued whole or not at all (core enqueues a pipeline's first step only, and a group's
 * children in one transaction).
 */
import {
  ACTOR_OPTIONS,
  actor,
  group,
  pipeline,
  toMessageData,
  type Actor,
  type Message,
  type MessageData,
  type Pipeline,
  type SqliteBroker,
} from '../../core/index.ts';
import { actorNotFound, type EnqueueArgs } from '../checks.ts';
import type { CompositionArg, StepArg } from '../composition-arg.ts';
import { dbExists } from '../db-file.ts';
import { openExisting, openOrCreate } from '../db.ts';
import { cliError, EXIT_OK } from '../errors.ts';
import { writeOut, type Io } from '../io.ts';
import { loadModule } from '../load-module.ts';
import { queueArg } from '../queue-arg.ts';
import { closest } from '../suggest.ts';

/** Where an actor was found: its name, queue and priority. */
type ActorRef = { name: string; queue: string; priority: number };

/** Runs `rehearsal enqueue` (spec in specs.ts, checks in checks.ts). */
export async function runEnqueue(o: EnqueueArgs, io: Io): Promise<number> {
  if (o.composition !== null) return enqueueComposition(o, o.composition, io);
  const queue = o.queue === null ? null : queueArg('--queue', o.queue);
  const fromModules = await moduleActors(o.modules, io.cwd);
  const [ref] = findActors([o.actorName!], fromModules, o.modules, o.file);
  if (queue !== null && queue !== ref!.queue) requireKnownQueue(queue, ref!, fromModules, o);
  const broker = openOrCreate(o.file);
  try {
    const message: Message = {
      queueName: queue ?? ref!.queue,
      actorName: ref!.name,
      args: o.args,
      kwargs: o.kwargs,
      options: {},
      messageId: broker.rng.uuid4(),
      messageTimestamp: Math.trunc(broker.clock.now()),
    };
    const stored = broker.enqueue(message, { delayMs: o.delayMs, reason: 'send' });
    await writeOut(
      io.stdout,
      o.json ? `${JSON.stringify(toMessageData(stored), null, 2)}\n` : `${stored.messageId}\n`,
    );
    return EXIT_OK;
  } finally {
    broker.close();
  }
}

/** Options a step may carry besides the actor options of the broker's middleware. */
const MESSAGE_ONLY_OPTIONS = ['delay'];
/** Options that name another actor (checked like the steps' actors). */
const CALLBACK_OPTIONS = ['on_success', 'on_failure', 'on_retry_exhausted'];

/** `--pipeline` / `--group`: checked whole, then built and enqueued in one go. */
async function enqueueComposition(o: EnqueueArgs, c: CompositionArg, io: Io): Promise<number> {
  const steps = allSteps(c);
  checkStepOptions(c, steps);
  const names = [
    ...new Set(
      steps.flatMap(({ step }) => [
        step.actor,
        ...CALLBACK_OPTIONS.map((k) => step.options[k]).filter(
          (v): v is string => typeof v === 'string' && v !== '',
        ),
      ]),
    ),
  ];
  const refs = findActors(names, await moduleActors(o.modules, io.cwd), o.modules, o.file);
  const broker = openOrCreate(o.file);
  try {
    const actors = new Map(refs.map((r) => [r.name, boundActor(r, broker)]));
    const build = (s: StepArg): Message =>
      actors.get(s.actor)!.messageWithOptions({ args: s.args, kwargs: s.kwargs, ...s.options });
    let printed: Message[];
    let json: unknown;
    if (c.kind === 'pipeline') {
      const p = pipeline(c.steps.map(build), { broker });
      p.run({ delayMs: o.delayMs });
      printed = [...p.messages];
      json = { pipeline: p.messages.map(toMessageData) };
    } else {
      const children = c.children.map((child) =>
        'pipeline' in child ? pipeline(child.pipeline.map(build), { broker }) : build(child),
      );
      const g = group(children, { broker });
      const onComplete = c.onComplete ? build(c.onComplete) : null;
      if (onComplete) g.addCompletionCallback(onComplete);
      g.run({ delayMs: o.delayMs });
      printed = children.map((ch) => (isPipeline(ch) ? ch.messages.at(-1)! : ch));
      json = {
        group: children.map((ch): MessageData | { pipeline: MessageData[] } =>
          isPipeline(ch) ? { pipeline: ch.messages.map(toMessageData) } : toMessageData(ch),
        ),
        on_complete: onComplete ? toMessageData(onComplete) : null,
      };
    }
    await writeOut(
      io.stdout,
      o.json
        ? `${JSON.stringify(json, null, 2)}\n`
        : printed.map((m) => `${m.messageId}\n`).join(''),
    );
    return EXIT_OK;
  } finally {
    broker.close();
  }
}

function isPipeline(v: Message | Pipeline): v is Pipeline {
  return 'messages' in v;
}

/**
 * An actor that only builds messages: bound to the broker (so messages get its rng and clock)
 * without being declared, which would overwrite the options a worker stored for it.
 */
function boundActor(ref: ActorRef, broker: SqliteBroker): Actor {
  const a = actor(() => undefined, {
    actorName: ref.name,
    queueName: ref.queue,
    priority: ref.priority,
  });
  a.bind(broker);
  return a;
}

/** Every step with its flag path (`--group[1].pipeline[0]`). */
function allSteps(c: CompositionArg): { step: StepArg; path: string }[] {
  if (c.kind === 'pipeline') return c.steps.map((step, i) => ({ step, path: `--pipeline[${i}]` }));
  const out: { step: StepArg; path: string }[] = [];
  c.children.forEach((child, i) => {
    if ('pipeline' in child)
      child.pipeline.forEach((step, j) => out.push({ step, path: `--group[${i}].pipeline[${j}]` }));
    else out.push({ step: child, path: `--group[${i}]` });
  });
  if (c.onComplete) out.push({ step: c.onComplete, path: '--on-complete' });
  return out;
}

/**
 * Option names of every step: an actor option of the default middleware (wire or camelCase
 * name) or `delay`.
 * @throws CliError `INVALID_PIPELINE` / `INVALID_GROUP` listing every unknown option.
 */
function checkStepOptions(c: CompositionArg, steps: { step: StepArg; path: string }[]): void {
  // pipe_target is set by pipeline() itself; retry_when is a function, so actor-level only.
  const usable = ACTOR_OPTIONS.filter((x) => x.wire !== 'pipe_target' && x.wire !== 'retry_when');
  const wire = [...usable.map((x) => x.wire), ...MESSAGE_ONLY_OPTIONS];
  const camel = usable.map((x) => x.ts);
  const problems: string[] = [];
  for (const { step, path } of steps) {
    for (const k of Object.keys(step.options)) {
      if (wire.includes(k) || camel.includes(k)) continue;
      const hint = closest(k, [...wire, ...camel]);
      problems.push(
        `${path}.options.${k}: unknown option${hint ? ` — did you mean "${hint}"?` : ''}`,
      );
    }
  }
  if (problems.length === 0) return;
  const flag = c.kind === 'pipeline' ? '--pipeline' : '--group';
  throw cliError(
    c.kind === 'pipeline' ? 'INVALID_PIPELINE' : 'INVALID_GROUP',
    `${flag} has ${problems.length} problem${problems.length === 1 ? '' : 's'}; nothing was enqueued`,
    { flag, problems },
    [...problems, `options: ${wire.join(', ')}`],
  );
}

/** The actors of the modules given with --module, in order. */
async function moduleActors(modules: readonly string[], cwd: string): Promise<ActorRef[]> {
  const refs: ActorRef[] = [];
  for (const spec of modules) {
    const m = await loadModule(spec, cwd);
    for (const a of m.actors)
      refs.push({ name: a.actorName, queue: a.queueName, priority: a.priority });
  }
  return refs;
}

/**
 * The actors named `names`: from the modules' actors when there, else from the actors declared
 * on the database (read without creating it).
 * @throws CliError `ACTOR_NOT_FOUND` for the first unknown name, listing the known actors and
 *   the closest name.
 */
function findActors(
  names: readonly string[],
  fromModules: readonly ActorRef[],
  modules: readonly string[],
  file: string,
): ActorRef[] {
  const known: ActorRef[] = [...fromModules];
  const missing = (): string[] => names.filter((n) => !known.some((a) => a.name === n));
  const exists = dbExists(file);
  if (missing().length > 0 && exists) {
    const broker = openExisting(file);
    try {
      for (const a of broker.knownActors())
        known.push({ name: a.name, queue: a.queue, priority: a.priority });
    } finally {
      broker.close();
    }
  }
  const unknown = missing();
  if (unknown.length > 0) {
    throw actorNotFound(
      unknown[0]!,
      known.map((a) => a.name),
      modules,
      file,
      exists,
    );
  }
  return names.map((n) => known.find((a) => a.name === n)!);
}

/**
 * Checks that `--queue` names a queue a worker could take the message from: the queue of an
 * actor of the modules or of the database, or one in the database's queues table. Anything else
 * would be a queue nobody consumes (a typo, most often).
 * @throws CliError `QUEUE_NOT_FOUND` listing the known queues and the closest one.
 */
function requireKnownQueue(
  queue: string,
  ref: ActorRef,
  fromModules: readonly ActorRef[],
  o: EnqueueArgs,
): void {
  const known = new Set([ref.queue, ...fromModules.map((a) => a.queue)]);
  const exists = dbExists(o.file);
  if (!known.has(queue) && exists) {
    const broker = openExisting(o.file);
    try {
      for (const a of broker.knownActors()) known.add(a.queue);
      for (const q of broker.knownQueues()) known.add(q);
    } finally {
      broker.close();
    }
  }
  if (known.has(queue)) return;
  const names = [...known].sort();
  const best = closest(queue, names);
  const where = [...o.modules, ...(exists ? [`the actors and queues of ${o.file}`] : [])];
  throw cliError(
    'QUEUE_NOT_FOUND',
    `unknown queue \`${queue}\` given to --queue: no actor is on it, so no worker would take the message (looked in ${where.join(' and ')})${best ? ` — did you mean \`${best}\`?` : ''}`,
    { flag: '--queue', queue, suggestion: best, known: names },
    [
      `known queues: ${names.join(', ')}`,
      `leave out --queue to use the queue of \`${ref.name}\` (\`${ref.queue}\`); nothing was enqueued`,
    ],
  );
}
