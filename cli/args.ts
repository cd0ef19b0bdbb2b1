/**
 * Command specs and strict argument parsing (node:util `parseArgs`) with friendly, coded errors.
 *
 * Contract:
 * 1. Every command declares its options once (`CommandSpec`); the same table drives parsing and
 *    `--help`, so help never lists a flag the parser rejects or the reverse.
 * 2. Parsing is strict: an unknown flag is `UNKNOWN_FLAG` naming the closest known flag, a flag
 *    without its value, or with an empty or blank one (`--db=`, `--queues ""`), is `MISSING_VALUE`,
 *    an extra word is `UNEXPECTED_ARGUMENT`. Errors name a flag as `--long` (`-s`) whichever form
 *    was typed, with its value placeholder (`--threads N`).
 * 3. `--help`/`-h` anywhere before `--` wins over every other problem on the line.
 * 4. Every command takes `--db FILE`, `--verbose`/`-v` and `--help`/`-h`.
 */
import { parseArgs } from 'node:util';
import { cliError } from './errors.ts';
import { closest } from './suggest.ts';

/** One flag of a command. */
export type OptionSpec = {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  /** Placeholder of the value in help (`FILE`, `N`…). */
  metavar?: string;
  description: string;
  /** Not listed in help (internal plumbing such as `--child-index`). */
  hidden?: boolean;
};

/** One positional argument of a command. */
export type PositionalSpec = {
  name: string;
  description: string;
  required?: boolean;
  variadic?: boolean;
};

/** A command: its name, help text and flags (contract item 1). */
export type CommandSpec = {
  name: string;
  summary: string;
  /** Paragraphs shown under the usage line. */
  description: string;
  positionals: readonly PositionalSpec[];
  options: Readonly<Record<string, OptionSpec>>;
  examples: readonly string[];
  /**
   * Usage lines (after `rehearsal `) when one line cannot say it, e.g. `enqueue ACTOR` and
   * `enqueue --pipeline JSON`; default: the name and positionals, from `usageLine`.
   */
  usage?: readonly string[];
};

/** Flags every command accepts (contract item 4). */
export const COMMON_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  db: {
    type: 'string',
    metavar: 'FILE',
    description: 'database file (default: $REHEARSAL_DB, else ./rehearsal.db)',
  },
  verbose: {
    type: 'boolean',
    short: 'v',
    description: 'more detail: debug logs, and stack traces with errors',
  },
  help: { type: 'boolean', short: 'h', description: 'show this help' },
};

/** What `parseCommand` returns. */
export type Parsed = {
  values: Record<string, string | boolean | string[] | boolean[] | undefined>;
  positionals: string[];
  help: boolean;
};

/**
 * Every flag of a command, common ones included. A command may redefine a common flag's help
 * (`run --db` is a new file, not $REHEARSAL_DB); it keeps the common flag's type and short name.
 */
export function allOptions(spec: CommandSpec): Record<string, OptionSpec> {
  const all: Record<string, OptionSpec> = { ...spec.options, ...COMMON_OPTIONS };
  for (const [name, common] of Object.entries(COMMON_OPTIONS)) {
    const own = spec.options[name];
    if (own)
      all[name] = { ...own, type: common.type, ...(common.short ? { short: common.short } : {}) };
  }
  return all;
}

/** True when `--help`/`-h` appears before a `--` (contract item 3). */
export function wantsHelp(argv: readonly string[]): boolean {
  for (const a of argv) {
    if (a === '--') return false;
    if (a === '--help' || a === '-h') return true;
  }
  return false;
}

/**
 * Parses `argv` for `spec` (contract item 2).
 * @throws CliError `UNKNOWN_FLAG`, `MISSING_VALUE`, `INVALID_ARGUMENT`, `UNEXPECTED_ARGUMENT`.
 */
