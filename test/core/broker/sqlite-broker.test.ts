import { describe, expect, it } from 'vitest';
import {
  actor,
  CurrentMessage,
  DEFAULT_DEAD_MESSAGE_TTL_MS,
  QueueJoinTimeout,
  QueueNotFound,
  type Message,
} from '../../../core/index.ts';
import { makeEngine } from '../../helpers/make-engine.ts';

describe('delays (checklist 4–6)', () => {
  it('stores a message sent with a delay on <queue>.DQ with options.eta = now + delay', () => {
    const e = makeEngine();
    const a = actor(() => 1, { actorName: 'a', queueName: 'emails', broker: e.broker });
    const now = e.clock.now();
    const m = a.sendWithOptions({ args: [1], delayMs: 300 });
    expect(m.queueName).toBe('emails.DQ');
    expect(m.options).toEqual({ eta: now + 300 });
    const [enq, delayed] = e.history(m.messageId);
    expect(enq).toMatchObject({ kind: 'enqueued', queue: 'emails', delay: 300 });
    expect(enq!.options).toEqual({ eta: now + 300 });
    expect(delayed).toMatchObject({ kind: 'delayed', queue: 'emails', delay: 300 });
    expect(e.broker.stats().find((s) => s.queue === 'emails')).toMatchObject({
      ready: 0,
      delayed: 1,
    });
  });

  it('routes delay 0 through the delay queue too, unlike no delay (§12.8)', () => {
    const e = makeEngine();
    const a = actor(() => 1, { actorName: 'a', broker: e.broker });
    const now = e.clock.now();
    const zero = a.sendWithOptions({ delayMs: 0 });
    const none = a.sendWithOptions({});
    const nul = a.sendWithOptions({ delayMs: null });
    expect(zero.queueName).toBe('default.DQ');
    expect(zero.options).toEqual({ eta: now });
    expect(e.kinds(zero.messageId)).toEqual(['enqueued', 'delayed']);
    for (const m of [none, nul]) {
      expect(m.queueName).toBe('default');
      expect(m.options).toEqual({});
      expect(e.kinds(m.messageId)).toEqual(['enqueued']);
    }
  });

  it('never starts a delayed message before its eta, and runs delays 300, 100, 200 in the order 100, 200, 300', async () => {
    const e = makeEngine();
    const ran: [number, number][] = [];
    const t0 = e.clock.now();
    const a = actor((d: number) => void ran.push([d, e.clock.now() - t0]), {
      actorName: 'a',
      broker: e.broker,
    });
    e.startWorker();
    for (const d of [300, 100, 200]) a.sendWithOptions({ args: [d], delayMs: d });
    await e.drain();
    // Our delayed messages start at their eta exactly (no worker_timeout release lag, README).
    expect(ran).toEqual([
      [100, 100],
      [200, 200],
      [300, 300],
    ]);
  });

  it('delivers a due message on its canonical queue without eta, with the same id and timestamp', async () => {
    const e = makeEngine();
    let seen: Message | null = null;
    const a = actor(
      () => {
        seen = CurrentMessage.getCurrentMessage()!.message;
      },
      { actorName: 'a', queueName: 'q', broker: e.broker },
    );
    const sent = a.sendWithOptions({ args: [5], delayMs: 1000, custom: 1 });
    e.startWorker();
    await e.drain();
    expect(seen).toEqual({
      queueName: 'q',
      actorName: 'a',
      args: [5],
      kwargs: {},
      options: { custom: 1 },
      messageId: sent.messageId,
      messageTimestamp: sent.messageTimestamp,
    });
    const started = e.history(sent.messageId).find((x) => x.kind === 'started')!;
    expect(started.queue).toBe('q');
    expect(e.kinds(sent.messageId)).toEqual([
      'enqueued',
      'delayed',
      'started',
      'succeeded',
      'acked',
    ]);
  });

  it('puts a message that becomes due behind the messages already waiting in its queue', async () => {
    const e = makeEngine();
    const order: string[] = [];
    const a = actor((tag: string) => void order.push(tag), { actorName: 'a', broker: e.broker });
    a.sendWithOptions({ args: ['delayed'], delayMs: 0 });
    a.send('ready-1');
    e.clock.advanceTo(e.clock.now() + 10);
    a.send('ready-2');
    e.startWorker({ threads: 1 });
    await e.drain();
    expect(order).toEqual(['delayed', 'ready-1', 'ready-2']);
  });
});

