import { describe, expect, it } from 'vitest';
import {
  actor,
  CurrentMessage,
  defaultMiddleware,
  Middleware,
  SkipMessage,
  Worker,
  type Broker,
  type Message,
  type MessageProxy,
} from '../../../core/index.ts';
import { makeEngine, type TestEngine } from '../../helpers/make-engine.ts';

/** Records which processing hooks fired, and can skip messages of one actor. */
class HookRecorder extends Middleware {
  readonly seen: string[] = [];
  constructor(private readonly skipActor: string | null = null) {
    super();
  }
  override beforeProcessMessage(_b: Broker, p: MessageProxy): void {
    this.seen.push(`before_process:${p.actorName}`);
    if (p.actorName === this.skipActor) throw new SkipMessage('not today');
  }
  override afterProcessMessage(_b: Broker, p: MessageProxy): void {
    this.seen.push(`after_process:${p.actorName}`);
  }
  override afterSkipMessage(_b: Broker, p: MessageProxy): void {
    this.seen.push(`after_skip:${p.actorName}`);
  }
  override beforeNack(_b: Broker, p: MessageProxy): void {
    this.seen.push(`before_nack:${p.actorName}`);
  }
  override afterAck(_b: Broker, p: MessageProxy): void {
    this.seen.push(`after_ack:${p.actorName}`);
  }
}

/** An actor body that waits `ms` of engine time. */
const busy = (e: TestEngine, ms: number) => async (): Promise<void> => {
  await e.broker.clock.sleep(ms, CurrentMessage.getAbortSignal() ?? undefined);
};

describe('work ordering (checklist 7)', () => {
  it('runs priority 0 before priority 10 among buffered messages, equal priorities in arrival order', async () => {
    const e = makeEngine();
    const order: string[] = [];
    const low = actor((t: string) => void order.push(t), {
      actorName: 'low',
      broker: e.broker,
      priority: 10,
    });
    const high = actor((t: string) => void order.push(t), {
      actorName: 'high',
      broker: e.broker,
      priority: 0,
    });
    low.send('low1');
    low.send('low2');
    high.send('high1');
    low.send('low3');
    high.send('high2');
    e.startWorker({ threads: 1, prefetch: 10 });
    await e.drain();
    expect(order).toEqual(['high1', 'high2', 'low1', 'low2', 'low3']);
  });

  it('only reorders within the prefetch window, never reaching into the queue', async () => {
    const e = makeEngine();
    const order: string[] = [];
    const low = actor((t: string) => void order.push(t), {
      actorName: 'low',
      broker: e.broker,
      priority: 10,
    });
    const high = actor((t: string) => void order.push(t), { actorName: 'high', broker: e.broker });
    low.send('low1');
    low.send('low2');
    low.send('low3');
    high.send('high1');
    e.startWorker({ threads: 1 });
    await e.drain();
    // Prefetch 2 (threads × 2): low1 and low2 are fetched first; each freed slot takes what is
    // already in memory before the next claim, so high1 is fetched after low3, as in Dramatiq.
    expect(order).toEqual(['low1', 'low2', 'low3', 'high1']);
  });

  it('gives a freed slot the message already in memory before one still in the broker', async () => {
    const e = makeEngine();
    const starts: [string, number][] = [];
    const t0 = e.clock.now();
    const run = (ms: number) => async (label: string) => {
      starts.push([label, e.clock.now() - t0]);
      await e.clock.sleep(ms);
    };
    const report = actor(run(500), { actorName: 'report', broker: e.broker, priority: 10 });
    const alert = actor(run(90), { actorName: 'alert', broker: e.broker, priority: 0 });
    report.send('report-1');
    report.send('report-2');
    e.startWorker({ threads: 1 });
    await e.drain({ untilMs: t0 + 100 });
    alert.send('alert-1');
    await e.drain();
    // report-2 has waited in the worker's memory since t = 0; alert-1 is still in the broker
    // when report-1 ends, so it competes on priority only after report-2 has the slot.
    expect(starts).toEqual([
      ['report-1', 0],
      ['report-2', 500],
      ['alert-1', 1000],
    ]);
  });
});

describe('queues a worker consumes (spec §4.1)', () => {
  it('consumes whitelisted queues its actors declare, and leaves an unknown one to others', async () => {
    const e = makeEngine();
    const ran: string[] = [];
    const mail = actor((x: string) => void ran.push(x), {
      actorName: 'mail',
      queueName: 'emails',
      broker: e.broker,
    });
    const other = actor(() => undefined, {
      actorName: 'other',
      queueName: 'misc',
      broker: e.broker,
    });
    // A message for an actor this process does not have, on a queue none of its actors use.
    const elsewhere = makeEngine({ file: e.file, seed: 2 });
    const report = actor(() => undefined, {
      actorName: 'report',
      queueName: 'reports',
      broker: elsewhere.broker,
    });
    const r = report.send();
    mail.send('hi');
    other.send();
    const w = e.startWorker({ threads: 1, queues: ['emails', 'reports'] });
    expect(w.queues).toEqual(['emails']);
    await e.drain();
    expect(ran).toEqual(['hi']);
    // Not dead-lettered as ActorNotFound: still ready for a worker that has `report`.
    expect(e.kinds(r.messageId)).toEqual(['enqueued']);
    expect(e.broker.stats().find((q) => q.queue === 'reports')).toMatchObject({ ready: 1 });
    expect(e.logger.messages('ERROR')).toEqual([]);
  });
});

