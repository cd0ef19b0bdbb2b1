/**
 * The one table of actor options: wire name, TypeScript name, owner middleware, where the value is
 * looked up (spec §2.4) and the middleware default.
 *
 * Contract:
 * 1. The accepted option names of a broker are the union of its middleware's `actorOptions`;
 *    anything else is an error naming the actor, the option and the closest known option.
 * 2. `resolveOption` implements the per-option precedence rules exactly:
 *    - `present`: message if the key is present (even null/false/0), else actor if present, else mw;
 *    - `truthy-then-present`: message if truthy, else actor if present, else mw;
 *    - `truthy`: message if truthy, else actor;
 *    - `actor-only`: actor if present, else mw (never the message);
 *    - `not-null`: message if not null, else actor if not null, else mw.
 */
import { RehearsalError, didYouMean } from './errors.ts';
import { camelToSnake, snakeToCamel, type MessageOptions } from './message.ts';

/** Lookup rule of one option. */
export type Precedence = 'present' | 'truthy-then-present' | 'truthy' | 'actor-only' | 'not-null';

/** One row of the table. */
export type ActorOptionSpec = {
  wire: string;
  ts: string;
  owner: string;
  precedence: Precedence;
  /** What the value means, for errors and docs. */
  doc: string;
};

const spec = (
  wire: string,
  owner: string,
  precedence: Precedence,
  doc: string,
): ActorOptionSpec => ({
  wire,
  ts: snakeToCamel(wire),
  owner,
  precedence,
  doc,
});

/** Every actor option a built-in middleware declares. */
export const ACTOR_OPTIONS: readonly ActorOptionSpec[] = [
  spec(
    'max_age',
    'AgeLimit',
    'truthy-then-present',
    'ms after message_timestamp past which the message is dropped',
  ),
  spec(
    'time_limit',
    'TimeLimit',
    'truthy-then-present',
    'ms an attempt may run before TimeLimitExceeded',
  ),
  spec(
    'notify_shutdown',
    'ShutdownNotifications',
    'not-null',
    'interrupt the actor with Shutdown when the worker stops',
  ),
  spec('on_success', 'Callbacks', 'truthy', 'actor name sent (message_data, result) on success'),
  spec(
    'on_failure',
    'Callbacks',
    'truthy',
    'actor name sent (message_data, {type, message}) on each failure',
  ),
  spec('pipe_ignore', 'Pipelines', 'truthy', 'do not append the previous step result'),
  spec('pipe_target', 'Pipelines', 'truthy', 'next pipeline message'),
  spec('max_retries', 'Retries', 'present', 'retries before dead-lettering (null = forever)'),
  spec('min_backoff', 'Retries', 'present', 'ms of the first backoff'),
  spec('max_backoff', 'Retries', 'present', 'ms cap of a backoff'),
  spec('retry_when', 'Retries', 'actor-only', '(retries, error) => boolean; replaces max_retries'),
  spec('throws', 'Retries', 'truthy', 'error classes or names that fail without retry'),
  spec(
    'on_retry_exhausted',
    'Retries',
    'truthy',
    'actor name sent (message_data, {retries, max_retries})',
  ),
  spec('store_results', 'Results', 'present', 'store the return value'),
  spec('result_ttl', 'Results', 'present', 'ms a stored result lives'),
];

const BY_WIRE = new Map(ACTOR_OPTIONS.map((o) => [o.wire, o]));
const BY_TS = new Map(ACTOR_OPTIONS.map((o) => [o.ts, o]));

/** The table row of a wire name. */
export function optionSpec(wire: string): ActorOptionSpec | undefined {
  return BY_WIRE.get(wire);
}

/**
 * The wire name of an option given in either spelling (`maxRetries` or `max_retries`): a name of
 * the table, or the snake_case form of a camelCase name that `known` (a broker's accepted options,
 * custom middleware included) holds. Any other name is kept as given, so unknown message options
 * travel unchanged (spec checklist 2).
 */
export function toWireName(name: string, known?: ReadonlySet<string>): string {
  const row = BY_TS.get(name);
  if (row) return row.wire;
  if (BY_WIRE.has(name) || known?.has(name)) return name;
  const snake = camelToSnake(name);
  return known?.has(snake) ? snake : name;
}

/** Converts option names to wire names with `toWireName`; unknown keys are kept as given. */
export function toWireOptions(
  opts: Record<string, unknown>,
  known?: ReadonlySet<string>,
): MessageOptions {
  const out: MessageOptions = {};
  for (const [k, v] of Object.entries(opts)) if (v !== undefined) out[toWireName(k, known)] = v;
  return out;
}

/**
 * Checks actor options against the accepted names.
 * @throws RehearsalError `UNKNOWN_ACTOR_OPTION` naming the actor, the option and the closest name.
 */
export function validateActorOptions(
  actorName: string,
  given: Record<string, unknown>,
  accepted: ReadonlySet<string>,
): void {
  for (const name of Object.keys(given)) {
    const wire = toWireName(name, accepted);
    if (accepted.has(wire)) continue;
    const usedCamel = camelToSnake(name) !== name;
    const candidates = [...accepted].map((w) => (usedCamel ? snakeToCamel(w) : w));
    const owner = BY_WIRE.get(wire)?.owner;
    const hint = owner
      ? ` (it belongs to the ${owner} middleware, which is not on this broker)`
      : didYouMean(name, candidates);
    throw new RehearsalError(
      'UNKNOWN_ACTOR_OPTION',
      `unknown actor option \`${name}\` on actor \`${actorName}\`${hint}`,
      {
        actor: actorName,
        option: name,
        suggestion: owner ? null : (didYouMean(name, candidates).match(/`(.+)`/)?.[1] ?? null),
      },
    );
  }
}

/** Python's truth of a JSON value: empty lists and objects are false, NaN is true. */
export function pyTruthy(v: unknown): boolean {
  if (Array.isArray(v)) return v.length > 0;
  if (v !== null && typeof v === 'object') return Object.keys(v).length > 0;
  if (typeof v === 'number') return v !== 0;
  return Boolean(v);
}

/**
 * The effective value of option `wire` for a message of an actor (contract item 2).
 * @param mwDefault the middleware's default (undefined when it has none).
 */
export function resolveOption(
  wire: string,
  messageOptions: MessageOptions,
  actorOptions: Readonly<Record<string, unknown>>,
  mwDefault?: unknown,
): unknown {
  const rule = BY_WIRE.get(wire)?.precedence ?? 'present';
  const inMsg = Object.prototype.hasOwnProperty.call(messageOptions, wire);
  const inActor = Object.prototype.hasOwnProperty.call(actorOptions, wire);
  const m = messageOptions[wire];
  const a = actorOptions[wire];
  switch (rule) {
    case 'present':
      return inMsg ? m : inActor ? a : mwDefault;
    case 'truthy-then-present':
      return pyTruthy(m) ? m : inActor ? a : mwDefault;
    case 'truthy':
      return pyTruthy(m) ? m : inActor ? a : mwDefault;
    case 'actor-only':
      return inActor ? a : mwDefault;
    case 'not-null':
      return m !== undefined && m !== null ? m : a !== undefined && a !== null ? a : mwDefault;
  }
}