export function parseCommand(spec: CommandSpec, argv: readonly string[]): Parsed {
  if (wantsHelp(argv)) return { values: {}, positionals: [], help: true };
  const options = allOptions(spec);
  const config: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> =
    {};
  for (const [name, o] of Object.entries(options)) {
    config[name] = {
      type: o.type,
      ...(o.short ? { short: o.short } : {}),
      ...(o.multiple ? { multiple: true } : {}),
    };
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: config,
      strict: true,
      allowPositionals: spec.positionals.length > 0,
      tokens: true,
    });
  } catch (err) {
    throw translateParseError(spec, options, err);
  }
  // parseArgs takes `--db=` and `--db ""` as the value "", which would quietly mean "no --db"
  // (contract item 2).
  for (const t of parsed.tokens ?? []) {
    if (t.kind !== 'option' || t.value === undefined || t.value.trim() !== '') continue;
    throw emptyValue(spec, t.name, options[t.name]!, t.value);
  }
  const positionals = [...parsed.positionals];
  const maxPositionals = spec.positionals.some((p) => p.variadic)
    ? Infinity
    : spec.positionals.length;
  if (positionals.length > maxPositionals) {
    const extra = positionals[maxPositionals]!;
    throw unexpected(spec, extra);
  }
  const missing = spec.positionals.filter((p, i) => p.required && positionals[i] === undefined);
  if (missing.length > 0) {
    const p = missing[0]!;
    throw cliError(
      'MISSING_ARGUMENT',
      `\`rehearsal ${spec.name}\` needs ${p.name}: ${p.description}`,
      { command: spec.name, argument: p.name },
      [`usage: ${usageLine(spec)}`, `see \`rehearsal ${spec.name} --help\``],
    );
  }
  return {
    values: parsed.values as Parsed['values'],
    positionals,
    help: false,
  };
}

function unexpected(spec: CommandSpec, word: string): Error {
  return cliError(
    'UNEXPECTED_ARGUMENT',
    `\`rehearsal ${spec.name}\` does not take the argument ${JSON.stringify(word)}`,
    { command: spec.name, argument: word },
    [`usage: ${usageLine(spec)}`],
  );
}

/** `` `--threads` (-t) ``: a flag as the user writes it, with its short form (contract item 2). */
function flagLabel(name: string, o: OptionSpec | undefined): string {
  return `\`--${name}\`${o?.short ? ` (-${o.short})` : ''}`;
}

/** `--threads N`: the flag with its value placeholder. */
function flagUsage(name: string, o: OptionSpec | undefined): string {
  return `--${name} ${o?.metavar ?? 'VALUE'}`;
}

/**
 * The flag a parseArgs message is about. Node quotes it as `'-t, --threads <value>'`,
 * `'--db <value>'`, `'-v, --verbose'` or just as typed (`'-t'`); the long name wins.
 */
function flagOfMessage(
  msg: string,
  options: Record<string, OptionSpec>,
): { name: string; option: OptionSpec | undefined } | null {
  const quoted = /'([^']*)'/.exec(msg)?.[1] ?? '';
  const long = /--([^\s,<=]+)/.exec(quoted)?.[1];
  if (long !== undefined) return { name: long, option: options[long] };
  const short = /^-([^-\s,])/.exec(quoted)?.[1];
  const found = Object.entries(options).find(([, o]) => o.short === short);
  return found ? { name: found[0], option: found[1] } : null;
}

/** `MISSING_VALUE` for `--db=`, `--db ""` or a value of spaces (contract item 2). */
function emptyValue(spec: CommandSpec, name: string, o: OptionSpec, value: string): Error {
  const usage = flagUsage(name, o);
  return cliError(
    'MISSING_VALUE',
    `flag ${flagLabel(name, o)} of \`rehearsal ${spec.name}\` got ${value === '' ? 'an empty value' : 'a value of only spaces'}; it needs one: ${usage}`,
    { command: spec.name, flag: `--${name}`, value },
    [
      `${usage}: ${o.description}`,
      ...(/\(default/.test(o.description) ? [`to use the default, leave out --${name}`] : []),
    ],
  );
}

/** Maps node's parseArgs errors to coded errors naming the flag (contract item 2). */
function translateParseError(
  spec: CommandSpec,
  options: Record<string, OptionSpec>,
  err: unknown,
): Error {
  const e = err as { code?: string; message?: string };
  const msg = e.message ?? String(err);
  const flag = /'(-[^' ]*)/.exec(msg)?.[1] ?? '';
  if (e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const known = flagOfMessage(msg, options);
    const name = known?.name ?? flag.replace(/^-+/, '');
    const label = known ? flagLabel(name, known.option) : `\`${flag}\``;
    const details = { command: spec.name, flag: known ? `--${name}` : flag };
    if (/argument missing/.test(msg)) {
      return cliError(
        'MISSING_VALUE',
        `flag ${label} of \`rehearsal ${spec.name}\` needs a value: ${flagUsage(name, known?.option)}`,
        details,
      );
    }
    if (/ambiguous/.test(msg)) {
      return cliError(
        'MISSING_VALUE',
        `flag ${label} of \`rehearsal ${spec.name}\` is followed by another flag instead of its value; to pass a value that starts with a dash write --${name}=${known?.option?.metavar ?? 'VALUE'}`,
        details,
      );
    }
    return cliError(
      'INVALID_ARGUMENT',
      `flag ${label} of \`rehearsal ${spec.name}\` does not take a value (it is an on/off switch)`,
      details,
    );
  }
  if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const flagName = flag.split('=')[0]!;
    const known = Object.entries(options)
      .filter(([, o]) => !o.hidden)
      .flatMap(([name, o]) => [`--${name}`, ...(o.short ? [`-${o.short}`] : [])]);
    const longKnown = known.filter((k) => k.startsWith('--'));
    const best = closest(flagName, flagName.startsWith('--') ? longKnown : known);
    return cliError(
      'UNKNOWN_FLAG',
      `unknown flag \`${flagName}\` for \`rehearsal ${spec.name}\`${best ? ` — did you mean \`${best}\`?` : ''}`,
      { command: spec.name, flag: flagName, suggestion: best },
      [`known flags: ${longKnown.join(', ')}`, `see \`rehearsal ${spec.name} --help\``],
    );
  }
  if (e.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
    const word = /argument '([^']*)'/.exec(msg)?.[1] ?? '';
    return unexpected(spec, word);
  }
  return err instanceof Error ? err : new Error(msg);
}

