/**
 * Where results live. One implementation today (`SqliteResultBackend`, the broker's own file).
 *
 * Contract:
 * 1. A result is stored under Dramatiq's key: MD5 hex of
 *    `"<namespace>:<canonical queue>:<actor>:<message_id>"` (namespace `dramatiq-results`).
 * 2. A failure is stored as `{"__t": "dramatiq.results.Result", "exn": {"type", "msg"}}` and read
 *    back as `ResultFailure("actor raised <type>: <msg>")`.
 * 3. Values must be JSON; TTLs are ms (not truncated to seconds, unlike Dramatiq's stub backend).
 */
import { createHash } from 'node:crypto';
import { canonicalQueueName } from '../broker/queue-names.ts';
import type { Message } from '../message.ts';

/** The stored shape of a failure. */
export type StoredFailure = { __t: 'dramatiq.results.Result'; exn: { type: string; msg: string } };

/** What a lookup found. */
export type StoredResult = { found: false } | { found: true; value: unknown };

export interface ResultBackend {
  /** Stores `value` (JSON) for `ttlMs`. */
  store(message: Message, value: unknown, ttlMs: number): void;
  /** Looks a result up without waiting. */
  lookup(message: Message): StoredResult;
}

/** The namespace of result keys. */
export const RESULTS_NAMESPACE = 'dramatiq-results';

/** Dramatiq's result key of a message (contract item 1). */
export function resultKey(
  message: Pick<Message, 'queueName' | 'actorName' | 'messageId'>,
  namespace = RESULTS_NAMESPACE,
): string {
  return createHash('md5')
    .update(
      `${namespace}:${canonicalQueueName(message.queueName)}:${message.actorName}:${message.messageId}`,
    )
    .digest('hex');
}

/** True when a stored value is a failure record. */
export function isStoredFailure(v: unknown): v is StoredFailure {
  return (
    typeof v === 'object' &&
    v !== null &&
    (v as { __t?: unknown }).__t === 'dramatiq.results.Result'
  );
}
