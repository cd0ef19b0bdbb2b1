/**
 * What crosses between a `ThreadRunner` and its worker threads (thread-entry.ts): the messages
 * both sides post, and errors turned into plain data and back.
 *
 * Contract:
 * 1. Everything posted is structured-clone safe plain data; results are JSON values.
 * 2. An error crosses as `{type, message, stack, code, details, delayMs, chain}` and is rebuilt on
 *    the worker's side as the class the worker and middleware test for: `Retry` (with its
 *    `delayMs`), `SkipMessage`, `TimeLimitExceeded`, `Shutdown`, `RateLimitExceeded`, any other
 *    `RehearsalError` (code and details kept), or an `Error` whose `name` is the original type, so
 *    journal rows and `throws` names match, also the names of the classes it inherited from on
 *    the thread (`INHERITED_TYPES`, read by `typeNames`). A user class listed in the actor's `throws` is matched
 *    by name along the original prototype chain and becomes that class again, so `instanceof`
 *    holds.
 */
import type { Actor } from '../actor.ts';
import { resolveOption } from '../actor-options.ts';
import {
  errorText,
  errorType,
  INHERITED_TYPES,
  RateLimitExceeded,
  RehearsalError,
  Retry,
  Shutdown,
  SkipMessage,
  TimeLimitExceeded,
  type ErrorDetails,
} from '../errors.ts';
import type { MessageData, MessageOptions } from '../message.ts';

/** An error as data. */
export type WireError = {
  /** `errorType(err)` on the thread's side. */
  type: string;
  message: string;
  stack: string | null;
  /** `RehearsalError.code`, when it is one. */
  code: string | null;
  details: ErrorDetails | null;
  /** `Retry.delayMs`, when it is one. */
  delayMs: number | null;
  /** Constructor names along the prototype chain, most specific first. */
  chain: string[];
};

/** What the attempt's actor code sees of its delivery. */
export type WireDelivery = {
  rowId: number;
  owner: string;
  previousAttempts: number;
  label: string | null;
  attempt: number;
  worker: number | null;
  thread: number | null;
};

/** Worker → thread. */
export type ToThread = {
  type: 'run';
  id: number;
  actorName: string;
  message: MessageData;
  delivery: WireDelivery;
};

/** Thread → worker. */
export type FromThread =
  | { type: 'ready'; actors: string[] }
  | { type: 'init-failed'; error: WireError }
  | { type: 'done'; id: number; ok: true; result: unknown }
  | { type: 'done'; id: number; ok: false; error: WireError };

/** What a thread is started with (`workerData`). */
export type ThreadData = {
  /** file: URL of the thread entry module. */
  entryUrl: string;
  /** file: URLs of tsx's ESM and CJS registration APIs, or null when tsx is not installed. */
  tsxEsmApiUrl: string | null;
  tsxCjsApiUrl: string | null;
  /** file: URL of the user's actor module. */
  moduleUrl: string;
  /** Database file for sends made by actor code, or null. */
  dbFile: string | null;
};

/** Turns anything thrown into a `WireError` (thread side). */
export function toWireError(err: unknown): WireError {
  const chain: string[] = [];
  if (typeof err === 'object' && err !== null) {
    for (let p = Object.getPrototypeOf(err) as object | null; p; p = Object.getPrototypeOf(p)) {
      const name = (p as { constructor?: { name?: unknown } }).constructor?.name;
      if (typeof name === 'string' && name && name !== 'Object') chain.push(name);
    }
  }
  return {
    type: errorType(err),
    message: errorText(err),
    stack: err instanceof Error && typeof err.stack === 'string' ? err.stack : null,
    code: err instanceof RehearsalError ? err.code : null,
    details: err instanceof RehearsalError ? plainData(err.details) : null,
    delayMs: err instanceof Retry ? err.delayMs : null,
    chain,
  };
}

/** Rebuilds a thrown error on the worker's side (contract item 2). */
export function fromWireError(w: WireError, actor?: Actor): Error {
  const has = (name: string): boolean => w.type === name || w.chain.includes(name);
  let err: Error;
  if (has('Retry')) err = new Retry({ message: w.message, delayMs: w.delayMs });
  else if (has('SkipMessage')) err = new SkipMessage(w.message);
  else if (has('TimeLimitExceeded')) err = new TimeLimitExceeded();
  else if (has('Shutdown')) err = new Shutdown();
  else if (has('RateLimitExceeded')) err = new RateLimitExceeded(w.message, w.details ?? {});
  else if (w.code !== null) err = new RehearsalError(w.code, w.message, w.details ?? {});
  else {
    err = new Error(w.message);
    const cls = actor ? throwsClassFor(w, actor.options) : null;
    if (cls) Object.setPrototypeOf(err, cls.prototype);
  }
  if (err.name !== w.type)
    Object.defineProperty(err, 'name', {
      value: w.type,
      writable: true,
      configurable: true,
      enumerable: false,
    });
  if (w.stack !== null) err.stack = w.stack;
  // A `throws` name matches the classes the error inherited from on the thread, as in-process.
  Object.defineProperty(err, INHERITED_TYPES, { value: [w.type, ...w.chain], enumerable: false });
  return err;
}

/** The class of the actor's `throws` list whose name is on the error's prototype chain. */
function throwsClassFor(
  w: WireError,
  actorOptions: Readonly<MessageOptions>,
): (new () => Error) | null {
  const list = resolveOption('throws', {}, actorOptions);
  const entries = Array.isArray(list) ? (list as unknown[]) : [list];
  for (const e of entries) {
    if (typeof e !== 'function') continue;
    const name = (e as { name?: unknown }).name;
    if (typeof name === 'string' && (w.type === name || w.chain.includes(name)))
      return e as new () => Error;
  }
  return null;
}

/** `value` as plain JSON data (details can carry anything; only JSON crosses). */
function plainData(value: ErrorDetails): ErrorDetails | null {
  try {
    return JSON.parse(JSON.stringify(value)) as ErrorDetails;
  } catch {
    return null;
  }
}
