/**
 * Edges of Dramatiq's message handling (§1.2, §1.3, §3.2, §5.4.5, §7, §8): checked against the
 * spec after an audit found each one behaving differently.
 */
import { describe, expect, it } from 'vitest';
import {
  actor,
  defaultMiddleware,
  encodeMessage,
  Middleware,
  pipeline,
  Results,
  RehearsalError,
  type Broker,
  type Message,
  type ResultBackend,
} from '../../../core/index.ts';
import { pyJsonParse, pyJsonStringify } from '../../../core/message.ts';
import type { StoredResult } from '../../../core/results/result-backend.ts';
import { makeEngine } from '../../helpers/make-engine.ts';

/** Inserts a body as another producer (or a hand) would, with no `enqueued` row of ours. */
function insertRaw(e: ReturnType<typeof makeEngine>, messageId: string, body: string): void {
  e.broker.store.write(() =>
    e.broker.store.messages.insert({
      message_id: messageId,
      queue: 'default',
      actor: 'echo',
      state: 0,
      ready_at: e.clock.now(),
      body,
      label: null,
      attempts: 0,
      enqueued_at: e.clock.now(),
      root: null,
    }),
  );
}

describe('message bodies from other producers', () => {
  it('gives a body without message_id or message_timestamp its row id and the current time, and runs it', async () => {
    const e = makeEngine();
    const seen: unknown[] = [];
    actor((x: number) => void seen.push(x), { actorName: 'echo', broker: e.broker });
    const body = '{"queue_name":"default","actor_name":"echo","args":[7],"kwargs":{},"options":{}}';
    insertRaw(e, '11111111-2222-4333-8444-555555555555', body);
    e.startWorker();
    await e.drain();
    expect(seen).toEqual([7]);
    expect(e.broker.deadLetters()).toHaveLength(0);
  });

  it('runs messages whose options hold any number (Infinity, negative, fractional), never validated', async () => {
    const e = makeEngine();
    const seen: unknown[] = [];
    actor((x: number) => void seen.push(x), { actorName: 'echo', broker: e.broker });
    const options = [
      '{"time_limit":Infinity}',
      '{"max_age":Infinity}',
      '{"max_retries":-1}',
      '{"max_retries":2.5}',
      '{"min_backoff":-1}',
      '{"result_ttl":-5}',
      '{"eta":null}',
      '{"eta":"abc"}',
    ];
    options.forEach((o, i) =>
      insertRaw(
        e,
        `00000000-0000-4000-8000-00000000000${i}`,
        `{"queue_name":"default","actor_name":"echo","args":[${i}],"kwargs":{},"options":${o},"message_id":"00000000-0000-4000-8000-00000000000${i}","message_timestamp":0}`,
      ),
    );
    e.startWorker();
    await e.drain();
    expect(seen.sort()).toEqual(options.map((_o, i) => i));
    expect(e.broker.deadLetters()).toHaveLength(0);
  });
});

describe('eta on a normal queue (§3.2)', () => {
  it('holds a message sent with eta until then, drops a null eta, and makes a non-time eta due now with a WARNING', async () => {
    const e = makeEngine();
    const ran: [string, number][] = [];
    const a = actor(
      (tag: string) => void ran.push([tag, e.clock.now() - e.broker.journal.startAt]),
      {
        actorName: 'tick',
        broker: e.broker,
      },
    );
    const at = e.clock.now() + 5000;
    const held = a.sendWithOptions({ args: ['held'], eta: at });
    a.sendWithOptions({ args: ['null'], eta: null });
    a.sendWithOptions({ args: ['odd'], eta: 'soon' });
    const past = a.sendWithOptions({ args: ['past'], eta: e.clock.now() - 1000 });
    e.startWorker();
    await e.drain();
    // Due at once when its eta is past, ahead of what became ready after it (FIFO by due time).
    expect(ran).toEqual([
      ['past', 0],
      ['null', 0],
      ['odd', 0],
      ['held', 5000],
    ]);
    expect(e.history(past.messageId)[1]).toMatchObject({ kind: 'delayed', delay: 0 });
    expect(e.kinds(held.messageId)).toEqual([
      'enqueued',
      'delayed',
      'started',
      'succeeded',
      'acked',
    ]);
    expect(e.history(held.messageId)[1]!.delay).toBe(5000);
    expect(
      e.logger.records.filter((r) => r.level === 'WARNING' && /eta/.test(r.message)),
    ).toHaveLength(1);
  });
});

