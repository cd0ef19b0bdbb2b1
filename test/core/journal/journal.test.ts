import { describe, expect, it } from 'vitest';
import {
  actor,
  toExportLine,
  toExportObject,
  type JournalEvent,
  type MessageData,
} from '../../../core/index.ts';
import { makeEngine, type TestEngine } from '../../helpers/make-engine.ts';

const EXPORT_ORDER = [
  'seq',
  't',
  'kind',
  'message_id',
  'label',
  'actor',
  'queue',
  'attempt',
  'parent_id',
  'reason',
  'args',
  'kwargs',
  'options',
  'delay',
  'result',
  'error',
  'worker',
  'thread',
];

/** A small run touching most kinds: success, delay, retries, callbacks, a dead letter. */
async function scenario(seed = 1): Promise<TestEngine> {
  const e = makeEngine({ seed });
  actor((_d: MessageData, _x: unknown) => undefined, { actorName: 'notify', broker: e.broker });
  const add = actor((x: number, kw: { y: number }) => x + kw.y, {
    actorName: 'add',
    broker: e.broker,
    onSuccess: 'notify',
  });
  const flaky = actor(
    (_text: string) => {
      throw new Error('boom');
    },
    { actorName: 'flaky', broker: e.broker, maxRetries: 1, minBackoff: 100, onFailure: 'notify' },
  );
  add.sendWithOptions({ args: [1], kwargs: { y: 2 } });
  add.sendWithOptions({ args: [5], kwargs: { y: 5 }, delayMs: 250 });
  flaky.send('é');
  e.startWorker({ threads: 2 });
  await e.drain();
  return e;
}

