/**
 * The default middleware stack, in one ordered list (spec §5.2). Before hooks run in this order,
 * after hooks in reverse, so Results (after Retries) stores a value before Retries decides and
 * before Pipelines enqueues the next step. Unlike Dramatiq, Results (SQLite backend, same file),
 * GroupCallbacks and CurrentMessage are in the default stack: `store_results` still defaults to
 * false, so nothing is stored unless asked for (README, "Differences from Dramatiq").
 */
import { AgeLimit } from './age-limit.ts';
import { Callbacks } from './callbacks.ts';
import { GroupCallbacks } from './group-callbacks.ts';
import { Results } from '../results/results-middleware.ts';
import { CurrentMessage } from './current-message.ts';
import type { Middleware } from './middleware.ts';
import { Pipelines } from './pipelines.ts';
import { Retries, type RetriesOptions } from './retries.ts';
import { ShutdownNotifications } from './shutdown-notifications.ts';
import { TimeLimit } from './time-limit.ts';

/** Settings of the built-ins (scenario `middleware` section). */
export type DefaultMiddlewareSettings = {
  maxAgeMs?: number | null;
  timeLimitMs?: number;
  notifyShutdown?: boolean;
  retries?: RetriesOptions;
  /** Default `store_results` (false). */
  storeResults?: boolean;
  /** Default `result_ttl`, ms (600000). */
  resultTtlMs?: number;
  /** TTL of group barriers, ms (86400000). */
  barrierTtlMs?: number;
  /** Class names to leave out, e.g. `["AgeLimit"]`. */
  disable?: readonly string[];
};

/** Names of the default middleware, in order. */
export const DEFAULT_MIDDLEWARE_NAMES = [
  'AgeLimit',
  'TimeLimit',
  'ShutdownNotifications',
  'Callbacks',
  'Pipelines',
  'Retries',
  'Results',
  'GroupCallbacks',
  'CurrentMessage',
] as const;

/** A fresh default stack. */
export function defaultMiddleware(s: DefaultMiddlewareSettings = {}): Middleware[] {
  const all: Middleware[] = [
    new AgeLimit(s.maxAgeMs === undefined ? {} : { maxAgeMs: s.maxAgeMs }),
    new TimeLimit(s.timeLimitMs === undefined ? {} : { timeLimitMs: s.timeLimitMs }),
    new ShutdownNotifications(
      s.notifyShutdown === undefined ? {} : { notifyShutdown: s.notifyShutdown },
    ),
    new Callbacks(),
    new Pipelines(),
    new Retries(s.retries ?? {}),
    new Results({
      ...(s.storeResults === undefined ? {} : { storeResults: s.storeResults }),
      ...(s.resultTtlMs === undefined ? {} : { resultTtlMs: s.resultTtlMs }),
    }),
    new GroupCallbacks(s.barrierTtlMs === undefined ? {} : { barrierTtlMs: s.barrierTtlMs }),
    new CurrentMessage(),
  ];
  const off = new Set(s.disable ?? []);
  return all.filter((m) => !off.has(m.name));
}