describe('delays as Dramatiq names them', () => {
  it('keeps a pipeline step built with delayMs as its delay option, and delays that step', async () => {
    const e = makeEngine();
    const ran: [string, number][] = [];
    const t = (): number => e.clock.now() - e.broker.journal.startAt;
    const first = actor(() => void ran.push(['first', t()]), {
      actorName: 'first',
      broker: e.broker,
    });
    const second = actor((_prev: unknown) => void ran.push(['second', t()]), {
      actorName: 'second',
      broker: e.broker,
    });
    const step = second.messageWithOptions({ delayMs: 500 });
    expect(step.options.delay).toBe(500);
    pipeline([first.message(), step], { broker: e.broker }).run();
    e.startWorker();
    await e.drain();
    expect(ran).toEqual([
      ['first', 0],
      ['second', 500],
    ]);
  });

  it('sends after `delay` given by its wire name, without keeping it as an option', async () => {
    const e = makeEngine();
    const a = actor(() => undefined, { actorName: 'later', broker: e.broker });
    const m = a.sendWithOptions({ delay: 250 });
    expect(m.options.delay).toBeUndefined();
    expect(m.queueName).toBe('default.DQ');
    e.startWorker();
    await e.drain();
    expect(e.history(m.messageId).find((x) => x.kind === 'started')!.t).toBe(250);
  });
});

describe('JSON as Python writes and reads it (§1.2)', () => {
  it('writes floats below 1e-4 as Python repr does, and keeps marker-like strings as strings', () => {
    expect(pyJsonStringify([0.00001, 0.000012345, 1e-7, -2.5e-10, 0.0001, 0.5, 1e-100])).toBe(
      '[1e-05,1.2345e-05,1e-07,-2.5e-10,0.0001,0.5,1e-100]',
    );
    // Wherever a number stands: alone, as an object value, after another item, beside NaN.
    expect(pyJsonStringify(1e-7)).toBe('1e-07');
    expect(pyJsonStringify(-0.00005)).toBe('-5e-05');
    expect(pyJsonStringify({ a: 1e-7, b: [1, 3e-6], c: { d: 0.00002 } })).toBe(
      '{"a":1e-07,"b":[1,3e-06],"c":{"d":2e-05}}',
    );
    expect(pyJsonStringify([NaN, 1e-7, null])).toBe('[NaN,1e-07,null]');
    // Strings that look like numbers or like the non-finite marker are left alone.
    const tricky = ['\u0000nonfinite:NaN', NaN, '0.00001', 'f3c8a43e-6b37'];
    const text = pyJsonStringify(tricky);
    expect(text).toBe('["\\u0000nonfinite:NaN",NaN,"0.00001","f3c8a43e-6b37"]');
    expect(pyJsonParse(text)).toEqual(tricky);
    expect(pyJsonParse('["\\u0000\\u006eonfinite:Infinity",-Infinity]')).toEqual([
      '\u0000nonfinite:Infinity',
      -Infinity,
    ]);
  });

  it('checks arguments when the message is sent, after the before_enqueue hooks, not when it is built', () => {
    const seen: string[] = [];
    class Spy extends Middleware {
      override beforeEnqueue(_b: Broker, m: Message): void {
        seen.push(m.actorName);
      }
    }
    const e = makeEngine({ middleware: [...defaultMiddleware(), new Spy()] });
    const a = actor((_f: unknown) => undefined, { actorName: 'bad', broker: e.broker });
    const built = a.message(() => 1);
    expect(() => encodeMessage(built)).toThrow(RehearsalError);
    let code = '';
    try {
      e.broker.enqueue(built);
    } catch (err) {
      code = (err as RehearsalError).code;
    }
    expect(code).toBe('NOT_JSON_SERIALIZABLE');
    expect(seen).toEqual(['bad']);
    expect(e.broker.pendingCount()).toBe(0);
    expect(e.events()).toHaveLength(0);
  });
});

describe('results and pipelines', () => {
  it('says a pipeline is completed through the Results middleware’s own backend', async () => {
    const values = new Map<string, unknown>();
    const backend: ResultBackend = {
      store: (m, v) => void values.set(m.messageId, v),
      lookup: (m): StoredResult =>
        values.has(m.messageId)
          ? { found: true, value: values.get(m.messageId) }
          : { found: false },
    };
    const mw = defaultMiddleware().map((m) =>
      m instanceof Results ? new Results({ backend }) : m,
    );
    const e = makeEngine({ middleware: mw });
    const one = actor(() => 1, { actorName: 'one', broker: e.broker, storeResults: true });
    const inc = actor((x: number) => x + 2, {
      actorName: 'inc',
      broker: e.broker,
      storeResults: true,
    });
    const p = pipeline([one.message(), inc.messageWithOptions()], { broker: e.broker }).run();
    expect(p.completed).toBe(false);
    e.startWorker();
    await e.drain();
    expect(p.completedCount).toBe(2);
    expect(p.completed).toBe(true);
  });

  it('treats an empty pipe_ignore list as false, as Python does', async () => {
    const e = makeEngine();
    const got: unknown[][] = [];
    const one = actor(() => 1, { actorName: 'one', broker: e.broker });
    const take = actor((...xs: unknown[]) => void got.push(xs), {
      actorName: 'take',
      broker: e.broker,
    });
    pipeline([one.message(), take.messageWithOptions({ args: ['a'], pipe_ignore: [] })], {
      broker: e.broker,
    }).run();
    e.startWorker();
    await e.drain();
    expect(got).toEqual([['a', 1]]);
  });
});
