/**
 * `rehearsal enqueue ACTOR`: puts one message for an actor on its queue, like `actor.send()`.
 *
 * Every argument is checked before the database is opened, and the database is created only when
 * the message is actually enqueued: bad input never writes anything.
 */
import { toMessageData, type Message } from '../../core/index.ts';
import { actorNotFound, type EnqueueArgs } from '../checks.ts';
import { dbExists } from '../db-file.ts';
import { openExisting, openOrCreate } from '../db.ts';
import { EXIT_OK } from '../errors.ts';
import { writeOut, type Io } from '../io.ts';
import { loadModule } from '../load-module.ts';
import { queueArg } from '../queue-arg.ts';

/** Where an actor was found: its name and queue. */
type ActorRef = { name: string; queue: string };

/** Runs `rehearsal enqueue` (spec in specs.ts, checks in checks.ts). */
export async function runEnqueue(o: EnqueueArgs, io: Io): Promise<number> {
  const queue = o.queue === null ? null : queueArg('--queue', o.queue);
  const ref = await findActor(o.actorName, o.modules, o.file, io.cwd);
  const broker = openOrCreate(o.file);
  try {
    const message: Message = {
      queueName: queue ?? ref.queue,
      actorName: ref.name,
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

/**
 * The actor named `name`: from the modules when given, else from the actors declared on the
 * database (read without creating it).
 * @throws CliError `ACTOR_NOT_FOUND` listing the known actors and the closest name.
 */
async function findActor(
  name: string,
  modules: readonly string[],
  file: string,
  cwd: string,
): Promise<ActorRef> {
  const known: ActorRef[] = [];
  for (const spec of modules) {
    const m = await loadModule(spec, cwd);
    for (const a of m.actors) known.push({ name: a.actorName, queue: a.queueName });
  }
  let hit = known.find((a) => a.name === name);
  if (hit) return hit;
  const exists = dbExists(file);
  if (exists) {
    const broker = openExisting(file);
    try {
      for (const a of broker.knownActors()) known.push({ name: a.name, queue: a.queue });
    } finally {
      broker.close();
    }
    hit = known.find((a) => a.name === name);
    if (hit) return hit;
  }
  throw actorNotFound(
    name,
    known.map((a) => a.name),
    modules,
    file,
    exists,
  );
}
