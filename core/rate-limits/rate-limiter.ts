/**
 * Rate limiters (Dramatiq §9): a backend of atomic counters with TTLs, and the limiters and
 * barrier built on it. Every time comes from the backend's `Clock`.
 *
 * Contract:
 * 1. `acquire(fn)` runs `fn` while holding the limiter; failure throws `RateLimitExceeded` (an
 *    ordinary error: Retries retries it) or, with `raiseOnFailure: false`, runs `fn(false)`.
 * 2. Backend operations are atomic across processes on one database file.
 */
import type { Clock } from '../clock/clock.ts';
import { RateLimitExceeded, RehearsalError } from '../errors.ts';
import { currentRunContext } from '../worker/current-message.ts';

export interface RateLimiterBackend {
  readonly clock: Clock;
  /** Sets `key` to `value` unless it exists; true when it was set. */
  add(key: string, value: number, ttlMs: number): boolean;
  /** Adds `amount` unless the result would exceed `maximum`; true on success. */
  incr(key: string, amount: number, maximum: number, ttlMs: number): boolean;
  /** Subtracts `amount` unless the result would go below `minimum`; true on success. */
  decr(key: string, amount: number, minimum: number, ttlMs: number): boolean;
  /** Adds `amount` to `key` unless the sum over `keys()` plus amount would exceed `maximum`. */
  incrAndSum(
    key: string,
    keys: () => string[],
    amount: number,
    maximum: number,
    ttlMs: number,
  ): boolean;
  /** Waits until `key` is notified (or the timeout passes); true when notified. */
  wait(key: string, timeoutMs: number): Promise<boolean>;
  /** Notifies waiters of `key`; the notification lives `ttlMs`. */
  waitNotify(key: string, ttlMs: number): void;
}

/** Where a limiter finds its backend: given, or the running actor's broker. */
export type BackendSource = RateLimiterBackend | null | undefined;

function resolveBackend(b: BackendSource, what: string): RateLimiterBackend {
  if (b) return b;
  const broker = currentRunContext()?.broker;
  if (broker) return broker.rateLimiterBackend();
  throw new RehearsalError(
    'RATE_LIMITER_NO_BACKEND',
    `${what} has no backend: pass { backend: broker.rateLimiterBackend() }, or use it inside an actor run by a worker`,
    {},
  );
}

/** Base of the limiters (Dramatiq's `RateLimiter`). */
export abstract class RateLimiter {
  constructor(
    protected readonly source: BackendSource,
    readonly key: string,
  ) {}

  protected get backend(): RateLimiterBackend {
    return resolveBackend(this.source, `rate limiter '${this.key}'`);
  }

  protected abstract tryAcquire(): boolean;
  protected release(): void {}

  /** Runs `fn` under the limiter (contract item 1). */
  async acquire<T>(
    fn: (acquired: boolean) => T | Promise<T>,
    opts: { raiseOnFailure?: boolean } = {},
  ): Promise<T> {
    const acquired = this.tryAcquire();
    try {
      if (!acquired && opts.raiseOnFailure !== false)
        throw new RateLimitExceeded(`rate limit exceeded for key '${this.key}'`, { key: this.key });
      return await fn(acquired);
    } finally {
      if (acquired) this.release();
    }
  }
}

/** At most `limit` holders at once (limit 1 = a distributed mutex); `ttlMs` default 900000. */
export class ConcurrentRateLimiter extends RateLimiter {
  readonly limit: number;
  readonly ttlMs: number;
  constructor(
    key: string,
    opts: { limit?: number; ttlMs?: number; backend?: RateLimiterBackend } = {},
  ) {
    super(opts.backend, key);
    this.limit = opts.limit ?? 1;
    this.ttlMs = opts.ttlMs ?? 900_000;
  }
  protected tryAcquire(): boolean {
    const b = this.backend;
    return b.add(this.key, 1, this.ttlMs) || b.incr(this.key, 1, this.limit, this.ttlMs);
  }
  protected override release(): void {
    this.backend.decr(this.key, 1, 0, this.ttlMs);
  }
}

/** At most `limit` acquisitions per fixed bucket of `bucketMs` (default 1000); nothing is released. */
export class BucketRateLimiter extends RateLimiter {
  readonly limit: number;
  readonly bucketMs: number;
  constructor(
    key: string,
    opts: { limit?: number; bucketMs?: number; backend?: RateLimiterBackend } = {},
  ) {
    super(opts.backend, key);
    this.limit = opts.limit ?? 1;
    this.bucketMs = opts.bucketMs ?? 1000;
  }
  protected tryAcquire(): boolean {
    const b = this.backend;
    const now = Math.trunc(b.clock.now());
    const k = `${this.key}@${now - (now % this.bucketMs)}`;
    return b.add(k, 1, this.bucketMs) || b.incr(k, 1, this.limit, this.bucketMs);
  }
}

/** At most `limit` acquisitions in any sliding window of `windowS` seconds (default 1). */
export class WindowRateLimiter extends RateLimiter {
  readonly limit: number;
  readonly windowS: number;
  constructor(
    key: string,
    opts: { limit?: number; windowS?: number; backend?: RateLimiterBackend } = {},
  ) {
    super(opts.backend, key);
    this.limit = opts.limit ?? 1;
    this.windowS = opts.windowS ?? 1;
  }
  private keys(b: RateLimiterBackend): string[] {
    const s = Math.trunc(b.clock.now() / 1000);
    return Array.from({ length: this.windowS }, (_, i) => `${this.key}@${s - i}`);
  }
  protected tryAcquire(): boolean {
    const b = this.backend;
    const keys = this.keys(b);
    return b.incrAndSum(keys[0]!, () => this.keys(b), 1, this.limit, this.windowS * 1000);
  }
}

/**
 * A barrier for `parties` (Dramatiq's `Barrier`, `ttlMs` default 900000): each `wait` decrements
 * with a floor of 1; the call whose decrement would go below 1 clears it and returns true.
 */
export class Barrier {
  readonly ttlMs: number;
  constructor(
    readonly key: string,
    private readonly opts: { ttlMs?: number; backend?: RateLimiterBackend } = {},
  ) {
    this.ttlMs = opts.ttlMs ?? 900_000;
  }
  private get backend(): RateLimiterBackend {
    return resolveBackend(this.opts.backend, `barrier '${this.key}'`);
  }
  /** Creates the counter; false when it already exists. */
  create(parties: number): boolean {
    return this.backend.add(this.key, parties, this.ttlMs);
  }
  /** One party arrives (see the class doc). With `block`, waits up to `timeoutMs` for the clear. */
  async wait(opts: { block?: boolean; timeoutMs?: number } = {}): Promise<boolean> {
    return (
      this.arrive() ||
      (opts.block !== false &&
        (await this.backend.wait(`${this.key}@events`, opts.timeoutMs ?? this.ttlMs)))
    );
  }
  /** Non-blocking arrival; true for the call that clears the barrier (and any call after it). */
  arrive(): boolean {
    const b = this.backend;
    if (b.decr(this.key, 1, 1, this.ttlMs)) return false;
    b.waitNotify(`${this.key}@events`, this.ttlMs);
    return true;
  }
}
