/**
 * Errors of the engine.
 *
 * Contract:
 * 1. Every error core throws on purpose is a `RehearsalError` with a stable `code` (SCREAMING_SNAKE),
 *    a message naming the bad thing and the fix, and JSON `details` (actor, queue, file, path...).
 * 2. Dramatiq's own exception names are kept as leaf classes (`Retry`, `SkipMessage`,
 *    `TimeLimitExceeded`...) because users throw and catch them and journal rows name them.
 * 3. Errors cross processes as `{code, message, details}` only (`toWire`).
 */
export type ErrorDetails = Record<string, unknown>;

/** Root of every error core throws on purpose. */
export class RehearsalError extends Error {
  readonly code: string;
  readonly details: ErrorDetails;

  constructor(code: string, message: string, details: ErrorDetails = {}) {
    super(message);
    this.code = code;
    this.details = details;
    this.name = new.target.name;
  }

  /** The JSON shape that crosses processes and sockets. */
  toWire(): { code: string; message: string; details: ErrorDetails } {
    return { code: this.code, message: this.message, details: this.details };
  }
}

/** Dramatiq's `DramatiqError` family. */
export class DramatiqError extends RehearsalError {}
/** A message could not be decoded from its wire form. */
export class DecodeError extends DramatiqError {
  constructor(message: string, details: ErrorDetails = {}) {
    super('DECODE_ERROR', message, details);
  }
}
/** Broker-level failures. */
export class BrokerError extends DramatiqError {}
/** A message names an actor the worker does not know. */
export class ActorNotFound extends BrokerError {
  constructor(actorName: string) {
    super('ACTOR_NOT_FOUND', `actor \`${actorName}\` is not declared on this broker`, {
      actor: actorName,
    });
  }
}
/** A queue that was never declared. */
export class QueueNotFound extends BrokerError {
  constructor(queueName: string) {
    super('QUEUE_NOT_FOUND', `queue \`${queueName}\` is not declared on this broker`, {
      queue: queueName,
    });
  }
}
/** `join` ran past its timeout. */
export class QueueJoinTimeout extends DramatiqError {
  constructor(queueName: string, timeoutMs: number) {
    super('QUEUE_JOIN_TIMEOUT', `queue \`${queueName}\` did not drain within ${timeoutMs} ms`, {
      queue: queueName,
      timeoutMs,
    });
  }
}
/** A rate limiter refused an acquisition; an ordinary error for Retries. */
export class RateLimitExceeded extends DramatiqError {
  constructor(message: string, details: ErrorDetails = {}) {
    super('RATE_LIMIT_EXCEEDED', message, details);
  }
}

/** Options of `Retry`. */
export type RetryOptions = { message?: string; delayMs?: number | null };

/**
 * Thrown by an actor to ask for a retry: counted like a failure (increments `retries`, subject to
 * `max_retries`) but not logged as an error. With `delayMs` the retry happens exactly that much
 * later (no jitter, no cap).
 */
export class Retry extends DramatiqError {
  readonly delayMs: number | null;
  constructor(opts: RetryOptions = {}) {
    super('RETRY', opts.message ?? '', { delayMs: opts.delayMs ?? null });
    this.delayMs = opts.delayMs ?? null;
  }
}

/** Errors raised by middleware; only these escape a before hook. */
export class MiddlewareError extends RehearsalError {}
/** Skips a message: the actor does not run; acked unless something marked it failed. */
export class SkipMessage extends MiddlewareError {
  constructor(message = '') {
    super('SKIP_MESSAGE', message);
  }
}