describe('dead letters', () => {
  async function deadLetter(e: ReturnType<typeof makeEngine>, healthy: { ok: boolean }) {
    const a = actor(
      (n: number) => {
        if (!healthy.ok) throw new Error(`boom ${n}`);
        return n;
      },
      { actorName: 'a', broker: e.broker, maxRetries: 0 },
    );
    const ms = [a.send(1), a.send(2)];
    e.startWorker();
    await e.drain();
    return ms;
  }

  it('lists dead letters with their final options, and requeues chosen ones as fresh enqueues', async () => {
    const e = makeEngine();
    const healthy = { ok: false };
    const [m1, m2] = await deadLetter(e, healthy);
    const dead = e.broker.deadLetters();
    expect(dead.map((d) => d.message.messageId)).toEqual([m1!.messageId, m2!.messageId]);
    expect(dead[0]!.message.options.retries).toBe(1);
    expect(dead[0]!.attempts).toBe(1);
    expect(e.broker.stats().find((s) => s.queue === 'default')!.dead).toBe(2);

    healthy.ok = true;
    expect(e.broker.requeueDead([dead[0]!.id])).toBe(1);
    await e.drain();
    expect(e.broker.deadLetters().map((d) => d.message.messageId)).toEqual([m2!.messageId]);
    const h = e.history(m1!.messageId);
    const requeued = h.filter((x) => x.kind === 'enqueued').at(-1)!;
    expect(requeued.reason).toBe('requeue');
    expect(h.filter((x) => x.kind === 'started').map((x) => x.attempt)).toEqual([1, 2]);
    expect(h.at(-1)!.kind).toBe('acked');
  });

  it('requeues all dead letters at once, and refuses unknown ids with DEAD_LETTER_NOT_FOUND', async () => {
    const e = makeEngine();
    const healthy = { ok: false };
    await deadLetter(e, healthy);
    expect(() => e.broker.requeueDead([9999])).toThrow(
      expect.objectContaining({ code: 'DEAD_LETTER_NOT_FOUND' }),
    );
    healthy.ok = true;
    expect(e.broker.requeueDead('all')).toBe(2);
    await e.drain();
    expect(e.broker.deadLetters()).toEqual([]);
    expect(e.broker.pendingCount()).toBe(0);
  });

  it('purges dead letters', async () => {
    const e = makeEngine();
    await deadLetter(e, { ok: false });
    expect(e.broker.purgeDead()).toBe(2);
    expect(e.broker.deadLetters()).toEqual([]);
    expect(e.broker.stats().find((s) => s.queue === 'default')!.dead).toBe(0);
  });

  it('keeps dead letters for 7 days by default (checklist 24)', async () => {
    const e = makeEngine();
    expect(e.broker.deadMessageTtlMs).toBe(604_800_000);
    expect(DEFAULT_DEAD_MESSAGE_TTL_MS).toBe(604_800_000);
    await deadLetter(e, { ok: false });
    const deadAt = e.broker.deadLetters()[0]!.deadAt;
    e.clock.advanceTo(deadAt + 604_800_000 - 1);
    expect(e.broker.deadLetters()).toHaveLength(2);
    e.clock.advanceTo(deadAt + 604_800_000);
    expect(e.broker.deadLetters()).toEqual([]);
  });
});

