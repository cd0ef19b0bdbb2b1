/**
 * A CLI command: its spec (flags and help, in specs.ts) and the code that runs it, loaded only
 * when the command runs (see specs.ts for why).
 */
import type { CommandSpec, Parsed } from './args.ts';
import type { Io } from './io.ts';

/** One subcommand of `rehearsal`. */
export type Command = {
  readonly spec: CommandSpec;
  /** Rewrites the raw arguments before strict parsing (e.g. argparse-style multi-value flags). */
  readonly normalizeArgv?: (argv: readonly string[]) => string[];
  /** Runs with parsed arguments; resolves to the exit code. Throws coded errors (errors.ts). */
  readonly run: (args: Parsed, io: Io) => Promise<number>;
};

/** A string flag value (undefined when absent). */
export function str(args: Parsed, name: string): string | undefined {
  const v = args.values[name];
  return typeof v === 'string' ? v : undefined;
}

/** A boolean flag value. */
export function bool(args: Parsed, name: string): boolean {
  return args.values[name] === true;
}

/** Every value of a repeatable string flag. */
export function list(args: Parsed, name: string): string[] {
  const v = args.values[name];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  return typeof v === 'string' ? [v] : [];
}
