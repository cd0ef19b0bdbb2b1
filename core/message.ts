/**
 * Messages: Dramatiq's wire shape, its JSON encoding, and the one place where snake_case wire
 * names meet camelCase TypeScript names.
 *
 * Contract:
 * 1. A message has seven fields, encoded in this order: `queue_name, actor_name, args, kwargs,
 *    options, message_id, message_timestamp`, as compact JSON.
 * 2. The encoding is byte-compatible with Python's `json.dumps(..., separators=(",", ":"))`: every
 *    non-ASCII character is escaped as `\uXXXX` and non-finite floats are the bare tokens `NaN`,
 *    `Infinity`, `-Infinity`. The decoder accepts both that and strict JSON.
 * 3. `options` keeps wire (snake_case) keys: it is free-form and travels unchanged; unknown keys are
 *    carried, never validated.
 * 4. `messageId` and `messageTimestamp` survive copies, retries and delays.
 */
import { DecodeError, RehearsalError } from './errors.ts';

/** Wire options of a message (snake_case keys, JSON values). */
export type MessageOptions = Record<string, unknown>;

/** A message as TypeScript sees it. Treat it as immutable except `options` (see contract). */
export type Message = {
  readonly queueName: string;
  readonly actorName: string;
  readonly args: readonly unknown[];
  readonly kwargs: Readonly<Record<string, unknown>>;
  readonly options: MessageOptions;
  readonly messageId: string;
  readonly messageTimestamp: number;
};

/** The plain wire object of a message (what `on_success` callbacks receive as `message_data`). */
export type MessageData = {
  queue_name: string;
  actor_name: string;
  args: unknown[];
  kwargs: Record<string, unknown>;
  options: MessageOptions;
  message_id: string;
  message_timestamp: number;
};

const WIRE_KEYS = [
  'queue_name',
  'actor_name',
  'args',
  'kwargs',
  'options',
  'message_id',
  'message_timestamp',
] as const;

/** A copy of `m` whose options are `m.options` merged with `changes.options` (new keys win). */
export function copyMessage(
  m: Message,
  changes: { queueName?: string; options?: MessageOptions } = {},
): Message {
  return {
    queueName: changes.queueName ?? m.queueName,
    actorName: m.actorName,
    args: m.args,
    kwargs: m.kwargs,
    options: { ...m.options, ...(changes.options ?? {}) },
    messageId: m.messageId,
    messageTimestamp: m.messageTimestamp,
  };
}

/** The wire object of a message, keys in wire order. */
export function toMessageData(m: Message): MessageData {
  return {
    queue_name: m.queueName,
    actor_name: m.actorName,
    args: [...m.args],
    kwargs: { ...m.kwargs },
    options: { ...m.options },
    message_id: m.messageId,
    message_timestamp: m.messageTimestamp,
  };
}

/** A message from its wire object; see `decodeMessage` for the rules. */
export function fromMessageData(
  data: unknown,
  fresh?: { id: () => string; now: () => number },
): Message {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new DecodeError(
      'a message must be a JSON object with queue_name, actor_name, args, kwargs and options',
    );
  }
  const d = data as Record<string, unknown>;
  const extra = Object.keys(d).filter((k) => !(WIRE_KEYS as readonly string[]).includes(k));
  if (extra.length > 0)
    throw new DecodeError(`unknown message field(s): ${extra.join(', ')}`, { fields: extra });
  for (const k of ['queue_name', 'actor_name', 'args', 'kwargs', 'options'] as const) {
    if (!(k in d)) throw new DecodeError(`message field \`${k}\` is missing`, { field: k });
  }
  if (typeof d.queue_name !== 'string')
    throw new DecodeError('message field `queue_name` must be a string', { field: 'queue_name' });
  if (typeof d.actor_name !== 'string')
    throw new DecodeError('message field `actor_name` must be a string', { field: 'actor_name' });
  if (!Array.isArray(d.args))
    throw new DecodeError('message field `args` must be an array', { field: 'args' });
  const kwargs = d.kwargs ?? {};
  if (typeof kwargs !== 'object' || Array.isArray(kwargs))
    throw new DecodeError('message field `kwargs` must be an object', { field: 'kwargs' });
  const options = d.options ?? {};
  if (typeof options !== 'object' || Array.isArray(options))
    throw new DecodeError('message field `options` must be an object', { field: 'options' });
  let messageId = d.message_id;
  if (messageId === undefined || messageId === null) {
    if (!fresh)
      throw new DecodeError('message field `message_id` is missing', { field: 'message_id' });
    messageId = fresh.id();
  }
  if (typeof messageId !== 'string')
    throw new DecodeError('message field `message_id` must be a string', { field: 'message_id' });
  let ts = d.message_timestamp;
  if (ts === undefined || ts === null) {
    if (!fresh)
      throw new DecodeError('message field `message_timestamp` is missing', {
        field: 'message_timestamp',
      });
    ts = fresh.now();
  }
  if (typeof ts !== 'number' || !Number.isFinite(ts)) {
    throw new DecodeError('message field `message_timestamp` must be a number (epoch ms)', {
      field: 'message_timestamp',
    });
  }
  return {
    queueName: d.queue_name,
    actorName: d.actor_name,
    args: d.args as unknown[],
    kwargs: kwargs as Record<string, unknown>,
    options: options as MessageOptions,
    messageId,
    messageTimestamp: Math.trunc(ts),
  };
}