describe('worker defaults (checklist 24)', () => {
  it('runs 8 threads and holds 16 messages per queue (threads × 2) by default', async () => {
    const e = makeEngine();
    const a = actor(busy(e, 1000), { actorName: 'a', broker: e.broker });
    const ids = Array.from({ length: 20 }, () => a.send().messageId);
    const w = e.startWorker();
    expect(w.threads).toBe(8);
    expect(w.prefetch).toBe(16);
    await e.drain({ untilMs: e.clock.now() + 500 });
    const started = e.events().filter((x) => x.kind === 'started');
    expect(started).toHaveLength(8);
    expect(started.map((x) => x.thread).sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(started.every((x) => x.worker === 0)).toBe(true);
    expect(e.broker.stats().find((s) => s.queue === 'default')).toMatchObject({
      ready: 4,
      inFlight: 16,
    });
    await e.drain();
    expect(ids.every((id) => e.kinds(id).at(-1) === 'acked')).toBe(true);
  });

  it('caps prefetch at 65535', () => {
    const e = makeEngine();
    expect(new Worker(e.broker, { threads: 40_000 }).prefetch).toBe(65_535);
  });
});

describe('pause, resume and stop', () => {
  it('takes no new messages while paused and resumes where it left off', async () => {
    const e = makeEngine();
    const ran: number[] = [];
    const a = actor((n: number) => void ran.push(n), { actorName: 'a', broker: e.broker });
    const w = e.startWorker();
    w.pause();
    expect(w.isPaused).toBe(true);
    a.send(1);
    a.send(2);
    await e.drain();
    expect(ran).toEqual([]);
    w.resume();
    await e.drain();
    expect(ran).toEqual([1, 2]);
  });

  it('lets running attempts finish when paused', async () => {
    const e = makeEngine();
    const a = actor(busy(e, 1000), { actorName: 'a', broker: e.broker });
    const first = a.send();
    const second = a.send();
    const w = e.startWorker({ threads: 1 });
    await e.drain({ untilMs: e.clock.now() + 10 });
    w.pause();
    await e.drain();
    expect(e.kinds(first.messageId).at(-1)).toBe('acked');
    expect(e.kinds(second.messageId)).not.toContain('started');
  });

  it('on stop, finishes running attempts and gives held-but-unstarted messages back (journal requeued)', async () => {
    const e = makeEngine();
    const a = actor(busy(e, 1000), { actorName: 'a', broker: e.broker });
    const [running, held, queued] = [a.send(), a.send(), a.send()];
    const w = e.startWorker({ threads: 1 });
    await e.drain({ untilMs: e.clock.now() + 500 });
    const stopping = w.stop();
    await e.drain();
    await stopping;
    expect(e.kinds(running.messageId)).toEqual(['enqueued', 'started', 'succeeded', 'acked']);
    expect(e.kinds(held.messageId)).toEqual(['enqueued', 'requeued']);
    expect(e.history(held.messageId).at(-1)!.reason).toBe('shutdown');
    expect(e.kinds(queued.messageId)).toEqual(['enqueued']);
    expect(e.broker.stats().find((s) => s.queue === 'default')).toMatchObject({
      ready: 2,
      inFlight: 0,
    });

    // A new worker picks both up, and the requeued one still starts as attempt 1.
    e.startWorker({ threads: 1 });
    await e.drain();
    expect(e.kinds(held.messageId).slice(-3)).toEqual(['started', 'succeeded', 'acked']);
    expect(e.history(held.messageId).find((x) => x.kind === 'started')!.attempt).toBe(1);
    expect(e.kinds(queued.messageId).at(-1)).toBe('acked');
  });
});

describe('shutdown order (spec §4.5)', () => {
  it("fires the shutdown hooks in Dramatiq's order, requeueing held messages after the running ones end", async () => {
    const seen: string[] = [];
    class Shutdowns extends Middleware {
      override beforeWorkerShutdown(): void {
        seen.push('before_worker_shutdown');
      }
      override beforeWorkerThreadShutdown(_b: Broker, t: { index: number }): void {
        seen.push(`before_worker_thread_shutdown ${t.index}`);
      }
      override beforeConsumerThreadShutdown(): void {
        seen.push('before_consumer_thread_shutdown');
      }
      override afterWorkerShutdown(): void {
        seen.push('after_worker_shutdown');
      }
      override beforeAck(_b: Broker, p: MessageProxy): void {
        seen.push(`before_ack ${String(p.message.args[0])}`);
      }
    }
    const e = makeEngine({ middleware: [...defaultMiddleware(), new Shutdowns()] });
    const a = actor(async (_n: number) => e.clock.sleep(1000), {
      actorName: 'a',
      broker: e.broker,
    });
    const ms = [1, 2, 3, 4].map((n) => a.send(n));
    const w = e.startWorker({ threads: 2 });
    await e.drain({ untilMs: e.clock.now() + 500 });
    const stopping = w.stop();
    await e.drain();
    await stopping;
    expect(seen).toEqual([
      'before_worker_shutdown',
      'before_ack 1',
      'before_ack 2',
      'before_worker_thread_shutdown 0',
      'before_worker_thread_shutdown 1',
      'before_consumer_thread_shutdown',
      'after_worker_shutdown',
    ]);
    const tail = e
      .events()
      .filter((x) => x.kind === 'acked' || x.kind === 'requeued')
      .map((x) => [x.kind, x.messageId]);
    expect(tail).toEqual([
      ['acked', ms[0]!.messageId],
      ['acked', ms[1]!.messageId],
      ['requeued', ms[2]!.messageId],
      ['requeued', ms[3]!.messageId],
    ]);
  });
});

describe('unknown actors (checklist 19)', () => {
  it('dead-letters a message for an undeclared actor at once: ERROR log, no processing hook, no started, no retry', async () => {
    const recorder = new HookRecorder();
    const e = makeEngine({ middleware: [...defaultMiddleware(), recorder] });
    actor(() => 1, { actorName: 'known', broker: e.broker });
    const raw: Message = {
      queueName: 'default',
      actorName: 'ghost',
      args: [1],
      kwargs: {},
      options: {},
      messageId: e.broker.rng.uuid4(),
      messageTimestamp: e.clock.now(),
    };
    e.broker.enqueue(raw);
    e.startWorker();
    await e.drain();
    expect(e.kinds(raw.messageId)).toEqual(['enqueued', 'dead_lettered']);
    const dead = e.history(raw.messageId).at(-1)!;
    expect(dead.actor).toBe('ghost');
    expect(dead.error!.type).toBe('ActorNotFound');
    expect(e.logger.messages('ERROR')).toEqual([
      "Received message for undefined actor 'ghost'. Moving it to the DLQ.",
    ]);
    expect(recorder.seen.filter((s) => s.includes('process'))).toEqual([]);
    const letters = e.broker.deadLetters();
    expect(letters).toHaveLength(1);
    expect(letters[0]!.message.options).toEqual({});
  });
});

describe('skipping (checklist 18)', () => {
  it('acks a message skipped by middleware without a failed mark: no after_process_message, no callbacks', async () => {
    const recorder = new HookRecorder('skipped');
    const e = makeEngine({ middleware: [...defaultMiddleware(), recorder] });
    let calls = 0;
    actor(() => void calls++, { actorName: 'cb', broker: e.broker });
    let runs = 0;
    const a = actor((_n: number) => void runs++, {
      actorName: 'skipped',
      broker: e.broker,
      onSuccess: 'cb',
      onFailure: 'cb',
    });
    const m = a.send(3);
    e.startWorker();
    await e.drain();
    expect(runs).toBe(0);
    expect(calls).toBe(0);
    expect(e.kinds(m.messageId)).toEqual(['enqueued', 'skipped', 'acked']);
    expect(e.history(m.messageId)[1]!.error).toEqual({ type: 'SkipMessage', message: 'not today' });
    expect(recorder.seen).toEqual([
      'before_process:skipped',
      'after_skip:skipped',
      'after_ack:skipped',
    ]);
    expect(e.logger.messages('WARNING')).toContain('Message skipped(3) was skipped.');
    expect(e.broker.deadLetters()).toEqual([]);
  });

  it('acks a message whose actor raises SkipMessage: journal skipped, no retry, no callbacks', async () => {
    const recorder = new HookRecorder();
    const e = makeEngine({ middleware: [...defaultMiddleware(), recorder] });
    let calls = 0;
    actor(() => void calls++, { actorName: 'cb', broker: e.broker });
    const a = actor(
      () => {
        throw new SkipMessage('nothing to do');
      },
      { actorName: 'a', broker: e.broker, onSuccess: 'cb', onFailure: 'cb' },
    );
    const m = a.send();
    e.startWorker();
    await e.drain();
    expect(calls).toBe(0);
    expect(e.kinds(m.messageId)).toEqual(['enqueued', 'started', 'skipped', 'acked']);
    expect(e.history(m.messageId)[2]!.error).toEqual({
      type: 'SkipMessage',
      message: 'nothing to do',
    });
    expect(recorder.seen).toEqual(['before_process:a', 'after_skip:a', 'after_ack:a']);
    expect(e.broker.deadLetters()).toEqual([]);
  });
});
