/**
 * Behaviour models: the actor functions a scenario declares without code. They run on the same
 * worker and middleware as user actors; only the function body is modelled.
 *
 * Per attempt, in this order: skip (`skip.first`), draw the duration, pick a failure rule,
 * (a "Timeout" failure runs until the time limit interrupts it), sleep the duration, ask for a
 * retry (`retry.first`), fail, send `enqueue` entries, return `result`.
 */
import type { Clock } from '../clock/clock.ts';
import { RateLimitExceeded, Retry, SkipMessage } from '../errors.ts';
import type { Rng } from '../random/rng.ts';
import { currentRunContext } from '../worker/current-message.ts';
import type { MessageProxy } from '../broker/message-proxy.ts';
import { sampleDuration } from './distributions.ts';
import type { Behavior, FailRule, SendEntry } from './scenario-schema.ts';

/** An error of a named type, as a behaviour model raises it (the type is the error's name). */
export class SimulatedError extends Error {
  constructor(type: string, message: string) {
    super(message);
    this.name = type;
    // A fixed stack keeps tracebacks (and so journals) identical on every machine.
    this.stack = `${type}: ${message}\n    at <behaviour model>`;
  }
}

/** Gives an error raised by a model a fixed stack (tracebacks identical on every machine). */
function modelled<E extends Error>(err: E): E {
  err.stack = `${err.name}: ${err.message}\n    at <behaviour model>`;
  return err;
}

/** What a behaviour needs from the simulator. */
export type BehaviourContext = {
  clock: Clock;
  rng: Rng;
  /** Sends an `enqueue` entry on behalf of `parent`. */
  send(entry: SendEntry, parent: MessageProxy): void;
};

function pickFailure(fail: Behavior['fail'], attempt: number, rng: Rng): FailRule | null {
  if (!fail) return null;
  const rules = Array.isArray(fail) ? fail : [fail];
  for (const r of rules) {
    if ('first' in r && attempt <= r.first) return r;
    if ('attempts' in r && r.attempts.includes(attempt)) return r;
    if ('probability' in r && rng.next() < r.probability) return r;
  }
  return null;
}

function numbers(args: readonly unknown[], kwargs: Record<string, unknown> | undefined): number[] {
  return [...args, ...Object.values(kwargs ?? {})].filter(
    (x): x is number => typeof x === 'number',
  );
}

/** The value a behaviour returns. */
export function behaviourResult(
  result: Behavior['result'],
  args: readonly unknown[],
  kwargs: Record<string, unknown> | undefined,
): unknown {
  if (result === undefined) return null;
  if (result === 'args') return [...args];
  if (
    typeof result === 'object' &&
    result !== null &&
    !Array.isArray(result) &&
    'op' in result &&
    Object.keys(result).length === 1
  ) {
    const op = (result as { op: string }).op;
    const ns = numbers(args, kwargs);
    if (op === 'sum') return ns.reduce((s, x) => s + x, 0);
    if (op === 'product') return ns.reduce((s, x) => s * x, 1);
    if (op === 'square') return typeof args[0] === 'number' ? args[0] * args[0] : null;
    if (op === 'first_arg') return args[0] ?? null;
  }
  return result;
}

/** The actor function of a behaviour model. */
export function behaviourFunction(
  behavior: Behavior,
  ctx: BehaviourContext,
): (...args: unknown[]) => Promise<unknown> {
  return async (...args: unknown[]) => {
    const run = currentRunContext();
    if (!run) throw new Error('behaviour models run only inside a worker');
    const p = run.message;
    const attempt = p.attempt;
    const kwargs =
      Object.keys(p.message.kwargs).length > 0
        ? (args.pop() as Record<string, unknown>)
        : undefined;
    if (behavior.skip && attempt <= behavior.skip.first) throw modelled(new SkipMessage());
    const duration = sampleDuration(behavior.duration, ctx.rng);
    const failure = pickFailure(behavior.fail, attempt, ctx.rng);
    if (failure?.error === 'Timeout') {
      // Runs until the time limit (or a shutdown) interrupts it.
      await ctx.clock.sleep(Number.POSITIVE_INFINITY, run.signal);
    }
    if (duration > 0) await ctx.clock.sleep(duration, run.signal);
    if (behavior.retry && attempt <= behavior.retry.first)
      throw modelled(new Retry({ delayMs: behavior.retry.delay }));
    if (failure) {
      // A modelled RateLimitExceeded is the engine's own: the worker logs it at DEBUG, not as an
      // unhandled failure (Dramatiq §4.4 step 4), and Retries treats it as any failure.
      if (failure.error === 'RateLimitExceeded')
        throw modelled(new RateLimitExceeded(failure.message ?? ''));
      throw new SimulatedError(failure.error, failure.message ?? '');
    }
    for (const e of behavior.enqueue ?? []) ctx.send(e, p);
    return behaviourResult(behavior.result, args, kwargs);
  };
}
