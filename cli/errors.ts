/**
 * How the CLI reports errors and picks exit codes.
 *
 * Contract:
 * 1. Expected errors carry a stable code: core's `RehearsalError`s, and `CliError`s for what the
 *    CLI itself checks. They print as one `error [CODE]: message` line (plus indented hint lines),
 *    never with a stack trace unless `--verbose` is given.
 * 2. Exit codes follow Dramatiq's CLI where it has one: 0 ok, 2 bad argument or a module that does
 *    not import, 1 anything else (a failure at run time, a worker process that died).
 * 3. Anything without a code is a bug: it prints as `error [INTERNAL]` with its stack, and exits 1.
 *
 * This module does not load core (nor does anything `--help` needs), so help and argument errors
 * answer before the engine is loaded; `CliError` has `RehearsalError`'s shape for that reason.
 */

/** Exit code of a successful command. */
export const EXIT_OK = 0;
/** Exit code of a failure at run time (Dramatiq's "killed" / generic failure). */
export const EXIT_FAILURE = 1;
/** Exit code of a bad argument or a module import error (Dramatiq's `RET_IMPORT`). */
export const EXIT_USAGE = 2;

/** Codes that are failures at run time rather than bad input (exit 1 instead of 2). */
const RUNTIME_CODES: ReadonlySet<string> = new Set([
  'DB_OPEN_FAILED',
  'DB_FULL',
  'DB_IO_ERROR',
  'WORKER_DIED',
  'INTERNAL',
  'CLOCK_RUNAWAY',
  'JOURNAL_WRITE_FAILED',
  'FORK_DIVERGED_EARLY',
]);

/** An error with a stable code and JSON details (a `RehearsalError` or a `CliError`). */
export type CodedError = Error & {
  readonly code: string;
  readonly details: Record<string, unknown>;
};

/** An error found by the CLI itself; same shape as core's `RehearsalError` (contract item 1). */
export class CliError extends Error {
  readonly code: string;
  readonly details: Record<string, unknown>;

  constructor(code: string, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.code = code;
    this.details = details;
    this.name = 'CliError';
  }

  /** The JSON shape of the error, as core's errors cross processes. */
  toWire(): { code: string; message: string; details: Record<string, unknown> } {
    return { code: this.code, message: this.message, details: this.details };
  }
}

/** Builds a coded CLI error; `hint` lines print indented under the message. */
export function cliError(
  code: string,
  message: string,
  details: Record<string, unknown> = {},
  hint: readonly string[] = [],
): CliError {
  return new CliError(code, message, hint.length > 0 ? { ...details, hint } : details);
}

/** True for coded errors: `CliError`, or core's `RehearsalError` (recognised by its shape). */
export function isCoded(err: unknown): err is CodedError {
  if (err instanceof CliError) return true;
  if (!(err instanceof Error)) return false;
  const e = err as Partial<CodedError> & { toWire?: unknown };
  return (
    typeof e.code === 'string' &&
    typeof e.details === 'object' &&
    e.details !== null &&
    typeof e.toWire === 'function'
  );
}

/** True for an error SQLite raised (better-sqlite3's `SqliteError`, code `SQLITE_…`). */
export function isSqliteError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return err instanceof Error && typeof code === 'string' && code.startsWith('SQLITE_');
}

/** The exit code for an error (contract item 2). */
export function exitCodeFor(err: unknown): number {
  if (isCoded(err)) return RUNTIME_CODES.has(err.code) ? EXIT_FAILURE : EXIT_USAGE;
  return EXIT_FAILURE;
}

/** The text printed for an error (contract items 1 and 3), ending with a newline. */
export function formatError(err: unknown, opts: { verbose: boolean }): string {
  if (isCoded(err)) {
    const hint = Array.isArray(err.details.hint) ? (err.details.hint as unknown[]) : [];
    const lines = [`error [${err.code}]: ${err.message}`, ...hint.map((h) => `  ${String(h)}`)];
    if (opts.verbose && err.stack) lines.push('', err.stack);
    return `${lines.join('\n')}\n`;
  }
  const text = err instanceof Error ? (err.stack ?? `${err.name}: ${err.message}`) : String(err);
  return `error [INTERNAL]: an unexpected error occurred (this is a bug in Rehearsal; please report it)\n${text}\n`;
}
