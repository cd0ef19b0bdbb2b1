/**
 * How middleware interrupts a running attempt: the worker registers an interrupt function on the
 * proxy while the attempt runs (Dramatiq raises an exception asynchronously in the thread).
 */
import type { MessageProxy } from '../broker/message-proxy.ts';

const KEY = 'worker.interrupt';

/** Registers how to interrupt `p`'s running attempt (the worker does this). */
export function setInterrupt(p: MessageProxy, fn: ((err: Error) => void) | null): void {
  if (fn) p.stash.set(KEY, fn);
  else p.stash.delete(KEY);
}

/** The interrupt function of `p`'s running attempt, or null when it is not running. */
export function interruptOf(p: MessageProxy): ((err: Error) => void) | null {
  return (p.stash.get(KEY) as ((err: Error) => void) | undefined) ?? null;
}
