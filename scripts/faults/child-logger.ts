/**
 * The logger of the experiments' child processes: the engine's own complaints (a lost lease, a
 * busy database, an internal error) go to stderr, where the harness reads them; the failures the
 * experiments' actors raise on purpose do not.
 */
import type { LogRecord, Logger } from '../../core/logging.ts';

/** Loggers whose records are about the actors' own (deliberate) failures. */
const QUIET_LOGGERS = new Set([
  'dramatiq.worker.WorkerThread',
  'dramatiq.middleware.retries.Retries',
]);

/** Writes WARNING and worse to stderr as `[label] [logger] [LEVEL] message`. */
export function childLogger(label: string): Logger {
  return {
    log(r: LogRecord): void {
      if (r.level !== 'WARNING' && r.level !== 'ERROR' && r.level !== 'CRITICAL') return;
      if (QUIET_LOGGERS.has(r.logger)) return;
      const stack = r.error instanceof Error && r.error.stack ? `\n${r.error.stack}` : '';
      process.stderr.write(`[${label}] [${r.logger}] [${r.level}] ${r.message}${stack}\n`);
    },
  };
}
