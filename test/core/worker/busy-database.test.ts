import { describe, expect, it } from 'vitest';
import { actor } from '../../../core/index.ts';
import { makeEngine } from '../../helpers/make-engine.ts';

/** The error better-sqlite3 throws when the write lock stays taken past the busy timeout. */
function busyError(): Error {
  return Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
}

describe('a worker whose database is briefly locked by another connection', () => {
  it('keeps renewing its leases after one renewal fails with SQLITE_BUSY', async () => {
    const e = makeEngine();
    const long = actor(async () => e.clock.sleep(2000), { actorName: 'long', broker: e.broker });
    const renew = e.broker.renewLeases.bind(e.broker);
    let calls = 0;
    e.broker.renewLeases = (owner, leaseMs) => {
      if (++calls === 1) throw busyError();
      renew(owner, leaseMs);
    };
    const m = long.send();
    // Leases of 300 ms, renewed every 100 ms: a heartbeat that stopped after the first failure
    // would let the worker's own lease run out mid-attempt and redeliver the message.
    e.startWorker({ leaseMs: 300 });
    await e.drain();
    expect(calls).toBeGreaterThan(10);
    expect(e.kinds(m.messageId)).toEqual(['enqueued', 'started', 'succeeded', 'acked']);
    expect(e.logger.messages('WARNING').join('\n')).toContain('Could not renew leases');
  });

  it('tries claiming again at the next wake-up instead of throwing', async () => {
    const e = makeEngine();
    const quick = actor(() => 'ok', { actorName: 'quick', broker: e.broker });
    const claim = e.broker.claim.bind(e.broker);
    let failures = 0;
    e.broker.claim = (...args) => {
      if (failures++ === 0) throw busyError();
      return claim(...args);
    };
    const m = quick.send();
    e.startWorker();
    await e.drain();
    expect(e.kinds(m.messageId)).toEqual(['enqueued', 'started', 'succeeded', 'acked']);
    expect(e.logger.messages('WARNING').join('\n')).toContain('Could not claim messages');
  });

  it('records a finished attempt once when its transaction could not begin the first time', async () => {
    const e = makeEngine();
    const batch = e.broker.batch.bind(e.broker);
    let failNextBatch = false;
    e.broker.batch = <T>(fn: () => T): T => {
      if (failNextBatch) {
        failNextBatch = false;
        throw busyError();
      }
      return batch(fn);
    };
    const flaky = actor(
      () => {
        failNextBatch = true; // the flush of this attempt is the next write
        throw new Error('boom');
      },
      { actorName: 'flaky', broker: e.broker, maxRetries: 1, minBackoff: 10, maxBackoff: 10 },
    );
    const m = flaky.send();
    e.startWorker();
    await e.drain();
    const h = e.history(m.messageId);
    // Each attempt's after hooks (Retries) ran exactly once: one retry, then the dead letter.
    expect(h.map((x) => x.kind)).toEqual([
      'enqueued',
      'started',
      'failed',
      'retry_scheduled',
      'enqueued',
      'delayed',
      'acked',
      'started',
      'failed',
      'dead_lettered',
    ]);
    expect(e.broker.deadLetters()[0]!.message.options.retries).toBe(2);
    expect(e.logger.messages('WARNING').join('\n')).toContain('Could not record finished messages');
  });
});
