import { describe, expect, it } from 'vitest';
import {
  actor,
  getResult,
  resultKey,
  RehearsalError,
  ResultFailure,
  ResultMissing,
  ResultTimeout,
  SkipMessage,
} from '../../../core/index.ts';
import { makeEngine } from '../../helpers/make-engine.ts';

describe('results (checklist 23)', () => {
  it('stores the return value of an actor with store_results and journals result_stored', async () => {
    const e = makeEngine();
    const add = actor((x: number, y: number) => x + y, {
      actorName: 'add',
      broker: e.broker,
      storeResults: true,
    });
    const m = add.send(2, 3);
    e.startWorker();
    await e.drain();
    expect(await getResult(e.broker, m)).toBe(5);
    const stored = e.history(m.messageId).find((x) => x.kind === 'result_stored');
    expect(stored?.result).toBe(5);
    expect(e.kinds(m.messageId)).toEqual([
      'enqueued',
      'started',
      'succeeded',
      'result_stored',
      'acked',
    ]);
  });

  it('keeps the result missing while retries remain, then raises ResultFailure once dead-lettered', async () => {
    const e = makeEngine();
    let runs = 0;
    const flaky = actor(
      () => {
        runs++;
        throw new TypeError('bad input');
      },
      { actorName: 'flaky', broker: e.broker, storeResults: true, maxRetries: 1, minBackoff: 1000 },
    );
    const m = flaky.send();
    e.startWorker();
    await e.drain({ untilMs: e.clock.now() + 10 });
    expect(runs).toBe(1);
    await expect(getResult(e.broker, m)).rejects.toBeInstanceOf(ResultMissing);
    await e.drain();
    expect(runs).toBe(2);
    const err = await getResult(e.broker, m).catch((x: unknown) => x);
    expect(err).toBeInstanceOf(ResultFailure);
    expect((err as ResultFailure).message).toBe('actor raised TypeError: bad input');
    expect((err as ResultFailure).origExcType).toBe('TypeError');
  });

  it('stores null for a skipped message and a SkipMessage failure for an age-limited one', async () => {
    const e = makeEngine();
    const skipper = actor(
      () => {
        throw new SkipMessage('not today');
      },
      { actorName: 'skipper', broker: e.broker, storeResults: true },
    );
    const old = actor(() => 1, {
      actorName: 'old',
      broker: e.broker,
      storeResults: true,
      maxAge: 100,
    });
    const a = skipper.send();
    const b = old.sendWithOptions({ delayMs: 500 });
    e.startWorker();
    await e.drain();
    expect(await getResult(e.broker, a)).toBeNull();
    await expect(getResult(e.broker, b)).rejects.toThrow(
      'actor raised SkipMessage: Message age limit exceeded',
    );
  });

  it('blocks until the result exists, and times out with ResultTimeout', async () => {
    const e = makeEngine();
    const slow = actor(
      async () => {
        await e.clock.sleep(2000);
        return 'late';
      },
      { actorName: 'slow', broker: e.broker, storeResults: true },
    );
    const m = slow.send();
    e.startWorker();
    const waiting = getResult(e.broker, m, { block: true, timeoutMs: 5000 });
    const tooShort = getResult(e.broker, m, { block: true, timeoutMs: 50 }).catch(
      (x: unknown) => x,
    );
    await e.drain();
    expect(await waiting).toBe('late');
    expect(await tooShort).toBeInstanceOf(ResultTimeout);
  });

  it('expires results after result_ttl', async () => {
    const e = makeEngine();
    const a = actor(() => 7, {
      actorName: 'a',
      broker: e.broker,
      storeResults: true,
      resultTtl: 1000,
    });
    const m = a.send();
    e.startWorker();
    await e.drain();
    expect(await getResult(e.broker, m)).toBe(7);
    await e.drain({ untilMs: e.clock.now() + 1001 });
    await expect(getResult(e.broker, m)).rejects.toBeInstanceOf(ResultMissing);
  });

  it('refuses to wait for the result of an actor that does not store results', async () => {
    const e = makeEngine();
    const a = actor(() => 1, { actorName: 'a', broker: e.broker });
    const m = a.send();
    await expect(getResult(e.broker, m, { block: true })).rejects.toMatchObject({
      code: 'RESULTS_NOT_STORED',
    });
    await expect(getResult(e.broker, m)).rejects.toBeInstanceOf(RehearsalError);
  });

  it('logs CRITICAL and acks the message when the result is not JSON', async () => {
    const e = makeEngine();
    const a = actor(() => new Map([[1, 2]]), {
      actorName: 'a',
      broker: e.broker,
      storeResults: true,
    });
    const m = a.send();
    e.startWorker();
    await e.drain();
    expect(e.kinds(m.messageId).at(-1)).toBe('acked');
    expect(e.logger.records.some((r) => r.level === 'CRITICAL')).toBe(true);
    await expect(getResult(e.broker, m)).rejects.toBeInstanceOf(ResultMissing);
  });

  it.each([
    ['a BigInt', () => ({ total: [BigInt(5)] })],
    [
      'a cycle',
      () => {
        const o: Record<string, unknown> = {};
        o.self = o;
        return o;
      },
    ],
  ])(
    'finishes a message whose result JSON cannot hold (%s): acked, result missing',
    async (_, fn) => {
      const e = makeEngine();
      const stored = actor(fn, { actorName: 'stored', broker: e.broker, storeResults: true });
      const plain = actor(fn, { actorName: 'plain', broker: e.broker });
      const m = stored.send();
      const n = plain.send();
      e.startWorker();
      await e.drain();
      for (const x of [m, n]) {
        expect(e.kinds(x.messageId)).toEqual(['enqueued', 'started', 'succeeded', 'acked']);
        expect(e.history(x.messageId)[2]!.result).toBeNull();
      }
      expect(e.logger.messages('CRITICAL')).toEqual([
        'Unexpected failure in after_process_message of Results.',
      ]);
      await expect(getResult(e.broker, m)).rejects.toBeInstanceOf(ResultMissing);
    },
  );

  it("keys results by Dramatiq's MD5 of namespace, queue, actor and message id", () => {
    expect(resultKey({ queueName: 'default', actorName: 'add', messageId: 'abc' })).toMatch(
      /^[0-9a-f]{32}$/,
    );
    expect(resultKey({ queueName: 'default.DQ', actorName: 'add', messageId: 'abc' })).toBe(
      resultKey({ queueName: 'default', actorName: 'add', messageId: 'abc' }),
    );
  });
});
