/**
 * Named statements over `rate_limits`: atomic counters with a TTL (the backend operations of
 * Dramatiq's rate limiters, §9). Each operation is meant to run inside one write transaction.
 */
import type { Db } from '../types.ts';

/** Prepares the rate-limit statements of one connection. */
export function rateLimitStatements(db: Db) {
  const get = db.prepare<[string, number], { value: number }>(
    'SELECT value FROM rate_limits WHERE key = ? AND expires_at > ?',
  );
  const set = db.prepare<[string, number, number]>(
    `INSERT INTO rate_limits (key, value, expires_at) VALUES (?, ?, ?)
     ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at`,
  );
  const del = db.prepare<[string]>('DELETE FROM rate_limits WHERE key = ?');
  const purge = db.prepare<[number]>('DELETE FROM rate_limits WHERE expires_at <= ?');
  return {
    /** The unexpired value of `key`, or undefined. */
    get: (key: string, nowMs: number): number | undefined => get.get(key, nowMs)?.value,
    /** Sets `key` to `value` until `expiresAt`. */
    set: (key: string, value: number, expiresAt: number): void =>
      void set.run(key, value, expiresAt),
    delete: (key: string): void => void del.run(key),
    purgeExpired: (nowMs: number): number => purge.run(nowMs).changes,
  };
}

export type RateLimitStatements = ReturnType<typeof rateLimitStatements>;
