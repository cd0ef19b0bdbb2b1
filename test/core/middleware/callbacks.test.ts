import { describe, expect, it } from 'vitest';
import { actor, type MessageData } from '../../../core/index.ts';
import { makeEngine, type TestEngine } from '../../helpers/make-engine.ts';

/** Declares a callback actor that records what it receives. */
function sink(e: TestEngine, name: string): [MessageData, unknown][] {
  const got: [MessageData, unknown][] = [];
  actor((data: MessageData, extra: unknown) => void got.push([data, extra]), {
    actorName: name,
    broker: e.broker,
  });
  return got;
}

describe('Callbacks', () => {
  it('sends on_success (message_data, result) after a successful attempt', async () => {
    const e = makeEngine();
    const got = sink(e, 'ok');
    const add = actor((x: number, kw: { y: number }) => x + kw.y, {
      actorName: 'add',
      broker: e.broker,
      onSuccess: 'ok',
    });
    const m = add.sendWithOptions({ args: [1], kwargs: { y: 2 } });
    e.startWorker();
    await e.drain();
    expect(got).toEqual([
      [
        {
          queue_name: 'default',
          actor_name: 'add',
          args: [1],
          kwargs: { y: 2 },
          options: {},
          message_id: m.messageId,
          message_timestamp: m.messageTimestamp,
        },
        3,
      ],
    ]);
    const parent = e.kinds(m.messageId);
    expect(parent).toEqual(['enqueued', 'started', 'succeeded', 'callback_enqueued', 'acked']);
    const cb = e.events().find((x) => x.kind === 'enqueued' && x.reason === 'on_success')!;
    expect(cb.parentId).toBe(m.messageId);
    expect(cb.actor).toBe('ok');
  });

  it('sends on_success with a null result when the actor returns nothing', async () => {
    const e = makeEngine();
    const got = sink(e, 'ok');
    actor(() => undefined, { actorName: 'a', broker: e.broker, onSuccess: 'ok' }).send();
    e.startWorker();
    await e.drain();
    expect(got[0]![1]).toBeNull();
  });

  it('sends on_failure (message_data, {type, message}) on every failed attempt, with retries already incremented (checklist 15)', async () => {
    const e = makeEngine();
    const got = sink(e, 'bad');
    const okGot = sink(e, 'ok');
    let runs = 0;
    class ConnectionError extends Error {
      override name = 'ConnectionError';
    }
    const a = actor(
      () => {
        runs++;
        if (runs <= 2) throw new ConnectionError(`try ${runs}`);
        return 'fine';
      },
      { actorName: 'a', broker: e.broker, onFailure: 'bad', onSuccess: 'ok', minBackoff: 10 },
    );
    a.send();
    e.startWorker();
    await e.drain();
    expect(got.map(([, err]) => err)).toEqual([
      { type: 'ConnectionError', message: 'try 1' },
      { type: 'ConnectionError', message: 'try 2' },
    ]);
    expect(got.map(([d]) => d.options.retries)).toEqual([1, 2]);
    expect(String(got[0]![0].options.traceback).split('\n').at(-1)).toBe('ConnectionError: try 1');
    // The attempt that finally succeeds still carries the earlier failures' count (§12.14).
    expect(okGot).toHaveLength(1);
    expect(okGot[0]![0].options.retries).toBe(2);
    expect(okGot[0]![1]).toBe('fine');
  });

  it('lets message-level on_success and on_failure override the actor-level ones', async () => {
    const e = makeEngine();
    const actorOk = sink(e, 'actorOk');
    const msgOk = sink(e, 'msgOk');
    const actorBad = sink(e, 'actorBad');
    const msgBad = sink(e, 'msgBad');
    const a = actor(
      (fail: boolean) => {
        if (fail) throw new Error('no');
        return 'yes';
      },
      {
        actorName: 'a',
        broker: e.broker,
        onSuccess: 'actorOk',
        onFailure: 'actorBad',
        maxRetries: 0,
      },
    );
    a.sendWithOptions({ args: [false], on_success: 'msgOk' });
    a.sendWithOptions({ args: [true], onFailure: 'msgBad' });
    e.startWorker({ threads: 1 });
    await e.drain();
    expect(actorOk).toEqual([]);
    expect(actorBad).toEqual([]);
    expect(msgOk.map(([, r]) => r)).toEqual(['yes']);
    expect(msgBad.map(([, r]) => r)).toEqual([{ type: 'Error', message: 'no' }]);
  });

  it('sends callbacks to the target actor’s own queue with no delay', async () => {
    const e = makeEngine();
    actor(() => undefined, { actorName: 'notify', queueName: 'notifications', broker: e.broker });
    actor(() => 1, { actorName: 'a', broker: e.broker, onSuccess: 'notify' }).send();
    e.startWorker();
    await e.drain();
    const cb = e.events().find((x) => x.kind === 'enqueued' && x.reason === 'on_success')!;
    expect(cb.queue).toBe('notifications');
    expect(cb.delay).toBeUndefined();
    expect(e.events().filter((x) => x.kind === 'delayed')).toEqual([]);
  });
});
