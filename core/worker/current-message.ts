/**
 * The message a piece of actor code is running for, via AsyncLocalStorage (Dramatiq's
 * CurrentMessage uses a context variable; our worker "threads" are async slots in one event loop).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Broker } from '../broker/broker.ts';
import type { MessageProxy } from '../broker/message-proxy.ts';

/** What actor code can learn about its own run. */
export type RunContext = {
  readonly message: MessageProxy;
  /** Aborted when the attempt is interrupted (time limit, shutdown): stop work when it fires. */
  readonly signal: AbortSignal;
  /** The broker of the worker running the attempt (for sends, results, rate limiters). */
  readonly broker?: Broker;
};

const storage = new AsyncLocalStorage<RunContext>();

/** Runs `fn` with `ctx` as the current run context. */
export function runWithContext<T>(ctx: RunContext, fn: () => T): T {
  return storage.run(ctx, fn);
}

/** The current run context, or null outside an actor run. */
export function currentRunContext(): RunContext | null {
  return storage.getStore() ?? null;
}
