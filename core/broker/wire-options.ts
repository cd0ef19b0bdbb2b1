/**
 * The types of the message options the built-in middleware read, checked when a message is
 * claimed: a body written by another process (or by hand) may carry any JSON there, and a
 * middleware that met `max_backoff: "!"` would fail halfway through recording an outcome.
 *
 * Contract:
 * 1. `checkWireOptions` accepts every option a Rehearsal or Dramatiq producer writes, and refuses
 *    a known option of the wrong type with a `DecodeError` naming the option, the expected type
 *    and the value (the broker dead-letters such a message, like any undecodable one).
 * 2. Unknown options, and options that are only ever tested for truth (`notify_shutdown`,
 *    `pipe_ignore`, `store_results`), are not checked: they travel unchanged, as in Dramatiq.
 */
import { DecodeError } from '../errors.ts';
import type { MessageOptions } from '../message.ts';

type Check = { expected: string; ok: (v: unknown) => boolean };

const msAtLeast0: Check = {
  expected: 'a number of milliseconds >= 0 (or null)',
  ok: (v) => v === null || (typeof v === 'number' && v >= 0 && v <= Number.MAX_SAFE_INTEGER),
};
const count: Check = {
  expected: 'a whole number >= 0 (or null)',
  ok: (v) => v === null || (typeof v === 'number' && Number.isInteger(v) && v >= 0),
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

const CHECKS: Readonly<Record<string, Check>> = {
  max_age: msAtLeast0,
  time_limit: msAtLeast0,
  min_backoff: msAtLeast0,
  max_backoff: msAtLeast0,
  result_ttl: msAtLeast0,
  delay: msAtLeast0,
  max_retries: count,
  retries: count,
  eta: epochMs,
  requeue_timestamp: epochMs,
  on_success: actorName,
  on_failure: actorName,
  on_retry_exhausted: actorName,
  throws: errorNames,
  pipe_target: messageData,
  group_completion_callbacks: messageList,
};

/**
 * Checks the options of a decoded message (contract item 1).
 * @throws DecodeError naming the first option of the wrong type.
 */
export function checkWireOptions(options: MessageOptions): void {
  for (const [name, check] of Object.entries(CHECKS)) {
    if (!Object.prototype.hasOwnProperty.call(options, name)) continue;
    const value = options[name];
    if (!check.ok(value))
      throw new DecodeError(
        `message option \`${name}\` must be ${check.expected}, got ${JSON.stringify(value) ?? String(value)}`,
        { option: name },
      );
  }
}