const NON_FINITE = '\u0000nonfinite:';

function pyReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) return `${NON_FINITE}${String(value)}`;
  // A string that looks like a marker is marked too, so that it stays a string.
  if (typeof value === 'string' && value.startsWith(NON_FINITE)) return `${NON_FINITE}S${value}`;
  return value;
}

// Python's ensure_ascii escapes everything outside printable ASCII (space..`~`), DEL included.
const NON_ASCII = /[\u007f-\uffff]/g;
const NON_FINITE_TOKEN = /"\\u0000nonfinite:(NaN|Infinity|-Infinity)"/g;
const MARKED_STRING = /"\\u0000nonfinite:S/g;

// Python writes a float below 1e-4 as 1e-05 (two exponent digits at least), where JavaScript
// writes 0.00001 or 1e-7. Only a text with such a number in it is rewritten. In compact JSON a
// number starts the text or follows `:`, `,` or `[`; without that anchor every message id with
// a digit, `e`, `-` and a digit in a row (about one in ten) sent its whole text through the
// tokenizer.
const SMALL_FLOAT_HINT = /(?:^|[:,[])-?(?:\d+(?:\.\d+)?e-\d|0\.0000)/;
const JSON_TOKEN = /"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:e[+-]?\d+)?/g;

function pyFloatToken(t: string): string {
  if (t.charCodeAt(0) === 34) return t;
  const x = Number(t);
  if (Number.isInteger(x)) return t;
  const [mantissa, exp] = x.toExponential().split('e') as [string, string];
  const e = Number(exp);
  return e >= -4 ? t : `${mantissa}e-${String(-e).padStart(2, '0')}`;
}

/** Small floats as Python's `repr` writes them (see SMALL_FLOAT_HINT). */
function pyFloats(text: string): string {
  return SMALL_FLOAT_HINT.test(text) ? text.replace(JSON_TOKEN, pyFloatToken) : text;
}

/**
 * JSON text as Python's `json.dumps` with compact separators writes it (contract item 2).
 * @throws RehearsalError `NOT_JSON_SERIALIZABLE` for functions, symbols, bigints and cycles.
 */
export function pyJsonStringify(value: unknown, where = 'value'): string {
  return asciiOnly(checkedJson(value, where));
}

/**
 * `pyJsonStringify` without the ASCII escaping: checked, non-finite numbers as bare tokens.
 * `where` names the value in an error (a function builds it only when one is thrown).
 */
function checkedJson(value: unknown, where: string | (() => string)): string {
  let text: string | undefined;
  try {
    assertJsonValue(value, where);
    text = stringifyNonFinite(value);
  } catch (err) {
    if (err instanceof RehearsalError) throw err;
    const path = placeOf(where);
    throw new RehearsalError(
      'NOT_JSON_SERIALIZABLE',
      `${path} cannot be encoded as JSON: ${(err as Error).message}`,
      { path },
    );
  }
  if (text === undefined) {
    const path = placeOf(where);
    throw new RehearsalError('NOT_JSON_SERIALIZABLE', `${path} cannot be encoded as JSON`, {
      path,
    });
  }
  return text;
}

function placeOf(where: string | (() => string)): string {
  return typeof where === 'string' ? where : where();
}

// One match is enough to know that a text needs escaping (the global NON_ASCII is for replace).
const ANY_NON_ASCII = /[\u007f-\uffff]/;

/** Python's ensure_ascii: every character outside printable ASCII as `\uXXXX`. */
function asciiOnly(text: string): string {
  if (!ANY_NON_ASCII.test(text)) return text;
  return text.replace(NON_ASCII, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * `JSON.stringify` with non-finite numbers as bare tokens. A replacer makes stringify several
 * times slower, so it only runs when the plain text has a `null` (where a non-finite number
 * would have gone) and the value may really hold one (a `null` result, on every succeeded
 * journal row of an actor that returns nothing, took the slow path every time).
 */
function stringifyNonFinite(value: unknown): string | undefined {
  const plain = JSON.stringify(value);
  if (plain === undefined) return plain;
  if (!plain.includes('null') || !mayHoldNonFinite(value, 0)) return pyFloats(plain);
  return pyFloats(
    JSON.stringify(value, pyReplacer).replace(NON_FINITE_TOKEN, '$1').replace(MARKED_STRING, '"'),
  );
}

/**
 * False when `value` is plain data (arrays and plain objects, up to 100 deep) without a
 * non-finite number; true when it has one, or might (anything `JSON.stringify` could turn into
 * something else, such as an object with `toJSON`).
 */
function mayHoldNonFinite(value: unknown, depth: number): boolean {
  if (typeof value === 'number') return !Number.isFinite(value);
  if (typeof value !== 'object' || value === null) return false;
  if (depth > 100) return true;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (mayHoldNonFinite(value[i], depth + 1)) return true;
    return false;
  }
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return true;
  const o = value as Record<string, unknown>;
  if (typeof o.toJSON === 'function') return true;
  for (const k in o) if (mayHoldNonFinite(o[k], depth + 1)) return true;
  return false;
}

/**
 * JSON text with Python's bare `NaN`/`Infinity`/`-Infinity` tokens (read back by `pyJsonParse`),
 * but without the encodability check or ASCII escaping of `pyJsonStringify`: for records such as
 * the journal, which must never fail on an odd value (other values follow `JSON.stringify`).
 */
export function jsonWithNonFinite(value: unknown): string {
  return stringifyNonFinite(value) ?? 'null';
}

/**
 * Checks that `value` is made of JSON values only (null, booleans, numbers, strings, arrays and
 * plain objects), so nothing is silently dropped or turned into `{}`.
 * @throws RehearsalError `NOT_JSON_SERIALIZABLE` with the JSON path of the first bad value.
 */
export function assertJsonValue(value: unknown, path: string | (() => string) = 'value'): void {
  // The common case (plain data) is checked without building a path per value; anything the
  // quick walk does not accept gets the full walk, which names the bad value or accepts it.
  if (isPlainJson(value, 0)) return;
  checkJsonValue(value, placeOf(path), new Set());
}

/** True when `value` is certainly plain JSON data (false is "not sure": use the full check). */
function isPlainJson(value: unknown, depth: number): boolean {
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
      return true;
    case 'object': {
      if (value === null) return true;
      if (depth > 100) return false;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) if (!isPlainJson(value[i], depth + 1)) return false;
        return true;
      }
      const proto = Object.getPrototypeOf(value) as unknown;
      if (proto !== Object.prototype && proto !== null) return false;
      const o = value as Record<string, unknown>;
      for (const k of Object.keys(o)) if (!isPlainJson(o[k], depth + 1)) return false;
      return true;
    }
    default:
      return false;
  }
}

