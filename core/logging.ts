/**
 * Logging in Dramatiq's words: logger names like `dramatiq.middleware.retries.Retries`, levels
 * DEBUG..CRITICAL, and the same message texts (spec §10), so a Dramatiq user recognises them.
 * Logs are for people; the journal is the record of what happened.
 */
export type LogLevel = 'DEBUG' | 'INFO' | 'WARNING' | 'ERROR' | 'CRITICAL';

const LEVELS: Record<LogLevel, number> = {
  DEBUG: 10,
  INFO: 20,
  WARNING: 30,
  ERROR: 40,
  CRITICAL: 50,
};

/** One log record. */
export type LogRecord = { level: LogLevel; logger: string; message: string; error?: unknown };

/** Where log records go. */
export interface Logger {
  log(record: LogRecord): void;
}

/** Writes records at or above `level` to a stream in Dramatiq's format. */
export class StreamLogger implements Logger {
  constructor(
    private readonly write: (line: string) => void,
    private readonly level: LogLevel = 'INFO',
    private readonly label: () => string = () => '',
  ) {}

  log(r: LogRecord): void {
    if (LEVELS[r.level] < LEVELS[this.level]) return;
    const err =
      r.error instanceof Error && r.level === 'ERROR' && r.error.stack ? `\n${r.error.stack}` : '';
    this.write(`[${this.label()}] [${r.logger}] [${r.level}] ${r.message}${err}\n`);
  }
}

/** Keeps records in memory (tests, the UI). */
export class MemoryLogger implements Logger {
  readonly records: LogRecord[] = [];
  log(r: LogRecord): void {
    this.records.push(r);
  }
  /** Messages at `level`. */
  messages(level?: LogLevel): string[] {
    return this.records.filter((r) => !level || r.level === level).map((r) => r.message);
  }
}

/** Discards everything. */
export const silentLogger: Logger = { log: () => undefined };

/** True when `level` is at least `min`. */
export function levelAtLeast(level: LogLevel, min: LogLevel): boolean {
  return LEVELS[level] >= LEVELS[min];
}
