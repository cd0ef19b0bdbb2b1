/**
 * Actor runners: where actor code actually executes.
 *
 * - `InProcessRunner` (default; simulations and tests): calls the function on the worker's own
 *   event loop inside a run context. An interrupt settles the attempt at once and aborts the
 *   context's `signal`; code that never yields (a CPU loop) cannot be stopped this way.
 * - An isolated runner (worker threads, used by `rehearsal worker`) terminates the thread, which
 *   stops even a CPU loop (see cli/ and README "Time limits").
 */
import type { Actor } from '../actor.ts';
import type { MessageProxy } from '../broker/message-proxy.ts';
import { runWithContext } from './current-message.ts';

/** One running attempt. */
export type RunningAttempt = {
  /** Settles with the actor's value or its exception (or the interrupt). */
  readonly promise: Promise<unknown>;
  /** Stops the attempt: `promise` rejects with `err`. */
  interrupt(err: Error): void;
};

export interface ActorRunner {
  run(actor: Actor, p: MessageProxy): RunningAttempt;
  /** Releases resources (threads) when the worker stops. */
  close(): Promise<void>;
}

/** The positional arguments an actor function receives (module contract of actor.ts, item 3). */
export function actorArguments(p: MessageProxy): unknown[] {
  const kwargs = p.message.kwargs;
  return Object.keys(kwargs).length > 0 ? [...p.message.args, kwargs] : [...p.message.args];
}

export class InProcessRunner implements ActorRunner {
  run(actor: Actor, p: MessageProxy): RunningAttempt {
    // The controller is made only when the actor reads `signal` or the attempt is interrupted:
    // most attempts do neither, and an AbortController per message is measurable.
    let controller: AbortController | null = null;
    const ensure = (): AbortController => (controller ??= new AbortController());
    const ctx = {
      message: p,
      broker: actor.broker,
      get signal(): AbortSignal {
        return ensure().signal;
      },
    };
    const exec = runWithContext(ctx, async () => actor.fn(...actorArguments(p)));
    // Settles with the actor, or at once with the interrupt (a late settle of `exec` is ignored,
    // so an abandoned attempt's rejection never becomes an unhandled rejection).
    let fail: (err: Error) => void = () => undefined;
    const promise = new Promise<unknown>((resolve, reject) => {
      fail = reject;
      exec.then(resolve, reject);
    });
    return {
      promise,
      interrupt: (err: Error) => {
        ensure().abort(err);
        fail(err);
      },
    };
  }

  async close(): Promise<void> {}
}