/** `rehearsal worker MODULE [MODULE ...] [options]` (the first line when the spec has several). */
export function usageLine(spec: CommandSpec): string {
  if (spec.usage?.[0] !== undefined) return `rehearsal ${spec.usage[0]}`;
  const pos = spec.positionals
    .map((p) => {
      const word = p.variadic ? `${p.name} [${p.name} ...]` : p.name;
      return p.required ? word : `[${word}]`;
    })
    .join(' ');
  return `rehearsal ${spec.name}${pos ? ` ${pos}` : ''} [options]`;
}

/** The `--help` text of a command (contract item 1). */
export function formatHelp(spec: CommandSpec): string {
  const lines = spec.usage
    ? spec.usage.map((u, i) => `${i === 0 ? 'Usage: ' : '       '}rehearsal ${u}`)
    : [`Usage: ${usageLine(spec)}`];
  lines.push('', spec.description.trim(), '');
  if (spec.positionals.length > 0) {
    lines.push('Arguments:');
    for (const p of spec.positionals) lines.push(row(p.name, p.description));
    lines.push('');
  }
  lines.push('Options:');
  for (const [name, o] of Object.entries(allOptions(spec))) {
    if (o.hidden) continue;
    const flag = `${o.short ? `-${o.short}, ` : '    '}--${name}${o.type === 'string' ? ` ${o.metavar ?? 'VALUE'}` : ''}`;
    lines.push(row(flag, o.description));
  }
  if (spec.examples.length > 0) {
    lines.push('', 'Examples:');
    for (const ex of spec.examples) lines.push(`  ${ex}`);
  }
  return `${lines.join('\n')}\n`;
}

/** One help row: the flag, then its description wrapped to 100 columns under itself. */
function row(left: string, right: string): string {
  const pad = 28;
  const indent = ' '.repeat(pad + 2);
  const lines = wrap(right, 100 - indent.length);
  const first =
    left.length + 2 >= pad ? `  ${left}\n${indent}${lines[0]}` : `  ${left.padEnd(pad)}${lines[0]}`;
  return [first, ...lines.slice(1).map((l) => indent + l)].join('\n');
}

/** Splits `text` into lines of at most `width` characters at spaces. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  lines.push(line);
  return lines;
}

/**
 * An integer flag value within [min, max]; without `max`, the largest whole number a JavaScript
 * number holds exactly (2^53 - 1), which a value too large is told about.
 * @throws CliError `INVALID_ARGUMENT` naming the flag, the value and the allowed range.
 */
export function intFlag(
  flag: string,
  raw: string | undefined,
  dflt: number,
  range: { min: number; max?: number },
): number {
  if (raw === undefined) return dflt;
  const max = range.max ?? Number.MAX_SAFE_INTEGER;
  const n = /^\s*-?\d+\s*$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n) || n < range.min || n > max) {
    const tooLarge = /^\s*\d+\s*$/.test(raw) && !(Number(raw) <= max);
    const span =
      range.max !== undefined
        ? `${range.min}..${range.max}`
        : tooLarge
          ? `from ${range.min} to ${max} (2^53 - 1, the largest that is exact)`
          : `at least ${range.min}`;
    throw cliError(
      'INVALID_ARGUMENT',
      `${flag} must be a whole number ${span}, got ${JSON.stringify(raw)}`,
      { flag, value: raw },
    );
  }
  return n;
}
