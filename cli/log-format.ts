/**
 * Worker logs in Dramatiq's format (spec §11):
 * `[2024-05-01 12:00:00,123] [PID 4242] [MainThread] [dramatiq.worker.Worker] [INFO] message`.
 */
import { StreamLogger, type Logger, type LogLevel } from '../core/index.ts';

/** `2024-05-01 12:00:00,123` in local time, like Python's logging `asctime`. */
export function asctime(d: Date): string {
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())},${p(d.getMilliseconds(), 3)}`;
}

/** A logger writing Dramatiq-format lines at or above `level` to `write` (stderr). */
export function dramatiqLogger(write: (line: string) => void, level: LogLevel): Logger {
  // StreamLogger prints `[label] [logger] [LEVEL] message`; the label carries time, PID and thread.
  return new StreamLogger(
    write,
    level,
    () => `${asctime(new Date())}] [PID ${process.pid}] [MainThread`,
  );
}
