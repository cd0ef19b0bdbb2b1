/**
 * The SQLite rate-limiter backend: counters in the `rate_limits` table of the broker's file, each
 * operation one IMMEDIATE transaction (atomic across processes).
 */
import type { Clock } from '../clock/clock.ts';
import type { SqliteStore } from '../db/store.ts';
import type { RateLimiterBackend } from './rate-limiter.ts';

/** How often a blocking `wait` looks again, ms. */
const WAIT_POLL_MS = 20;

export class SqliteRateLimiterBackend implements RateLimiterBackend {
  constructor(
    private readonly db: SqliteStore,
    readonly clock: Clock,
  ) {}

  add(key: string, value: number, ttlMs: number): boolean {
    const now = this.clock.now();
    return this.db.write(() => {
      if (this.db.rateLimits.get(key, now) !== undefined) return false;
      this.db.rateLimits.set(key, value, now + ttlMs);
      return true;
    });
  }

  incr(key: string, amount: number, maximum: number, ttlMs: number): boolean {
    const now = this.clock.now();
    return this.db.write(() => {
      const v = (this.db.rateLimits.get(key, now) ?? 0) + amount;
      if (v > maximum) return false;
      this.db.rateLimits.set(key, v, now + ttlMs);
      return true;
    });
  }

  decr(key: string, amount: number, minimum: number, ttlMs: number): boolean {
    const now = this.clock.now();
    return this.db.write(() => {
      const v = (this.db.rateLimits.get(key, now) ?? 0) - amount;
      if (v < minimum) return false;
      this.db.rateLimits.set(key, v, now + ttlMs);
      return true;
    });
  }

  incrAndSum(
    key: string,
    keys: () => string[],
    amount: number,
    maximum: number,
    ttlMs: number,
  ): boolean {
    const now = this.clock.now();
    return this.db.write(() => {
      const sum = keys().reduce((s, k) => s + (this.db.rateLimits.get(k, now) ?? 0), 0);
      if (sum + amount > maximum) return false;
      this.db.rateLimits.set(key, (this.db.rateLimits.get(key, now) ?? 0) + amount, now + ttlMs);
      return true;
    });
  }

  async wait(key: string, timeoutMs: number): Promise<boolean> {
    const deadline = this.clock.now() + timeoutMs;
    for (;;) {
      if (this.db.rateLimits.get(key, this.clock.now()) !== undefined) return true;
      const left = deadline - this.clock.now();
      if (left <= 0) return false;
      await this.clock.sleep(Math.min(WAIT_POLL_MS, left));
    }
  }

  waitNotify(key: string, ttlMs: number): void {
    const now = this.clock.now();
    this.db.write(() => this.db.rateLimits.set(key, 1, now + ttlMs));
  }
}