describe('the journal', () => {
  it('numbers events 1, 2, 3… with no gaps, in commit order, with t in virtual ms since the start', async () => {
    const e = await scenario();
    const events = e.events();
    expect(events.length).toBeGreaterThan(20);
    expect(events.map((x) => x.seq)).toEqual(events.map((_, i) => i + 1));
    expect(e.broker.journal.lastSeq()).toBe(events.length);
    for (let i = 1; i < events.length; i++)
      expect(events[i]!.t).toBeGreaterThanOrEqual(events[i - 1]!.t);
    expect(events[0]!.t).toBe(0);
    const delayedStart = events.find((x) => x.kind === 'started' && x.args?.[0] === 5)!;
    expect(delayedStart.t).toBe(250);
    expect(e.broker.journal.page(3, 2).map((x) => x.seq)).toEqual([4, 5]);
  });

  it('writes exactly one row per state change of a successful message', async () => {
    const e = makeEngine();
    const a = actor(() => 'ok', { actorName: 'a', broker: e.broker });
    const m = a.send();
    e.startWorker();
    await e.drain();
    expect(e.kinds(m.messageId)).toEqual(['enqueued', 'started', 'succeeded', 'acked']);
    expect(e.events()).toHaveLength(4);
  });

  it('journals a failing message with retries as failed, retry_scheduled, enqueued (retry), delayed, acked… dead_lettered', async () => {
    const e = await scenario();
    const m = e.events().find((x) => x.actor === 'flaky')!.messageId!;
    expect(e.kinds(m)).toEqual([
      'enqueued',
      'started',
      'failed',
      // After hooks run in reverse order: Retries decides before Callbacks sends on_failure.
      'retry_scheduled',
      'enqueued',
      'delayed',
      'callback_enqueued',
      'acked',
      'started',
      'failed',
      'callback_enqueued',
      'dead_lettered',
    ]);
  });

  it('gives each kind the fields of the export spec', async () => {
    const e = await scenario();
    const all = e.events();
    const first = (kind: string, pred: (x: JournalEvent) => boolean = () => true) =>
      all.find((x) => x.kind === kind && pred(x))!;

    const sent = first('enqueued', (x) => x.actor === 'add');
    expect(sent).toMatchObject({
      reason: 'send',
      args: [1],
      kwargs: { y: 2 },
      options: {},
      actor: 'add',
      queue: 'default',
    });
    expect(sent.delay).toBeUndefined();
    expect(sent.parentId).toBeUndefined();

    const delayed = first('enqueued', (x) => x.args?.[0] === 5);
    expect(delayed).toMatchObject({ reason: 'send', delay: 250, kwargs: { y: 5 } });
    expect(delayed.options).toEqual({ eta: delayed.at + 250 });
    expect(first('delayed', (x) => x.messageId === delayed.messageId).delay).toBe(250);

    const started = first('started', (x) => x.actor === 'add');
    expect(started).toMatchObject({ attempt: 1, worker: 0, args: [1], kwargs: { y: 2 } });
    expect([0, 1]).toContain(started.thread);

    expect(first('succeeded', (x) => x.actor === 'add')).toMatchObject({ result: 3, attempt: 1 });

    const flakyId = first('enqueued', (x) => x.actor === 'flaky').messageId;
    const failed = first('failed', (x) => x.messageId === flakyId);
    expect(failed).toMatchObject({ attempt: 1, error: { type: 'Error', message: 'boom' } });

    const retry = first('retry_scheduled');
    expect(retry).toMatchObject({ attempt: 1, error: { type: 'Error', message: 'boom' } });
    expect(retry.delay).toBeGreaterThanOrEqual(100);
    expect(retry.delay).toBeLessThan(200);

    const retryEnq = all.filter((x) => x.kind === 'enqueued' && x.reason === 'retry')[0]!;
    expect(retryEnq.delay).toBe(retry.delay);
    expect(retryEnq.options).toMatchObject({ retries: 1, eta: retryEnq.at + retry.delay! });

    const dead = first('dead_lettered');
    expect(dead).toMatchObject({ attempt: 2, error: { type: 'Error', message: 'boom' } });
    expect(dead.options).toMatchObject({ retries: 2 });
    expect(String(dead.options!.traceback).split('\n').at(-1)).toBe('Error: boom');

    const cb = first('enqueued', (x) => x.reason === 'on_failure');
    expect(cb).toMatchObject({ actor: 'notify', parentId: flakyId });
    expect(cb.args![1]).toEqual({ type: 'Error', message: 'boom' });
    expect(first('callback_enqueued', (x) => x.messageId === flakyId).reason).toBe('on_failure');
    expect(first('acked', (x) => x.actor === 'add').attempt).toBe(1);
  });

  it('exports each event as compact JSON with keys in the spec order and absent fields left out', async () => {
    const e = await scenario();
    for (const ev of e.events()) {
      const line = toExportLine(ev);
      expect(line).not.toMatch(/\n/);
      const keys = Object.keys(JSON.parse(line) as object);
      const positions = keys.map((k) => EXPORT_ORDER.indexOf(k));
      expect(positions.every((p) => p >= 0)).toBe(true);
      expect(positions).toEqual([...positions].sort((a, b) => a - b));
      expect(keys.slice(0, 3)).toEqual(['seq', 't', 'kind']);
      // Only a result may be null (an actor that returned nothing).
      const nulls = Object.entries(JSON.parse(line) as object).filter(([, v]) => v === null);
      expect(nulls.map(([k]) => k).filter((k) => k !== 'result')).toEqual([]);
    }
    const started = e.events().find((x) => x.kind === 'started')!;
    expect(toExportLine(started)).toBe(
      `{"seq":${started.seq},"t":0,"kind":"started","message_id":"${started.messageId}","actor":"add","queue":"default","attempt":1,"args":[1],"kwargs":{"y":2},"worker":0,"thread":${started.thread}}`,
    );
    const retry = e.events().find((x) => x.kind === 'retry_scheduled')!;
    expect(Object.keys(toExportObject(retry))).toEqual([
      'seq',
      't',
      'kind',
      'message_id',
      'actor',
      'queue',
      'attempt',
      'delay',
      'error',
    ]);
  });

  it('keeps a null result of a successful attempt in the export', async () => {
    const e = makeEngine();
    actor(() => undefined, { actorName: 'a', broker: e.broker }).send();
    e.startWorker();
    await e.drain();
    const ok = e.events().find((x) => x.kind === 'succeeded')!;
    expect(toExportObject(ok)).toHaveProperty('result', null);
  });

  it('writes the same export, byte for byte, for the same run and seed', async () => {
    const lines = async (seed: number): Promise<string> =>
      (await scenario(seed))
        .events()
        .map((x) => toExportLine(x))
        .join('\n');
    const a = await lines(3);
    expect(await lines(3)).toBe(a);
    expect(await lines(4)).not.toBe(a);
  });

  it('records non-finite and non-ASCII arguments as the actor receives them', async () => {
    const e = makeEngine();
    const got: unknown[] = [];
    const a = actor((...args: unknown[]) => void got.push(...args), {
      actorName: 'a',
      broker: e.broker,
    });
    const m = a.send(Number.NaN, Infinity, 'héllo 😀');
    e.startWorker();
    await e.drain();
    expect(got).toEqual([Number.NaN, Infinity, 'héllo 😀']);
    const [enq, started] = e.history(m.messageId);
    expect(enq!.args).toEqual([Number.NaN, Infinity, 'héllo 😀']);
    expect(started!.args).toEqual([Number.NaN, Infinity, 'héllo 😀']);
  });

  it('delivers each appended event to listeners in seq order', async () => {
    const e = makeEngine();
    const seen: number[] = [];
    e.broker.journal.onAppend((x) => seen.push(x.seq));
    actor(() => 1, { actorName: 'a', broker: e.broker }).send();
    e.startWorker();
    await e.drain();
    expect(seen).toEqual([1, 2, 3, 4]);
  });

  it("finds a message's whole history: retries, another process's rows, and after a rollback", async () => {
    const e = makeEngine();
    const flaky = actor(
      () => {
        throw new Error('boom');
      },
      { actorName: 'flaky', broker: e.broker, maxRetries: 2, minBackoff: 10, maxBackoff: 20 },
    );
    const other = actor(() => 1, { actorName: 'other', broker: e.broker });
    const m = flaky.send();
    other.send();
    // A write that rolls back must not leave a phantom root behind: the same message enqueued
    // again afterwards is found by its id.
    const after = other.message();
    expect(() =>
      e.broker.batch(() => {
        e.broker.enqueue(after);
        throw new Error('undo');
      }),
    ).toThrow('undo');
    e.broker.enqueue(after);
    e.startWorker({ threads: 1 });
    await e.drain();
    const all = e.events();
    const expected = all.filter((x) => x.messageId === m.messageId).map((x) => x.seq);
    expect(expected.length).toBeGreaterThan(8);
    expect(e.history(m.messageId).map((x) => x.seq)).toEqual(expected);
    expect(e.history(m.messageId).filter((x) => x.kind === 'enqueued')).toHaveLength(3);
    expect(e.history(after.messageId).map((x) => x.kind)).toEqual([
      'enqueued',
      'started',
      'succeeded',
      'acked',
    ]);
    // Another connection (another process) appends to the same message and finds it all.
    const second = makeEngine({ file: e.file });
    second.broker.requeueDead('all');
    const again = second.history(m.messageId).map((x) => x.seq);
    expect(again.slice(0, expected.length)).toEqual(expected);
    expect(again.length).toBeGreaterThan(expected.length);
    expect(e.history(m.messageId).map((x) => x.seq)).toEqual(again);
  });
  it('finds histories whose rows span many thousands of events, from any connection', async () => {
    const e = makeEngine();
    const noop = actor((_i: number) => undefined, { actorName: 'noop', broker: e.broker });
    const late = noop.sendWithOptions({ args: [-1], delayMs: 60_000 });
    const ids: string[] = [];
    e.broker.batch(() => {
      for (let i = 0; i < 5000; i++) ids.push(noop.send(i).messageId);
    });
    e.startWorker({ threads: 4 });
    await e.drain();
    const last = noop.send(5000);
    await e.drain();
    const all = e.events();
    // The delayed message's root is in the first bucket of 4096 events, its end in the fifth;
    // the last message lives in the fifth.
    expect(all.length).toBeGreaterThan(4 * 4096);
    for (const id of [late.messageId, ids[0]!, ids[2500]!, ids[4999]!, last.messageId]) {
      const expected = all.filter((x) => x.messageId === id).map((x) => x.seq);
      expect(expected.at(-1)! - expected[0]!).toBeGreaterThan(0);
      expect(e.history(id).map((x) => x.seq)).toEqual(expected);
      // A second connection has no cached roots: it finds them through the index.
      const second = makeEngine({ file: e.file });
      expect(second.history(id).map((x) => x.seq)).toEqual(expected);
    }
    expect(e.history('00000000-0000-4000-8000-000000000000')).toEqual([]);
  });

  it('finds roots sealed by a write that rolled back and by the one that replaced it', () => {
    const e = makeEngine();
    const noop = actor((_i: number) => undefined, { actorName: 'noop', broker: e.broker });
    e.broker.batch(() => {
      for (let i = 0; i < 4090; i++) noop.send(i);
    });
    // These sends cross seq 4096, which seals the first bucket: then the batch rolls back.
    const crossing = Array.from({ length: 20 }, (_, i) => noop.message(4090 + i));
    expect(() =>
      e.broker.batch(() => {
        for (const m of crossing) e.broker.enqueue(m);
        throw new Error('undo');
      }),
    ).toThrow('undo');
    expect(e.broker.journal.lastSeq()).toBe(4090);
    const again = Array.from({ length: 20 }, (_, i) => noop.send(5000 + i));
    const second = makeEngine({ file: e.file });
    for (const m of [...crossing, ...again]) {
      const kinds = second.history(m.messageId).map((x) => x.kind);
      expect(kinds).toEqual(crossing.includes(m) ? [] : ['enqueued']);
    }
    expect(second.history(e.events()[0]!.messageId!).map((x) => x.seq)).toEqual([1]);
  });
});
