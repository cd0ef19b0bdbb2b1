/**
 * The SQLite result backend: results in the `results` table of the broker's own database file.
 */
import type { Clock } from '../clock/clock.ts';
import type { SqliteStore } from '../db/store.ts';
import { pyJsonParse, pyJsonStringify, type Message } from '../message.ts';
import {
  resultKey,
  RESULTS_NAMESPACE,
  type ResultBackend,
  type StoredResult,
} from './result-backend.ts';

export class SqliteResultBackend implements ResultBackend {
  /**
   * @param now "now" for expiry; a broker reading a virtual run on the real clock passes the run's
   *   own time, so results stored in virtual time do not all look expired.
   */
  constructor(
    private readonly db: SqliteStore,
    private readonly clock: Clock,
    readonly namespace = RESULTS_NAMESPACE,
    private readonly now: () => number = () => clock.now(),
  ) {}

  store(message: Message, value: unknown, ttlMs: number): void {
    const text = pyJsonStringify(value, `result of ${message.actorName}`);
    this.db.write(() => {
      this.db.results.put({
        key: resultKey(message, this.namespace),
        message_id: message.messageId,
        value: text,
        expires_at: this.clock.now() + Math.max(0, ttlMs),
      });
    });
  }

  lookup(message: Message): StoredResult {
    const text = this.db.results.get(resultKey(message, this.namespace), this.now());
    return text === undefined ? { found: false } : { found: true, value: pyJsonParse(text) };
  }
}
