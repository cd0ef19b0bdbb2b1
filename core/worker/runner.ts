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
    return new InProcessAttempt(actor, p);
  }

  async close(): Promise<void> {}
}

/**
 * One attempt on the worker's own event loop. A class rather than closures per attempt: tsx,
 * which runs the sources, names every closure it creates with a property definition, which
 * showed in a worker's profile.
 */
class InProcessAttempt implements RunningAttempt {
  readonly promise: Promise<unknown>;
  // The controller is made only when the actor reads `signal` or the attempt is interrupted:
  // most attempts do neither, and an AbortController per message is measurable.
  private controller: AbortController | null = null;
  private fail: ((err: Error) => void) | null = null;

  constructor(actor: Actor, p: MessageProxy) {
    const exec = runWithContext(new AttemptContext(p, actor, this), async () =>
      actor.fn(...actorArguments(p)),
    );
    // Settles with the actor, or at once with the interrupt (a late settle of `exec` is ignored,
    // so an abandoned attempt's rejection never becomes an unhandled rejection).
    this.promise = new Promise<unknown>((resolve, reject) => {
      this.fail = reject;
      exec.then(resolve, reject);
    });
  }

  get signal(): AbortSignal {
    return (this.controller ??= new AbortController()).signal;
  }

  interrupt(err: Error): void {
    (this.controller ??= new AbortController()).abort(err);
    this.fail?.(err);
  }
}

/** What `CurrentMessage` and the actor see of a running attempt. */
class AttemptContext {
  constructor(
    readonly message: MessageProxy,
    private readonly actor: Actor,
    private readonly attempt: InProcessAttempt,
  ) {}

  get broker(): Actor['broker'] {
    return this.actor.broker;
  }

  get signal(): AbortSignal {
    return this.attempt.signal;
  }
}
