import { describe, expect, it } from 'vitest';
import { actor, CurrentMessage, type MessageData } from '../../../core/index.ts';
import { makeEngine, type TestEngine } from '../../helpers/make-engine.ts';

/** An async actor body that waits `ms` of engine time, stopping when the attempt is aborted. */
function sleeper(e: TestEngine, ms: number, log: { aborted: unknown[]; finished: number }) {
  return async (): Promise<string> => {
    try {
      await e.broker.clock.sleep(ms, CurrentMessage.getAbortSignal() ?? undefined);
    } catch (err) {
      log.aborted.push(err);
      throw err;
    }
    log.finished++;
    return 'done';
  };
}

describe('TimeLimit on the in-process runner under the virtual clock (checklist 17)', () => {
  it('interrupts an actor at exactly time_limit with TimeLimitExceeded (empty text) and retries it like any failure', async () => {
    const e = makeEngine();
    const log = { aborted: [] as unknown[], finished: 0 };
    const failures: unknown[] = [];
    actor((_d: MessageData, err: unknown) => void failures.push(err), {
      actorName: 'onFail',
      broker: e.broker,
    });
    const slow = actor(sleeper(e, 5000, log), {
      actorName: 'slow',
      broker: e.broker,
      timeLimit: 1000,
      maxRetries: 2,
      minBackoff: 100,
      onFailure: 'onFail',
    });
    const m = slow.send();
    e.startWorker();
    await e.drain();

    const h = e.history(m.messageId);
    const started = h.filter((x) => x.kind === 'started').map((x) => x.at);
    const limited = h.filter((x) => x.kind === 'time_limited');
    expect(started).toHaveLength(3);
    expect(limited.map((x, i) => x.at - started[i]!)).toEqual([1000, 1000, 1000]);
    for (const x of limited) expect(x.error).toEqual({ type: 'TimeLimitExceeded', message: '' });
    const failed = h.filter((x) => x.kind === 'failed');
    expect(failed.map((x) => x.error)).toEqual(
      Array(3).fill({ type: 'TimeLimitExceeded', message: '' }),
    );
    expect(h.filter((x) => x.kind === 'retry_scheduled')).toHaveLength(2);
    expect(h.at(-1)!.kind).toBe('dead_lettered');
    expect(h.at(-1)!.error).toEqual({ type: 'TimeLimitExceeded', message: '' });

    // The actor's own code saw the abort through its signal and never finished.
    expect(log.finished).toBe(0);
    expect(log.aborted.map((x) => (x as Error).name)).toEqual(Array(3).fill('TimeLimitExceeded'));
    expect(failures).toEqual(Array(3).fill({ type: 'TimeLimitExceeded', message: '' }));
    expect(
      e.logger.messages('WARNING').filter((x) => x.startsWith('Time limit exceeded.')),
    ).toEqual(Array(3).fill('Time limit exceeded. Raising exception in worker thread 0.'));
  });

  it('lets an actor that finishes before time_limit succeed', async () => {
    const e = makeEngine();
    const log = { aborted: [] as unknown[], finished: 0 };
    const a = actor(sleeper(e, 999, log), { actorName: 'a', broker: e.broker, timeLimit: 1000 });
    const m = a.send();
    e.startWorker();
    await e.drain();
    expect(log.finished).toBe(1);
    expect(e.kinds(m.messageId)).toEqual(['enqueued', 'started', 'succeeded', 'acked']);
  });

  it('uses a default time_limit of 600000 ms (checklist 24)', async () => {
    const e = makeEngine();
    const log = { aborted: [] as unknown[], finished: 0 };
    const over = actor(sleeper(e, 600_001, log), {
      actorName: 'over',
      broker: e.broker,
      maxRetries: 0,
    });
    const under = actor(sleeper(e, 599_999, log), { actorName: 'under', broker: e.broker });
    const m1 = over.send();
    const m2 = under.send();
    e.startWorker();
    await e.drain();
    const h = e.history(m1.messageId);
    const start = h.find((x) => x.kind === 'started')!.at;
    expect(h.find((x) => x.kind === 'time_limited')!.at - start).toBe(600_000);
    expect(e.kinds(m2.messageId)).toContain('succeeded');
    expect(log.finished).toBe(1);
  });

  it('a message-level time_limit overrides the actor one', async () => {
    const e = makeEngine();
    const log = { aborted: [] as unknown[], finished: 0 };
    const a = actor(sleeper(e, 3000, log), {
      actorName: 'a',
      broker: e.broker,
      timeLimit: 10_000,
      maxRetries: 0,
    });
    const m = a.sendWithOptions({ time_limit: 2000 });
    e.startWorker();
    await e.drain();
    const h = e.history(m.messageId);
    expect(h.find((x) => x.kind === 'time_limited')!.at - h[1]!.at).toBe(2000);
  });

  it('frees the thread at the deadline, so the next message starts then', async () => {
    const e = makeEngine();
    const log = { aborted: [] as unknown[], finished: 0 };
    const a = actor(sleeper(e, 60_000, log), {
      actorName: 'a',
      broker: e.broker,
      timeLimit: 500,
      maxRetries: 0,
    });
    const first = a.send();
    const second = a.send();
    e.startWorker({ threads: 1 });
    await e.drain();
    const s1 = e.history(first.messageId).find((x) => x.kind === 'started')!.at;
    const s2 = e.history(second.messageId).find((x) => x.kind === 'started')!.at;
    expect(s2 - s1).toBe(500);
  });
});
