import { describe, expect, it } from 'vitest';
import { actor, Retry } from '../../core/index.ts';
import { makeEngine } from '../helpers/make-engine.ts';

describe('engine smoke', () => {
  it('runs a successful actor and journals enqueued, started, succeeded, acked', async () => {
    const e = makeEngine();
    const seen: number[] = [];
    const add = actor(
      (x: number, y: number) => {
        seen.push(x + y);
        return x + y;
      },
      { actorName: 'add', broker: e.broker },
    );
    const m = add.send(1, 2);
    e.startWorker();
    await e.drain();
    expect(seen).toEqual([3]);
    expect(e.kinds(m.messageId)).toEqual(['enqueued', 'started', 'succeeded', 'acked']);
  });

  it('retries a failing actor with max_retries 3: 4 runs then a dead letter', async () => {
    const e = makeEngine();
    let runs = 0;
    const boom = actor(
      () => {
        runs++;
        throw new Error('boom');
      },
      { actorName: 'boom', broker: e.broker, maxRetries: 3 },
    );
    const m = boom.send();
    e.startWorker();
    await e.drain();
    expect(runs).toBe(4);
    const dead = e.broker.deadLetters();
    expect(dead).toHaveLength(1);
    expect(dead[0]!.message.options.retries).toBe(4);
    expect(String(dead[0]!.message.options.traceback).split('\n').at(-1)).toBe('Error: boom');
    console.log(e.kinds(m.messageId).join(' '));
    const delays = e
      .history(m.messageId)
      .filter((x) => x.kind === 'retry_scheduled')
      .map((x) => x.delay);
    console.log(delays, e.clock.now());
  });

  it('Retry(delay) retries exactly that much later', async () => {
    const e = makeEngine();
    const times: number[] = [];
    const a = actor(
      () => {
        times.push(e.clock.now());
        if (times.length < 2) throw new Retry({ delayMs: 150 });
      },
      { actorName: 'a', broker: e.broker },
    );
    a.send();
    e.startWorker();
    await e.drain();
    expect(times[1]! - times[0]!).toBe(150);
  });
});
