import { describe, expect, it } from 'vitest';
import {
  actor,
  Barrier,
  BucketRateLimiter,
  ConcurrentRateLimiter,
  RateLimitExceeded,
  WindowRateLimiter,
} from '../../../core/index.ts';
import { makeEngine } from '../../helpers/make-engine.ts';
import { SqliteBroker } from '../../../core/index.ts';

describe('rate limiters over SQLite', () => {
  it('ConcurrentRateLimiter lets at most `limit` holders in at once', async () => {
    const e = makeEngine();
    const backend = e.broker.rateLimiterBackend();
    const mutex = new ConcurrentRateLimiter('m', { limit: 2, backend });
    let inside = 0;
    let peak = 0;
    const results = await Promise.all(
      [1, 2, 3].map((i) =>
        mutex
          .acquire(async () => {
            inside++;
            peak = Math.max(peak, inside);
            await Promise.resolve();
            inside--;
            return i;
          })
          .catch((err: unknown) => err),
      ),
    );
    expect(peak).toBeLessThanOrEqual(2);
    expect(results.filter((r) => r instanceof RateLimitExceeded)).toHaveLength(1);
    // Released: acquiring works again.
    expect(await mutex.acquire(() => 'again')).toBe('again');
  });

  it('acquire with raiseOnFailure false passes false instead of throwing', async () => {
    const e = makeEngine();
    const m = new ConcurrentRateLimiter('k', { backend: e.broker.rateLimiterBackend() });
    const seen = await m.acquire(() => m.acquire((ok) => ok, { raiseOnFailure: false }));
    expect(seen).toBe(false);
  });

  it('BucketRateLimiter allows `limit` acquisitions per bucket of time', async () => {
    const e = makeEngine();
    const b = new BucketRateLimiter('b', {
      limit: 2,
      bucketMs: 1000,
      backend: e.broker.rateLimiterBackend(),
    });
    await e.drain({ untilMs: Math.ceil(e.clock.now() / 1000) * 1000 });
    const ok = async (): Promise<boolean> => b.acquire(() => true).catch(() => false);
    expect([await ok(), await ok(), await ok()]).toEqual([true, true, false]);
    await e.drain({ untilMs: e.clock.now() + 1000 });
    expect(await ok()).toBe(true);
  });

  it('WindowRateLimiter counts acquisitions over a sliding window of seconds', async () => {
    const e = makeEngine();
    const w = new WindowRateLimiter('w', {
      limit: 3,
      windowS: 2,
      backend: e.broker.rateLimiterBackend(),
    });
    const ok = async (): Promise<boolean> => w.acquire(() => true).catch(() => false);
    expect([await ok(), await ok()]).toEqual([true, true]);
    await e.drain({ untilMs: e.clock.now() + 1000 });
    expect([await ok(), await ok()]).toEqual([true, false]);
    await e.drain({ untilMs: e.clock.now() + 1000 });
    expect(await ok()).toBe(true);
  });

  it('Barrier is cleared by the last of `parties` arrivals, and stays cleared', async () => {
    const e = makeEngine();
    const bar = new Barrier('g', { backend: e.broker.rateLimiterBackend() });
    expect(bar.create(3)).toBe(true);
    expect(bar.create(3)).toBe(false);
    expect([bar.arrive(), bar.arrive(), bar.arrive(), bar.arrive()]).toEqual([
      false,
      false,
      true,
      true,
    ]);
    expect(await bar.wait({ block: true, timeoutMs: 10 })).toBe(true);
  });

  it('is shared by two brokers on one database file', async () => {
    const e = makeEngine();
    const other = new SqliteBroker({ file: e.file, clock: e.clock });
    try {
      const a = new ConcurrentRateLimiter('shared', { backend: e.broker.rateLimiterBackend() });
      const b = new ConcurrentRateLimiter('shared', { backend: other.rateLimiterBackend() });
      const inner = await a.acquire(() => b.acquire((ok) => ok, { raiseOnFailure: false }));
      expect(inner).toBe(false);
    } finally {
      other.close();
    }
  });

  it('a RateLimitExceeded inside an actor is retried like any failure, and logged at DEBUG only', async () => {
    const e = makeEngine();
    const limiter = new ConcurrentRateLimiter('api', { limit: 1 });
    const busy = new ConcurrentRateLimiter('api', {
      limit: 1,
      backend: e.broker.rateLimiterBackend(),
    });
    let runs = 0;
    const call = actor(
      async () => {
        runs++;
        return limiter.acquire(() => 'called');
      },
      { actorName: 'call', broker: e.broker, minBackoff: 100, storeResults: true },
    );
    let release: () => void = () => undefined;
    const held = busy.acquire(() => new Promise<void>((r) => (release = r)));
    const m = call.send();
    e.startWorker();
    await e.drain({ untilMs: e.clock.now() + 50 });
    release();
    await held;
    await e.drain();
    expect(runs).toBe(2);
    const kinds = e.kinds(m.messageId);
    expect(kinds).toContain('retry_scheduled');
    expect(e.history(m.messageId).find((x) => x.kind === 'failed')?.error?.type).toBe(
      'RateLimitExceeded',
    );
    expect(e.logger.records.filter((r) => r.level === 'ERROR')).toHaveLength(0);
  });
});