/** Interrupts a running actor from outside (Dramatiq's `Interrupt`). */
export class Interrupt extends RehearsalError {}
/** The actor ran past its `time_limit`. Its text is empty, as in Dramatiq. */
export class TimeLimitExceeded extends Interrupt {
  constructor() {
    super('TIME_LIMIT_EXCEEDED', '');
    // Raised from outside the actor: a fixed stack keeps tracebacks identical across machines.
    this.stack = 'TimeLimitExceeded\n    at <TimeLimit middleware>';
  }
}
/** The worker is shutting down and the message asked to be notified (`notify_shutdown`). */
export class Shutdown extends Interrupt {
  constructor() {
    super('SHUTDOWN', '');
    this.stack = 'Shutdown\n    at <ShutdownNotifications middleware>';
  }
}

/**
 * The exception class name Dramatiq would record for `err`: the constructor name when it is more
 * specific than `Error`, else `err.name`.
 */
export function errorType(err: unknown): string {
  if (err instanceof Error) {
    const ctor = err.constructor?.name;
    if (err.name && err.name !== 'Error') return err.name;
    if (ctor && ctor !== 'Error') return ctor;
    return 'Error';
  }
  return typeof err === 'string' ? 'Error' : 'Exception';
}

/**
 * Where an error rebuilt from another thread keeps the class names it had there (its type, then
 * the classes it inherits from), which its rebuilt prototype chain no longer shows.
 */
export const INHERITED_TYPES: unique symbol = Symbol('rehearsal.inheritedTypes');

/** The type name of `err` and the names of the classes it inherits from, most specific first. */
export function typeNames(err: unknown): string[] {
  const names = [errorType(err)];
  if (typeof err !== 'object' || err === null) return names;
  const inherited = (err as { [INHERITED_TYPES]?: unknown })[INHERITED_TYPES];
  if (Array.isArray(inherited))
    for (const n of inherited) if (typeof n === 'string' && !names.includes(n)) names.push(n);
  for (let proto = Object.getPrototypeOf(err) as object | null; proto;) {
    if (proto === Object.prototype) break;
    const name = (proto as { constructor?: { name?: unknown } }).constructor?.name;
    if (typeof name === 'string' && name && !names.includes(name)) names.push(name);
    proto = Object.getPrototypeOf(proto) as object | null;
  }
  return names;
}

/** The text of an error, as `str(exception)` would give it. */
export function errorText(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (typeof err === 'string') return err;
  try {
    return JSON.stringify(err) ?? String(err);
  } catch {
    return String(err);
  }
}

/** `{type, message}` as journal rows and `on_failure` callbacks carry it. */
export type ErrorInfo = { type: string; message: string };

/** Builds the `{type, message}` pair of an error. */
export function errorInfo(err: unknown): ErrorInfo {
  return { type: errorType(err), message: errorText(err) };
}

/**
 * A traceback string in the spirit of Python's, at most 30 frames; its last line names the
 * exception (`Type: message`).
 */
export function formatTraceback(err: unknown): string {
  const info = errorInfo(err);
  const lines = ['Traceback (most recent call last):'];
  if (err instanceof Error && err.stack) {
    const frames = err.stack
      .split('\n')
      .filter((l) => l.trimStart().startsWith('at '))
      .slice(0, 30)
      .reverse();
    for (const f of frames) lines.push(`  ${f.trim()}`);
  }
  lines.push(info.message ? `${info.type}: ${info.message}` : info.type);
  return lines.join('\n');
}

/** Levenshtein distance, for "did you mean" hints. */
export function editDistance(a: string, b: string): number {
  const dp = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0]!;
    dp[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j]!;
      dp[j] = Math.min(dp[j]! + 1, dp[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return dp[b.length]!;
}

/** The closest candidate to `name` (by edit distance, within a third of its length + 2), or null. */
export function closest(name: string, candidates: Iterable<string>): string | null {
  let best: string | null = null;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(name.toLowerCase(), c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best !== null && bestD <= Math.max(2, Math.floor(name.length / 3)) ? best : null;
}

/** " — did you mean `x`?" or "". */
export function didYouMean(name: string, candidates: Iterable<string>): string {
  const c = closest(name, candidates);
  return c ? ` — did you mean \`${c}\`?` : '';
}