describe('queues', () => {
  it('pauses and resumes one queue for every worker while other queues keep running', async () => {
    const e = makeEngine();
    const ran: string[] = [];
    const slow = actor((n: number) => void ran.push(`slow${n}`), {
      actorName: 'slow',
      queueName: 'slow',
      broker: e.broker,
    });
    const fast = actor((n: number) => void ran.push(`fast${n}`), {
      actorName: 'fast',
      queueName: 'fast',
      broker: e.broker,
    });
    e.broker.setQueuePaused('slow', true);
    expect(e.broker.isQueuePaused('slow')).toBe(true);
    slow.send(1);
    fast.send(1);
    e.startWorker();
    await e.drain();
    expect(ran).toEqual(['fast1']);
    expect(e.broker.stats().find((s) => s.queue === 'slow')).toMatchObject({
      ready: 1,
      paused: true,
    });
    e.broker.setQueuePaused('slow', false);
    await e.drain();
    expect(ran).toEqual(['fast1', 'slow1']);
  });

  it('refuses to pause an undeclared queue with QUEUE_NOT_FOUND and a suggestion', () => {
    const e = makeEngine();
    actor(() => 1, { actorName: 'a', queueName: 'emails', broker: e.broker });
    expect(() => e.broker.setQueuePaused('emials', true)).toThrow(/did you mean `emails`/);
  });

  it('declares a queue idempotently and names its delay queue', () => {
    const e = makeEngine();
    e.broker.declareQueue('q');
    e.broker.declareQueue('q');
    expect(e.broker.getDeclaredQueues().filter((q) => q === 'q')).toHaveLength(1);
    expect(() => e.broker.declareQueue('bad name')).toThrow(
      expect.objectContaining({ code: 'INVALID_QUEUE_NAME' }),
    );
  });
});

describe('join and flush_all (spec §3.1)', () => {
  it('joins a queue once its ready, delayed and running messages are done, or times out', async () => {
    const e = makeEngine();
    const a = actor(async () => e.clock.sleep(200), { actorName: 'a', broker: e.broker });
    a.send();
    a.sendWithOptions({ delayMs: 1_000 });
    const t0 = e.clock.now();
    const early = e.broker.join('default', { timeoutMs: 500 });
    const rejected = expect(early).rejects.toBeInstanceOf(QueueJoinTimeout);
    const joined = e.broker.join('default.DQ');
    e.startWorker();
    await e.drain();
    await rejected;
    await joined;
    // Done when the delayed one finished: due at 1000, ran 200 ms; checked every 100 ms.
    expect(e.clock.now() - t0).toBeGreaterThanOrEqual(1_200);
    await expect(e.broker.join('nowhere')).rejects.toBeInstanceOf(QueueNotFound);
  });

  it('flushes every queue and the dead letters at once, journaling each purge', async () => {
    const e = makeEngine();
    const a = actor(() => 1, { actorName: 'a', queueName: 'one', broker: e.broker });
    const b = actor(
      () => {
        throw new Error('x');
      },
      { actorName: 'b', queueName: 'two', broker: e.broker, maxRetries: 0 },
    );
    const dead = b.send();
    const w = e.startWorker();
    await e.drain();
    await w.stop();
    const m = [a.send(), a.sendWithOptions({ delayMs: 5_000 }), b.send()];
    expect(e.broker.flushAll()).toBe(4);
    expect(e.broker.pendingCount()).toBe(0);
    expect(e.broker.deadLetters()).toEqual([]);
    for (const x of [dead, ...m]) expect(e.kinds(x.messageId).at(-1)).toBe('purged');
  });
});

describe('isolation', () => {
  it('runs two brokers on two files in one process without sharing anything', async () => {
    const one = makeEngine({ seed: 1 });
    const two = makeEngine({ seed: 1 });
    const got: string[] = [];
    const a1 = actor((x: string) => void got.push(`one:${x}`), {
      actorName: 'same',
      broker: one.broker,
    });
    const a2 = actor((x: string) => void got.push(`two:${x}`), {
      actorName: 'same',
      broker: two.broker,
      maxRetries: 0,
    });
    a1.send('a');
    a2.send('b');
    a2.send('c');
    one.startWorker();
    two.startWorker();
    await Promise.all([one.drain(), two.drain()]);
    expect(got.sort()).toEqual(['one:a', 'two:b', 'two:c']);
    expect(one.events().filter((x) => x.kind === 'acked')).toHaveLength(1);
    expect(two.events().filter((x) => x.kind === 'acked')).toHaveLength(2);
    expect(one.file).not.toBe(two.file);
    expect(one.broker.knownActors().map((x) => x.name)).toEqual(['same']);
    expect(two.broker.knownActors()[0]!.options).toEqual({ max_retries: 0 });
  });
});