function checkJsonValue(value: unknown, path: string, seen: Set<object>): void {
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
      return;
    case 'object': {
      if (value === null) return;
      if (seen.has(value))
        throw new RehearsalError(
          'NOT_JSON_SERIALIZABLE',
          `${path} contains a cycle and cannot be encoded as JSON`,
          { path },
        );
      seen.add(value);
      if (Array.isArray(value)) {
        value.forEach((v, i) => checkJsonValue(v, `${path}[${i}]`, seen));
      } else {
        const proto = Object.getPrototypeOf(value) as unknown;
        if (proto !== Object.prototype && proto !== null) {
          const kind = (value as object).constructor?.name ?? 'object';
          throw new RehearsalError(
            'NOT_JSON_SERIALIZABLE',
            `${path} is a ${kind}, which cannot be encoded as JSON; pass plain objects, arrays, strings, numbers, booleans or null`,
            { path, kind },
          );
        }
        for (const [k, v] of Object.entries(value)) checkJsonValue(v, `${path}.${k}`, seen);
      }
      seen.delete(value);
      return;
    }
    default:
      throw new RehearsalError(
        'NOT_JSON_SERIALIZABLE',
        `${path} is a ${typeof value}, which cannot be encoded as JSON`,
        { path, kind: typeof value },
      );
  }
}

/**
 * Parses JSON text, also accepting Python's bare `NaN`, `Infinity` and `-Infinity` tokens.
 * @throws SyntaxError when the text is not JSON.
 */
