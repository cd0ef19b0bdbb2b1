/**
 * CurrentMessage: lets actor code read the message it runs for (`CurrentMessage.getCurrentMessage()`).
 * The worker keeps the context (AsyncLocalStorage); this middleware is the documented door to it.
 */
import type { MessageProxy } from '../broker/message-proxy.ts';
import { currentRunContext } from '../worker/current-message.ts';
import { Middleware } from './middleware.ts';

export class CurrentMessage extends Middleware {
  /** The message of the running attempt, or null outside an actor. */
  static getCurrentMessage(): MessageProxy | null {
    return currentRunContext()?.message ?? null;
  }

  /** Aborted when the running attempt is interrupted, or null outside an actor. */
  static getAbortSignal(): AbortSignal | null {
    return currentRunContext()?.signal ?? null;
  }
}
