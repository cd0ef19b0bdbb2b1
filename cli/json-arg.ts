/**
 * JSON flag values (`--args`, `--kwargs`) with errors that point at the bad character.
 *
 * Node's `JSON.parse` messages differ between versions and often omit the position, so on failure
 * a small scanner finds the first offending offset and what was expected there.
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
 * @throws CliError `INVALID_JSON` with the position and a caret line.
 */
export function parseJson(flag: string, text: string, hint: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    const p = findJsonProblem(text) ?? { position: 0, expected: 'a JSON value' };
    throw cliError(
      'INVALID_JSON',
      `${flag} is not valid JSON: expected ${p.expected} at position ${p.position}`,
      { flag, position: p.position },
      [...caret(text, p.position), hint],
    );
  }
}

/** `an array`, `null`, `a string`… */
export function describe(v: unknown): string {
  if (Array.isArray(v)) return 'an array';
  if (v === null) return 'null';
  return `a ${typeof v}`;
}

/** Two lines showing the text (up to 60 characters around the position) and a caret under it. */
function caret(text: string, position: number): string[] {
  const start = Math.max(0, position - 40);
  const end = Math.min(text.length, position + 20);
  const shown = `${start > 0 ? '…' : ''}${text.slice(start, end).replace(/[\r\n\t]/g, ' ')}${end < text.length ? '…' : ''}`;
  const col = position - start + (start > 0 ? 1 : 0);
  return [shown, `${' '.repeat(col)}^`];
}

/** The first problem in `text` as strict JSON, or null when it is valid. */
export function findJsonProblem(text: string): JsonProblem | null {
  let i = 0;
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
    i++;
    ws();
    if (text[i] === ']') {
      i++;
      return;
    }
    for (;;) {
      value();
      ws();
      if (text[i] === ',') i++;
      else if (text[i] === ']') {
        i++;
        return;
      } else fail("',' or ']'");
    }
  };
  const obj = (): void => {
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
      str();
      ws();
      if (text[i] !== ':') fail("':'");
      i++;
      value();
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
    return null;
  } catch (e) {
    if (e instanceof Bad) return e.p;
    throw e;
  }
}
