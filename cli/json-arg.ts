/**
 * JSON flag values (`--args`, `--kwargs`, `--pipeline`…) with errors that point at the bad
 * character.
 *
 * Node's `JSON.parse` messages differ between versions and often omit the position, so on failure
 * a small scanner finds the first offending offset and what was expected there. The same scanner
 * finds a number that `JSON.parse` turns into Infinity (`1e999`), which would be stored as null:
 * such a value is refused with its JSON path.
 */
import { cliError } from './errors.ts';

/** Where and why a JSON text is invalid. */
export type JsonProblem = { position: number; expected: string };

/**
 * Parses the value of `flag` as JSON of the given shape.
 * @throws CliError `INVALID_JSON` (with the position and a caret line), `ARGS_NOT_ARRAY` or
 *   `KWARGS_NOT_OBJECT` naming the flag and an example.
 */
export function parseJsonFlag(
  flag: '--args' | '--kwargs',
  text: string,
  shape: 'array' | 'object',
): unknown {
  const example =
    shape === 'array' ? `${flag} '[1, "two"]'` : `${flag} '{"to": "ada@example.com"}'`;
  const value = parseJson(flag, text, `${flag} must be a JSON ${shape}, e.g. ${example}`);
  const isArray = Array.isArray(value);
  const isObject = typeof value === 'object' && value !== null && !isArray;
  if (shape === 'array' && !isArray) {
    throw cliError(
      'ARGS_NOT_ARRAY',
      `${flag} must be a JSON array of positional arguments, got ${describe(value)}`,
      { flag },
      [`e.g. ${example}; wrap a single argument in brackets: ${flag} '[${text.trim()}]'`],
    );
  }
  if (shape === 'object' && !isObject) {
    throw cliError(
      'KWARGS_NOT_OBJECT',
      `${flag} must be a JSON object of keyword arguments, got ${describe(value)}`,
      { flag },
      [`e.g. ${example}`],
    );
  }
  return value;
}

/**
 * Parses the value of any JSON flag.
 * @param hint the last line of the error: what the flag expects, with an example.
 * @throws CliError `INVALID_JSON` with the position and a caret line; `NUMBER_OUT_OF_RANGE` with
 *   the JSON path (`--args[0]`) of a number too large for a JavaScript number.
 */
export function parseJson(flag: string, text: string, hint: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch {
    const p = findJsonProblem(text) ?? { position: 0, expected: 'a JSON value' };
    throw cliError(
      'INVALID_JSON',
      `${flag} is not valid JSON: expected ${p.expected} at position ${p.position}`,
      { flag, position: p.position },
      [...caret(text, p.position), hint],
    );
  }
  if (hasNonFinite(value)) {
    const n = findHugeNumber(text) ?? { path: '', literal: 'a number', position: 0 };
    throw cliError(
      'NUMBER_OUT_OF_RANGE',
      `${flag}${n.path}: ${n.literal} is too large for a number (the limit is ±${Number.MAX_VALUE})`,
      { flag, path: `${flag}${n.path}`, value: n.literal, position: n.position },
      [
        ...caret(text, n.position),
        `if the actor needs the value as written, pass it as a string: "${n.literal}"`,
      ],
    );
  }
  return value;
}

/** True when a parsed JSON value holds Infinity or -Infinity somewhere. */
function hasNonFinite(v: unknown): boolean {
  if (typeof v === 'number') return !Number.isFinite(v);
  if (typeof v !== 'object' || v === null) return false;
  return Object.values(v).some(hasNonFinite);
}

