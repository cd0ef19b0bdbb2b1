/**
 * Named statements over `results`.
 */
import type { Db } from '../types.ts';

/** Prepares the result statements of one connection. */
export function resultStatements(db: Db) {
  const put = db.prepare<{ key: string; message_id: string; value: string; expires_at: number }>(
    `INSERT INTO results (key, message_id, value, expires_at) VALUES (@key, @message_id, @value, @expires_at)
     ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at, message_id = excluded.message_id`,
  );
  const get = db.prepare<[string, number], { value: string }>(
    'SELECT value FROM results WHERE key = ? AND expires_at > ?',
  );
  const purge = db.prepare<[number]>('DELETE FROM results WHERE expires_at <= ?');
  return {
    /** Stores (or replaces) a result until `expires_at`. */
    put: (row: { key: string; message_id: string; value: string; expires_at: number }): void =>
      void put.run(row),
    /** The stored JSON text of an unexpired result, or undefined. */
    get: (key: string, nowMs: number): string | undefined => get.get(key, nowMs)?.value,
    /** Deletes expired results; returns how many. */
    purgeExpired: (nowMs: number): number => purge.run(nowMs).changes,
  };
}

export type ResultStatements = ReturnType<typeof resultStatements>;
