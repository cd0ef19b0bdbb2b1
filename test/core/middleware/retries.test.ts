import { describe, expect, it } from 'vitest';
import {
  actor,
  CurrentMessage,
  defaultMiddleware,
  Retry,
  type MessageData,
} from '../../../core/index.ts';
import { makeEngine, type TestEngine } from '../../helpers/make-engine.ts';

class ConnectionError extends Error {
  override name = 'ConnectionError';
}
class ValueError extends Error {
  override name = 'ValueError';
}

function retryDelays(e: TestEngine, messageId: string): number[] {
  return e
    .history(messageId)
    .filter((x) => x.kind === 'retry_scheduled')
    .map((x) => x.delay!);
}

describe('Retries', () => {
  it('retries a failing actor with exponential backoff until max_retries, then dead-letters it (checklist 8)', async () => {
    const e = makeEngine();
    const seenRetries: unknown[] = [];
    const flaky = actor(
      () => {
        seenRetries.push(CurrentMessage.getCurrentMessage()!.options.retries);
        throw new ConnectionError('refused');
      },
      { actorName: 'flaky', broker: e.broker, maxRetries: 3, minBackoff: 100 },
    );
    const m = flaky.send();
    e.startWorker();
    await e.drain();
    expect(seenRetries).toEqual([undefined, 1, 2, 3]);
    const dead = e.broker.deadLetters();
    expect(dead).toHaveLength(1);
    expect(dead[0]!.message.messageId).toBe(m.messageId);
    expect(dead[0]!.message.messageTimestamp).toBe(m.messageTimestamp);
    expect(dead[0]!.message.options.retries).toBe(4);
    const traceback = String(dead[0]!.message.options.traceback);
    expect(traceback.split('\n')[0]).toBe('Traceback (most recent call last):');
    expect(traceback.split('\n').at(-1)).toBe('ConnectionError: refused');
    expect(typeof dead[0]!.message.options.requeue_timestamp).toBe('number');
    expect(e.logger.messages('WARNING')).toContain(
      `Retries exceeded for message '${m.messageId}'.`,
    );
    expect(e.logger.messages('ERROR')).toHaveLength(4);
    const d = retryDelays(e, m.messageId);
    expect(d).toHaveLength(3);
    d.forEach((delay, k) => {
      expect(delay).toBeGreaterThanOrEqual(100 * 2 ** k);
      expect(delay).toBeLessThan(200 * 2 ** k);
    });
  });

  it('enqueues each retry as the same message after exactly its backoff, and logs it', async () => {
    const e = makeEngine();
    const starts: number[] = [];
    const a = actor(
      () => {
        starts.push(e.clock.now());
        throw new Error('x');
      },
      { actorName: 'a', broker: e.broker, maxRetries: 4, minBackoff: 1000, maxBackoff: 5000 },
    );
    const m = a.send();
    e.startWorker();
    await e.drain();
    const delays = retryDelays(e, m.messageId);
    expect(delays).toHaveLength(4);
    for (let i = 0; i < delays.length; i++) expect(starts[i + 1]! - starts[i]!).toBe(delays[i]);
    // k=0: [1000,2000), k=1: [2000,4000), k=2: 4000..7999 → above 5000 redrawn in [2500,5000].
    expect(delays[0]).toBeGreaterThanOrEqual(1000);
    expect(delays[0]).toBeLessThan(2000);
    for (const d of delays) expect(d).toBeLessThanOrEqual(5000);
    expect(delays[3]).toBeGreaterThanOrEqual(2500);
    for (const d of delays)
      expect(e.logger.messages('INFO')).toContain(
        `Retrying message '${m.messageId}' in ${d} milliseconds.`,
      );
    const retries = e.history(m.messageId).filter((x) => x.kind === 'enqueued');
    expect(retries.map((x) => x.reason)).toEqual(['send', 'retry', 'retry', 'retry', 'retry']);
    expect(retries.slice(1).map((x) => x.options!.retries)).toEqual([1, 2, 3, 4]);
  });

  it('uses the defaults max_retries 20, min_backoff 15 s and max_backoff 7 days (checklist 24)', async () => {
    const e = makeEngine();
    let runs = 0;
    const a = actor(
      () => {
        runs++;
        throw new Error('always');
      },
      { actorName: 'a', broker: e.broker },
    );
    const m = a.send();
    // Long leases keep the heartbeat from firing every 20 s across ~40 virtual days.
    e.startWorker({ leaseMs: 30 * 86_400_000 });
    await e.drain();
    expect(runs).toBe(21);
    const delays = retryDelays(e, m.messageId);
    expect(delays).toHaveLength(20);
    expect(delays[0]).toBeGreaterThanOrEqual(15_000);
    expect(delays[0]).toBeLessThan(30_000);
    for (const d of delays) expect(d).toBeLessThanOrEqual(604_800_000);
    for (const d of delays.slice(16)) expect(d).toBeGreaterThanOrEqual(302_400_000);
    expect(e.broker.deadLetters()[0]!.message.options.retries).toBe(21);
  });

  it('Retry(delay) schedules the retry exactly that much later, counts it, and logs no error (checklist 10)', async () => {
    const e = makeEngine();
    const starts: number[] = [];
    const a = actor(
      () => {
        starts.push(e.clock.now());
        throw new Retry({ delayMs: 150 });
      },
      { actorName: 'a', broker: e.broker, maxRetries: 2 },
    );
    const m = a.send();
    e.startWorker();
    await e.drain();
    expect(starts.map((t) => t - starts[0]!)).toEqual([0, 150, 300]);
    expect(retryDelays(e, m.messageId)).toEqual([150, 150]);
    expect(e.broker.deadLetters()[0]!.message.options.retries).toBe(3);
    expect(e.logger.messages('ERROR')).toEqual([]);
    expect(e.logger.messages('WARNING')).toContain(
      `Retries exceeded for message '${m.messageId}'.`,
    );
  });

  it('Retry() without a delay uses the normal backoff', async () => {
    const e = makeEngine();
    let runs = 0;
    const a = actor(
      () => {
        if (++runs < 3) throw new Retry();
        return 'done';
      },
      { actorName: 'a', broker: e.broker, minBackoff: 500 },
    );
    const m = a.send();
    e.startWorker();
    await e.drain();
    const [d0, d1] = retryDelays(e, m.messageId);
    expect(d0).toBeGreaterThanOrEqual(500);
    expect(d0).toBeLessThan(1000);
    expect(d1).toBeGreaterThanOrEqual(1000);
    expect(d1).toBeLessThan(2000);
    expect(e.kinds(m.messageId).at(-1)).toBe('acked');
  });

  it('with retry_when ignores max_retries and passes it the retry count before the failure (checklist 11)', async () => {
    const e = makeEngine();
    const calls: [number, string][] = [];
    const a = actor(
      () => {
        throw new ConnectionError('again');
      },
      {
        actorName: 'a',
        broker: e.broker,
        maxRetries: 1,
        minBackoff: 10,
        retryWhen: (retries: number, err: unknown) => {
          calls.push([retries, (err as Error).name]);
          return retries < 5;
        },
      },
    );
    a.send();
    e.startWorker();
    await e.drain();
    expect(calls).toEqual([0, 1, 2, 3, 4, 5].map((r) => [r, 'ConnectionError']));
    expect(e.broker.deadLetters()[0]!.message.options.retries).toBe(6);
  });

  it('dead-letters an error listed in throws after one attempt without touching retries, logged at INFO (checklist 12)', async () => {
    const e = makeEngine();
    let runs = 0;
    const byName = actor(
      () => {
        runs++;
        throw new ValueError('bad input');
      },
      { actorName: 'byName', broker: e.broker, throws: ['ValueError'] },
    );
    const byClass = actor(
      () => {
        runs++;
        throw new ValueError('bad input');
      },
      { actorName: 'byClass', broker: e.broker, throws: [ValueError] },
    );
    const m1 = byName.send();
    const m2 = byClass.send();
    e.startWorker();
    await e.drain();
    expect(runs).toBe(2);
    const dead = e.broker.deadLetters();
    expect(dead).toHaveLength(2);
    for (const d of dead) {
      expect(d.message.options).not.toHaveProperty('retries');
      expect(d.message.options).not.toHaveProperty('traceback');
    }
    expect(e.logger.messages('ERROR')).toEqual([]);
    const info = e.logger.messages('INFO');
    expect(info).toContain(`Aborting message '${m1.messageId}'.`);
    expect(info).toContain(`Aborting message '${m2.messageId}'.`);
    expect(info).toContain(
      'Failed to process message byName() with expected exception ValueError.',
    );
    expect(e.kinds(m1.messageId)).not.toContain('retry_scheduled');
    const deadRow = e.history(m1.messageId).find((x) => x.kind === 'dead_lettered')!;
    expect(deadRow.error).toEqual({ type: 'ValueError', message: 'bad input' });
  });

  it('retries an error that is not listed in throws', async () => {
    const e = makeEngine();
    let runs = 0;
    const a = actor(
      () => {
        runs++;
        throw new ConnectionError('x');
      },
      { actorName: 'a', broker: e.broker, throws: ['ValueError'], maxRetries: 2, minBackoff: 1 },
    );
    a.send();
    e.startWorker();
    await e.drain();
    expect(runs).toBe(3);
  });

  it('acks, not dead-letters, a raising actor when the Retries middleware is absent (checklist 13)', async () => {
    const e = makeEngine({ middleware: defaultMiddleware({ disable: ['Retries'] }) });
    let runs = 0;
    const a = actor(
      () => {
        runs++;
        throw new Error('boom');
      },
      { actorName: 'a', broker: e.broker },
    );
    const m = a.send();
    e.startWorker();
    await e.drain();
    expect(runs).toBe(1);
    expect(e.broker.deadLetters()).toEqual([]);
    expect(e.kinds(m.messageId)).toEqual(['enqueued', 'started', 'failed', 'acked']);
  });

  it('sends on_retry_exhausted (message_data, {retries, max_retries}) when retries run out (checklist 14)', async () => {
    const e = makeEngine();
    const got: [MessageData, unknown][] = [];
    actor((data: MessageData, info: unknown) => void got.push([data, info]), {
      actorName: 'exhausted',
      broker: e.broker,
    });
    const a = actor(
      (_n: number) => {
        throw new Error('x');
      },
      {
        actorName: 'a',
        broker: e.broker,
        maxRetries: 2,
        minBackoff: 1,
        onRetryExhausted: 'exhausted',
      },
    );
    const m = a.send(7);
    e.startWorker();
    await e.drain();
    expect(got).toHaveLength(1);
    const [data, info] = got[0]!;
    expect(info).toEqual({ retries: 2, max_retries: 2 });
    expect(data).toMatchObject({
      queue_name: 'default',
      actor_name: 'a',
      args: [7],
      kwargs: {},
      message_id: m.messageId,
      message_timestamp: m.messageTimestamp,
    });
    expect(data.options.retries).toBe(3);
    expect(e.broker.deadLetters()).toHaveLength(1);
    const cb = e.events().find((x) => x.kind === 'enqueued' && x.reason === 'on_retry_exhausted')!;
    expect(cb.parentId).toBe(m.messageId);
    expect(cb.actor).toBe('exhausted');
  });

  it('does not send on_retry_exhausted while retries remain or when the message succeeds', async () => {
    const e = makeEngine();
    let calls = 0;
    actor(() => void calls++, { actorName: 'exhausted', broker: e.broker });
    let runs = 0;
    const a = actor(
      () => {
        if (++runs < 3) throw new Error('x');
      },
      {
        actorName: 'a',
        broker: e.broker,
        maxRetries: 5,
        minBackoff: 1,
        onRetryExhausted: 'exhausted',
      },
    );
    a.send();
    e.startWorker();
    await e.drain();
    expect(runs).toBe(3);
    expect(calls).toBe(0);
  });
});

describe('failure log lines', () => {
  it('names the message as Python’s str(message) does: reprs of the args, then kwargs', async () => {
    const e = makeEngine();
    const a = actor(
      (..._xs: unknown[]) => {
        throw new Error('nope');
      },
      { actorName: 'charge', broker: e.broker, maxRetries: 0 },
    );
    a.sendWithOptions({ args: ["it's", 1.5, true, null, [1, 'a']], kwargs: { k: { z: false } } });
    e.startWorker();
    await e.drain();
    expect(e.logger.messages('ERROR')).toContain(
      `Failed to process message charge("it's", 1.5, True, None, [1, 'a'], k={'z': False}) with unhandled exception.`,
    );
  });
});