/** `an array`, `an object`, `null`, `a string`… */
export function describe(v: unknown): string {
  if (Array.isArray(v)) return 'an array';
  if (v === null) return 'null';
  if (v === undefined) return 'nothing';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

/** Two lines showing the text (up to 60 characters around the position) and a caret under it. */
function caret(text: string, position: number): string[] {
  const start = Math.max(0, position - 40);
  const end = Math.min(text.length, position + 20);
  const shown = `${start > 0 ? '…' : ''}${text.slice(start, end).replace(/[\r\n\t]/g, ' ')}${end < text.length ? '…' : ''}`;
  const col = position - start + (start > 0 ? 1 : 0);
  return [shown, `${' '.repeat(col)}^`];
}

/** A number of a JSON text: its path (`[0].a`), as written, and where it starts. */
export type JsonNumber = { path: string; literal: string; position: number };

/** The first problem in `text` as strict JSON, or null when it is valid. */
export function findJsonProblem(text: string): JsonProblem | null {
  return scanJson(text, () => false).problem;
}

/**
 * The first number in the valid JSON `text` that is too large to be a JavaScript number (it
 * parses to Infinity), or null.
 */
export function findHugeNumber(text: string): JsonNumber | null {
  return scanJson(text, (n) => !Number.isFinite(Number(n.literal))).found;
}

/** `[3]`, `.name`, or `["a key"]` for a key that is not a plain word. */
function pathStep(key: string | number): string {
  if (typeof key === 'number') return `[${key}]`;
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

/**
 * Walks `text` as strict JSON: stops at the first problem, or at the first number `stopAt`
 * accepts.
 */
function scanJson(
  text: string,
  stopAt: (n: JsonNumber) => boolean,
): { problem: JsonProblem | null; found: JsonNumber | null } {
  let i = 0;
  let path = '';
  class Found {
    constructor(readonly n: JsonNumber) {}
  }
  class Bad {
    constructor(readonly p: JsonProblem) {}
  }
  const fail = (expected: string): never => {
    throw new Bad({ position: i, expected });
  };
  const ws = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const literal = (word: string): void => {
    if (text.startsWith(word, i)) i += word.length;
    else fail('a JSON value');
  };
  const str = (): void => {
    if (text[i] !== '"') fail('a string in double quotes');
    i++;
    while (i < text.length && text[i] !== '"') {
      const c = text.charCodeAt(i);
      if (c < 0x20) fail('no control character inside a string');
      if (text[i] === '\\') {
        i++;
        if (text[i] === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail('4 hex digits after \\u');
          i += 5;
        } else if (text[i] !== undefined && '"\\/bfnrt'.includes(text[i]!)) i++;
        else fail('a valid escape');
      } else i++;
    }
    if (i >= text.length) fail('a closing double quote');
    i++;
  };
  const num = (): void => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
    if (!m || m[0] === '-') fail('a number');
    const n = { path, literal: m![0], position: i };
    if (stopAt(n)) throw new Found(n);
    i += m![0].length;
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === undefined) fail('a JSON value');
    else if (c === '{') obj();
    else if (c === '[') arr();
    else if (c === '"') str();
    else if (c === 't') literal('true');
    else if (c === 'f') literal('false');
    else if (c === 'n') literal('null');
    else if (c === '-' || (c >= '0' && c <= '9')) num();
    else if (c === "'") fail('double quotes (JSON strings use ", not \')');
    else fail('a JSON value');
  };
  const arr = (): void => {
    const outer = path;
    i++;
    ws();
    if (text[i] === ']') {
      i++;
      return;
    }
    for (let index = 0; ; index++) {
      path = outer + pathStep(index);
      value();
      path = outer;
      ws();
      if (text[i] === ',') i++;
      else if (text[i] === ']') {
        i++;
        return;
      } else fail("',' or ']'");
    }
  };
  const obj = (): void => {
    const outer = path;
    i++;
    ws();
    if (text[i] === '}') {
      i++;
      return;
    }
    for (;;) {
      ws();
      if (text[i] === "'") fail('a key in double quotes (JSON strings use ", not \')');
      if (text[i] !== '"') fail("a key in double quotes or '}'");
      const keyStart = i;
      str();
      const key = JSON.parse(text.slice(keyStart, i)) as string;
      ws();
      if (text[i] !== ':') fail("':'");
      i++;
      path = outer + pathStep(key);
      value();
      path = outer;
      ws();
      if (text[i] === ',') i++;
      else if (text[i] === '}') {
        i++;
        return;
      } else fail("',' or '}'");
    }
  };
  try {
    value();
    ws();
    if (i < text.length) fail('the end of the input');
    return { problem: null, found: null };
  } catch (e) {
    if (e instanceof Bad) return { problem: e.p, found: null };
    if (e instanceof Found) return { problem: null, found: e.n };
    throw e;
  }
}
