/**
 * The inside of one `ThreadRunner` thread (loaded by its bootstrap after tsx is registered).
 *
 * Contract:
 * 1. Imports the actor module once and posts `ready` with the actor names it found: exported
 *    `Actor` objects, and the `Actor` values of a default-exported object (a CommonJS module's
 *    `module.exports`). A module that fails to import posts `init-failed`.
 * 2. Runs one attempt at a time: the actor function with its arguments (as `actorArguments`),
 *    inside a run context so `CurrentMessage.getCurrentMessage()` works (a read-only copy: option
 *    changes made here do not reach the worker; the context's `signal` never aborts, as an
 *    interrupt terminates the thread). Posts the JSON result or the thrown error.
 * 3. Actor code may send messages: module actors not declared on a broker are bound to a broker
 *    opened lazily, on first use, on the worker's database file (`RealClock`, no middleware, so no
 *    enqueue hooks run here). The worker notices such messages at its next poll.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { isActor, type Actor } from '../actor.ts';
import type { Broker } from '../broker/broker.ts';
import { MessageProxy } from '../broker/message-proxy.ts';
import { SqliteBroker } from '../broker/sqlite-broker.ts';
import { RealClock } from '../clock/real-clock.ts';
import { RehearsalError } from '../errors.ts';
import { assertJsonValue, fromMessageData } from '../message.ts';
import { runWithContext } from './current-message.ts';
import { actorArguments } from './runner.ts';
import { toWireError, type FromThread, type ThreadData, type ToThread } from './thread-protocol.ts';

const port = parentPort;
if (!port) throw new Error('core/worker/thread-entry.ts runs only inside a ThreadRunner thread');
const data = workerData as ThreadData;
let actors = new Map<string, Actor>();
let sendBroker: SqliteBroker | null = null;

function post(msg: FromThread): void {
  port!.postMessage(msg);
}

/** The actors a module exports (contract item 1). */
function collectActors(mod: Record<string, unknown>): Map<string, Actor> {
  const found = new Map<string, Actor>();
  const add = (v: unknown): void => {
    if (isActor(v) && !found.has(v.actorName)) found.set(v.actorName, v);
  };
  for (const [k, v] of Object.entries(mod)) if (k !== 'default') add(v);
  const def = mod.default;
  add(def);
  if (typeof def === 'object' && def !== null && !isActor(def))
    for (const v of Object.values(def)) add(v);
  return found;
}

/** A broker that opens the real one on first use (contract item 3). */
function lazyBroker(accepted: ReadonlySet<string>): Broker {
  const open = (): SqliteBroker => {
    if (sendBroker) return sendBroker;
    if (data.dbFile === null) {
      throw new RehearsalError(
        'THREAD_SEND_UNAVAILABLE',
        'actor code running in a worker thread sent a message, but the ThreadRunner was created without `dbFile`; pass the database file to `new ThreadRunner({ module, dbFile })`',
        { module: data.moduleUrl },
      );
    }
    sendBroker = new SqliteBroker({ file: data.dbFile, clock: new RealClock(), middleware: [] });
    return sendBroker;
  };
  return new Proxy({} as Broker, {
    get(_target, key) {
      if (key === 'actorOptions') return accepted;
      if (key === 'then') return undefined;
      const b = open();
      const v: unknown = Reflect.get(b, key, b);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(b) : v;
    },
  });
}

async function init(): Promise<void> {
  try {
    const mod = (await import(data.moduleUrl)) as Record<string, unknown>;
    actors = collectActors(mod);
    const accepted = new Set([...actors.values()].flatMap((a) => Object.keys(a.options)));
    const broker = lazyBroker(accepted);
    for (const a of actors.values()) if (!a.isDeclared) a.bind(broker);
    post({ type: 'ready', actors: [...actors.keys()] });
  } catch (err) {
    post({ type: 'init-failed', error: toWireError(err) });
  }
}

async function run(msg: ToThread): Promise<void> {
  try {
    const actor = actors.get(msg.actorName);
    if (!actor) {
      throw new RehearsalError(
        'ACTOR_NOT_FOUND',
        `actor \`${msg.actorName}\` is not exported by ${data.moduleUrl}; export it from the module the worker threads load`,
        { actor: msg.actorName, module: data.moduleUrl },
      );
    }
    const d = msg.delivery;
    const p = new MessageProxy(fromMessageData(msg.message), {
      rowId: d.rowId,
      owner: d.owner,
      previousAttempts: d.previousAttempts,
      label: d.label,
    });
    p.attempt = d.attempt;
    p.worker = d.worker;
    p.thread = d.thread;
    const signal = new AbortController().signal;
    const result = await runWithContext({ message: p, signal, broker: actor.broker }, async () =>
      actor.fn(...actorArguments(p)),
    );
    if (result !== undefined) assertJsonValue(result, `the result of actor ${actor.actorName}`);
    post({ type: 'done', id: msg.id, ok: true, result });
  } catch (err) {
    post({ type: 'done', id: msg.id, ok: false, error: toWireError(err) });
  }
}

port.on('message', (msg: ToThread) => {
  if (msg.type === 'run') void run(msg);
});
void init();