export function pyJsonParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    if (!/NaN|Infinity/.test(text)) throw err;
  }
  // Replace bare tokens outside strings with marker strings, then revive them. A string that
  // itself starts with the marker is marked as a string, so it is not revived as a number.
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      const token = text.slice(i, j + 1);
      i = j;
      // A NUL can only be written escaped, so only such a string can hold the marker.
      const decoded = token.includes('\\u0000') ? (JSON.parse(token) as string) : '';
      out += decoded.startsWith(NON_FINITE) ? JSON.stringify(`${NON_FINITE}S${decoded}`) : token;
      continue;
    }
    const rest = text.slice(i, i + 9);
    // The marker is written as JSON text (`"\u0000…"`): a raw NUL in a JSON string is invalid.
    if (rest.startsWith('-Infinity')) {
      out += JSON.stringify(`${NON_FINITE}-Infinity`);
      i += 8;
    } else if (rest.startsWith('Infinity')) {
      out += JSON.stringify(`${NON_FINITE}Infinity`);
      i += 7;
    } else if (rest.startsWith('NaN')) {
      out += JSON.stringify(`${NON_FINITE}NaN`);
      i += 2;
    } else out += c;
  }
  return JSON.parse(out, (_k, v: unknown) => {
    if (typeof v !== 'string' || !v.startsWith(NON_FINITE)) return v;
    const rest = v.slice(NON_FINITE.length);
    return rest.startsWith('S') ? rest.slice(1) : Number(rest);
  });
}

/** Encodes a message as Dramatiq's JSON encoder does (contract items 1 and 2). */
export function encodeMessage(m: Message): string {
  return encodeMessageParts(m).body;
}

/** A message's wire text, and the `{args, kwargs, options}` text its `enqueued` journal row keeps. */
export type EncodedMessage = {
  /** Exactly `pyJsonStringify(toMessageData(m))`. */
  body: string;
  /** Exactly `jsonWithNonFinite({ args, kwargs, options })` (not ASCII-escaped, as the journal). */
  data: string;
};

/**
 * Encodes a message once for both the queue and the journal: each of args, kwargs and options
 * is checked and stringified once, and both texts are put together from those pieces (a whole
 * message through `JSON.stringify` and its checks cost ≈ 2 µs, most of a send's JavaScript).
 * With `actorNamed`, a bad value in args or kwargs is named as `args of ACTOR[0]`, the way a
 * send reports it; otherwise as `message.args[0]`.
 * @throws RehearsalError `NOT_JSON_SERIALIZABLE` naming the first value that is not JSON.
 */
export function encodeMessageParts(m: Message, actorNamed = false): EncodedMessage {
  const args = checkedJson(m.args, actorNamed ? () => `args of ${m.actorName}` : 'message.args');
  const kwargs = isEmptyPlainObject(m.kwargs)
    ? '{}'
    : checkedJson(m.kwargs, actorNamed ? () => `kwargs of ${m.actorName}` : 'message.kwargs');
  const options = isEmptyPlainObject(m.options) ? '{}' : checkedJson(m.options, 'message.options');
  const ts = m.messageTimestamp;
  // ASCII escaping is character by character, so escaping each piece equals escaping the whole.
  const body =
    `{"queue_name":${nameJson(m.queueName, 'message.queue_name')},` +
    `"actor_name":${nameJson(m.actorName, 'message.actor_name')},` +
    `"args":${asciiOnly(args)},"kwargs":${asciiOnly(kwargs)},"options":${asciiOnly(options)},` +
    `"message_id":${stringJson(m.messageId, 'message.message_id')},` +
    `"message_timestamp":${Number.isInteger(ts) ? String(ts) : checkedJson(ts, 'message.message_timestamp')}}`;
  return { body, data: `{"args":${args},"kwargs":${kwargs},"options":${options}}` };
}

/** Escaped JSON text of queue and actor names, which repeat on every message of theirs. */
const NAME_JSON = new Map<string, string>();

function nameJson(value: unknown, where: string): string {
  if (typeof value !== 'string') return stringJson(value, where);
  let text = NAME_JSON.get(value);
  if (text === undefined) {
    text = stringJson(value, where);
    if (NAME_JSON.size >= 1024) NAME_JSON.clear();
    NAME_JSON.set(value, text);
  }
  return text;
}

/** Escaped JSON text of a string field (anything else goes through the full check). */
function stringJson(value: unknown, where: string): string {
  return asciiOnly(typeof value === 'string' ? JSON.stringify(value) : checkedJson(value, where));
}

/** `{}` with no own keys and a plain prototype: most kwargs and many options. */
function isEmptyPlainObject(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return false;
  for (const _ in value) return false;
  return true;
}

/**
 * Decodes wire JSON into a message. A missing `message_id`/`message_timestamp` gets a fresh value
 * when `fresh` is given; an unknown extra key fails.
 * @throws DecodeError naming what was wrong.
 */
export function decodeMessage(
  text: string,
  fresh?: { id: () => string; now: () => number },
): Message {
  let data: unknown;
  try {
    data = pyJsonParse(text);
  } catch (err) {
    throw new DecodeError(`message is not valid JSON: ${(err as Error).message}`);
  }
  return fromMessageData(data, fresh);
}

/** `maxRetries` → `max_retries`. */
export function camelToSnake(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** `max_retries` → `maxRetries`. */
export function snakeToCamel(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}
