/**
 * The types of the message options the built-in middleware read, checked when a message is
 * claimed: a body written by another process (or by hand) may carry any JSON there, and a
 * middleware that met `max_backoff: "!"` would fail halfway through recording an outcome.
 *
 * Contract:
 * 1. `checkWireOptions` accepts every option a Rehearsal or Dramatiq producer writes, whatever
 *    its value (message options are never validated, Dramatiq §1.3), and refuses only a known
 *    option of a type no middleware could use (a string where a number goes) with a
 *    `DecodeError` naming the option, the expected type and the value (the broker dead-letters
 *    such a message, like any undecodable one).
 * 2. Unknown options, and options that are only ever tested for truth (`notify_shutdown`,
 *    `pipe_ignore`, `store_results`), are not checked: they travel unchanged, as in Dramatiq.
 */
import { DecodeError } from '../errors.ts';
import type { MessageOptions } from '../message.ts';

type Check = { expected: string; ok: (v: unknown) => boolean };

// Numbers of any sign work as Dramatiq's arithmetic does (a negative backoff or TTL is simply
// already past); only a value that is not a number would fail halfway through an outcome.
const ms: Check = {
  expected: 'a number of milliseconds (or null)',
  ok: (v) => v === null || (typeof v === 'number' && Number.isFinite(v)),
};
// A limit may be infinite (no limit), as Python's float('inf') encodes to `Infinity`.
const limitMs: Check = {
  expected: 'a number of milliseconds (or null)',
  ok: (v) => v === null || (typeof v === 'number' && !Number.isNaN(v)),
};
const count: Check = {
  expected: 'a number (or null)',
  ok: (v) => v === null || (typeof v === 'number' && !Number.isNaN(v)),
};
const epochMs: Check = {
  expected: 'a time in epoch milliseconds',
  ok: (v) => typeof v === 'number' && Number.isFinite(v),
};
const actorName: Check = {
  expected: 'an actor name',
  ok: (v) => !v || typeof v === 'string',
};
const errorNames: Check = {
  expected: 'an error name or a list of error names',
  ok: (v) =>
    !v || typeof v === 'string' || (Array.isArray(v) && v.every((x) => typeof x === 'string')),
};
const messageData: Check = {
  expected: 'a message object',
  ok: (v) => !v || (typeof v === 'object' && !Array.isArray(v)),
};
const messageList: Check = {
  expected: 'a list of message objects',
  ok: (v) =>
    v === undefined ||
    v === null ||
    (Array.isArray(v) && v.every((x) => typeof x === 'object' && x !== null && !Array.isArray(x))),
};

// `eta` is not checked: a claim drops it (the row's ready_at says when the message was due).
const CHECKS: Readonly<Record<string, Check>> = {
  max_age: limitMs,
  time_limit: limitMs,
  min_backoff: ms,
  max_backoff: ms,
  result_ttl: ms,
  delay: ms,
  max_retries: count,
  retries: count,
  requeue_timestamp: epochMs,
  on_success: actorName,
  on_failure: actorName,
  on_retry_exhausted: actorName,
  throws: errorNames,
  pipe_target: messageData,
  group_completion_callbacks: messageList,
};

const CHECK_OF: ReadonlyMap<string, Check> = new Map(Object.entries(CHECKS));

/**
 * Checks the options of a decoded message (contract item 1).
 * @throws DecodeError naming the first option of the wrong type.
 */
export function checkWireOptions(options: MessageOptions): void {
  // Over the message's own options (most messages have none or a few), not over every check:
  // this runs at every claim.
  for (const name in options) {
    const check = CHECK_OF.get(name);
    if (check === undefined || !Object.prototype.hasOwnProperty.call(options, name)) continue;
    const value = options[name];
    if (!check.ok(value))
      throw new DecodeError(
        `message option \`${name}\` must be ${check.expected}, got ${JSON.stringify(value) ?? String(value)}`,
        { option: name },
      );
  }
}
