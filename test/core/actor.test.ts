import { describe, expect, it } from 'vitest';
import {
  actor,
  CurrentMessage,
  defaultMiddleware,
  fromMessageData,
  Middleware,
  RehearsalError,
  toMessageData,
} from '../../core/index.ts';
import { makeEngine } from '../helpers/make-engine.ts';

function thrown(fn: () => unknown): RehearsalError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(RehearsalError);
    return err as RehearsalError;
  }
  throw new Error('expected a RehearsalError');
}

describe('actor options (checklist 2)', () => {
  it('accepts exactly the option names of the default middleware stack (Results included, README)', () => {
    const e = makeEngine();
    expect([...e.broker.actorOptions].sort()).toEqual(
      [
        'max_age',
        'time_limit',
        'notify_shutdown',
        'on_success',
        'on_failure',
        'pipe_ignore',
        'pipe_target',
        'max_retries',
        'min_backoff',
        'max_backoff',
        'retry_when',
        'throws',
        'on_retry_exhausted',
        'store_results',
        'result_ttl',
      ].sort(),
    );
  });

  it('rejects an unknown camelCase option with UNKNOWN_ACTOR_OPTION naming the actor, the option and the closest camelCase option', () => {
    const e = makeEngine();
    const err = thrown(() =>
      actor(() => 1, { actorName: 'send_email', broker: e.broker, maxRetires: 3 }),
    );
    expect(err.code).toBe('UNKNOWN_ACTOR_OPTION');
    expect(err.message).toContain('`maxRetires`');
    expect(err.message).toContain('`send_email`');
    expect(err.message).toContain('did you mean `maxRetries`?');
    expect(err.details).toMatchObject({
      actor: 'send_email',
      option: 'maxRetires',
      suggestion: 'maxRetries',
    });
  });

  it('rejects an unknown snake_case option with the closest snake_case option', () => {
    const e = makeEngine();
    const err = thrown(() =>
      actor(() => 1, { actorName: 'send_email', broker: e.broker, max_retires: 3 }),
    );
    expect(err.code).toBe('UNKNOWN_ACTOR_OPTION');
    expect(err.message).toContain('`max_retires`');
    expect(err.message).toContain('did you mean `max_retries`?');
    expect(err.details).toMatchObject({ option: 'max_retires', suggestion: 'max_retries' });
  });

  it('names the missing middleware when an option belongs to one that is not on the broker', () => {
    const e = makeEngine({ middleware: defaultMiddleware({ disable: ['Retries'] }) });
    const err = thrown(() => actor(() => 1, { actorName: 'a', broker: e.broker, maxRetries: 3 }));
    expect(err.code).toBe('UNKNOWN_ACTOR_OPTION');
    expect(err.message).toContain('Retries middleware');
    const bare = makeEngine({ middleware: defaultMiddleware({ disable: ['Results'] }) });
    const results = thrown(() =>
      actor(() => 1, { actorName: 'b', broker: bare.broker, store_results: true }),
    );
    expect(results.message).toContain('Results middleware');
  });

  it('accepts an option declared by a custom middleware, in either spelling', () => {
    class Tagging extends Middleware {
      override readonly actorOptions = new Set(['audit_tag']);
    }
    const e = makeEngine({ middleware: [...defaultMiddleware(), new Tagging()] });
    const a = actor(() => 1, { actorName: 'a', broker: e.broker, audit_tag: 'x' });
    const b = actor(() => 1, { actorName: 'b', broker: e.broker, auditTag: 'y' });
    expect(a.options.audit_tag).toBe('x');
    expect(b.options.audit_tag).toBe('y');
  });

  it('carries unknown message-level options unchanged on the wire, keys included', async () => {
    const e = makeEngine();
    let seen: Record<string, unknown> = {};
    const a = actor(
      () => {
        seen = { ...CurrentMessage.getCurrentMessage()!.options };
      },
      { actorName: 'a', broker: e.broker },
    );
    const sent = a.sendWithOptions({
      traceId: 'abc',
      custom_flag: { nested: [1, 'é'] },
      maxRetries: 2,
    });
    expect(sent.options).toEqual({
      traceId: 'abc',
      custom_flag: { nested: [1, 'é'] },
      max_retries: 2,
    });
    e.startWorker();
    await e.drain();
    expect(seen).toEqual({ traceId: 'abc', custom_flag: { nested: [1, 'é'] }, max_retries: 2 });
  });
});

describe('queue names and actor names (checklist 3)', () => {
  it.each(['default', '_private', 'a.b-c_1', 'Q9', 'emails.high', 'x-'])(
    'accepts the queue name %j',
    (q) => {
      const e = makeEngine();
      const a = actor(() => 1, { actorName: 'a', queueName: q, broker: e.broker });
      expect(a.queueName).toBe(q);
      expect(e.broker.getDeclaredQueues()).toContain(q);
    },
  );

  it.each(['9lives', '-dash', '.dot', 'has space', '', 'a/b', 'café', 'q!'])(
    'rejects the queue name %j with INVALID_QUEUE_NAME naming it and the actor',
    (q) => {
      const e = makeEngine();
      const err = thrown(() => actor(() => 1, { actorName: 'a', queueName: q, broker: e.broker }));
      expect(err.code).toBe('INVALID_QUEUE_NAME');
      expect(err.message).toContain(JSON.stringify(q));
      expect(err.message).toContain('`a`');
      expect(e.broker.getDeclaredQueues()).not.toContain(q);
    },
  );

  it('rejects a second actor with the same name on one broker with DUPLICATE_ACTOR', () => {
    const e = makeEngine();
    actor(() => 1, { actorName: 'dup', broker: e.broker });
    const err = thrown(() => actor(() => 2, { actorName: 'dup', broker: e.broker }));
    expect(err.code).toBe('DUPLICATE_ACTOR');
    expect(err.message).toContain('`dup`');
    expect(e.broker.getActor('dup')!.fn()).toBe(1);
  });

  it('allows the same actor name on two different brokers', () => {
    const one = makeEngine();
    const two = makeEngine();
    actor(() => 1, { actorName: 'same', broker: one.broker });
    expect(() => actor(() => 2, { actorName: 'same', broker: two.broker })).not.toThrow();
  });

  it('takes the function name as the actor name and "default" as the queue when none is given', () => {
    const e = makeEngine();
    function sendReminder(): void {}
    const a = actor(sendReminder, { broker: e.broker });
    expect(a.actorName).toBe('sendReminder');
    expect(a.queueName).toBe('default');
    expect(a.priority).toBe(0);
  });
});

describe('building and sending messages', () => {
  it('passes args positionally and non-empty kwargs as one final object argument', async () => {
    const e = makeEngine();
    const calls: unknown[][] = [];
    const a = actor((...args: unknown[]) => void calls.push(args), {
      actorName: 'a',
      broker: e.broker,
    });
    a.send(1, 'two');
    a.sendWithOptions({ args: [1], kwargs: { y: 2 } });
    a.sendWithOptions({ kwargs: {} });
    e.startWorker({ threads: 1 });
    await e.drain();
    expect(calls).toEqual([[1, 'two'], [1, { y: 2 }], []]);
  });

  it('runs the function directly, without any middleware, when called as actor.fn', () => {
    const e = makeEngine();
    const add = actor((x: number, y: number) => x + y, { actorName: 'add', broker: e.broker });
    expect(add.fn(2, 3)).toBe(5);
    expect(e.events().filter((x) => x.kind === 'enqueued')).toEqual([]);
  });

  it('replaces an actor given as on_success/on_failure by its name and rejects anything else with INVALID_CALLBACK', () => {
    const e = makeEngine();
    const done = actor(() => undefined, { actorName: 'done', broker: e.broker });
    const a = actor(() => 1, { actorName: 'a', broker: e.broker, onFailure: done });
    expect(a.options.on_failure).toBe('done');
    const m = a.messageWithOptions({ onSuccess: done });
    expect(m.options.on_success).toBe('done');
    const err = thrown(() => a.messageWithOptions({ on_success: 42 }));
    expect(err.code).toBe('INVALID_CALLBACK');
    expect(err.message).toContain('on_success');
  });

  it('builds a message without enqueueing it', () => {
    const e = makeEngine();
    const a = actor((x: number) => x, { actorName: 'a', broker: e.broker });
    const m = a.message(7);
    expect(m).toMatchObject({ queueName: 'default', actorName: 'a', args: [7], options: {} });
    expect(e.broker.pendingCount()).toBe(0);
    expect(e.events().some((x) => x.kind === 'enqueued')).toBe(false);
  });

  it('refuses arguments that are not JSON-encodable at send time and stores nothing', () => {
    const e = makeEngine();
    const a = actor((x: unknown) => x, { actorName: 'a', broker: e.broker });
    const err = thrown(() => a.send(() => 1));
    expect(err.code).toBe('NOT_JSON_SERIALIZABLE');
    expect(thrown(() => a.send(new Map())).code).toBe('NOT_JSON_SERIALIZABLE');
    expect(e.broker.pendingCount()).toBe(0);
  });

  it('rejects a non-integer priority', () => {
    const e = makeEngine();
    const err = thrown(() => actor(() => 1, { actorName: 'a', broker: e.broker, priority: 1.5 }));
    expect(err.code).toBe('INVALID_ACTOR_PRIORITY');
  });
});

/** Records the attempts of one actor and what it saw. */
function recorder() {
  const times: number[] = [];
  return {
    times,
    fn: (e: { clock: { now(): number } }, failTimes = Infinity) => {
      return () => {
        times.push(e.clock.now());
        if (times.length <= failTimes) throw new Error('boom');
      };
    },
  };
}

describe('option precedence (§2.4)', () => {
  describe('max_retries, min_backoff, max_backoff: the message wins when the key is present, even 0 or null', () => {
    it('a message max_retries of 0 overrides the actor value', async () => {
      const e = makeEngine();
      const r = recorder();
      const a = actor(r.fn(e), { actorName: 'a', broker: e.broker, maxRetries: 5, minBackoff: 1 });
      a.sendWithOptions({ max_retries: 0 });
      e.startWorker();
      await e.drain();
      expect(r.times).toHaveLength(1);
      expect(e.broker.deadLetters()).toHaveLength(1);
    });

    it('a message max_retries of null means retry forever, overriding the actor value', async () => {
      const e = makeEngine();
      const r = recorder();
      const a = actor(r.fn(e, 30), {
        actorName: 'a',
        broker: e.broker,
        maxRetries: 1,
        minBackoff: 1,
        maxBackoff: 10,
      });
      a.sendWithOptions({ max_retries: null });
      e.startWorker();
      await e.drain();
      expect(r.times).toHaveLength(31);
      expect(e.broker.deadLetters()).toHaveLength(0);
    });

    it('the actor value applies when the message has no key, and the middleware default when neither has one', async () => {
      const e = makeEngine({
        middleware: defaultMiddleware({ retries: { maxRetries: 2, minBackoffMs: 1 } }),
      });
      const r1 = recorder();
      const r2 = recorder();
      actor(r1.fn(e), { actorName: 'withActor', broker: e.broker, maxRetries: 4 }).send();
      actor(r2.fn(e), { actorName: 'withDefault', broker: e.broker }).send();
      e.startWorker();
      await e.drain();
      expect(r1.times).toHaveLength(5);
      expect(r2.times).toHaveLength(3);
    });

    it('a message min_backoff of 0 is honoured (retries immediately) although the actor sets one', async () => {
      const e = makeEngine();
      const r = recorder();
      const a = actor(r.fn(e), {
        actorName: 'a',
        broker: e.broker,
        maxRetries: 3,
        minBackoff: 60_000,
      });
      a.sendWithOptions({ min_backoff: 0 });
      e.startWorker();
      await e.drain();
      expect(r.times).toEqual([r.times[0], r.times[0], r.times[0], r.times[0]]);
    });

    it('a message max_backoff caps the backoff although the actor allows more', async () => {
      const e = makeEngine();
      const a = actor(
        () => {
          throw new Error('x');
        },
        { actorName: 'a', broker: e.broker, maxRetries: 6, minBackoff: 1000, maxBackoff: 1e9 },
      );
      const m = a.sendWithOptions({ max_backoff: 3000 });
      e.startWorker();
      await e.drain();
      const delays = e
        .history(m.messageId)
        .filter((x) => x.kind === 'retry_scheduled')
        .map((x) => x.delay!);
      expect(delays).toHaveLength(6);
      for (const d of delays) expect(d).toBeLessThanOrEqual(3000);
    });
  });

  describe('max_age, time_limit: the message wins when truthy, so a message 0 is ignored', () => {
    it('a message max_age of 0 falls back to the actor max_age', async () => {
      const e = makeEngine();
      const r = recorder();
      const a = actor(r.fn(e, 0), { actorName: 'a', broker: e.broker, maxAge: 1000 });
      a.sendWithOptions({ max_age: 0, delayMs: 5000 });
      e.startWorker();
      await e.drain();
      expect(r.times).toEqual([]);
      expect(e.broker.deadLetters()).toHaveLength(1);
    });

    it('a truthy message max_age overrides the actor max_age', async () => {
      const e = makeEngine();
      const r = recorder();
      const a = actor(r.fn(e, 0), { actorName: 'a', broker: e.broker, maxAge: 1000 });
      a.sendWithOptions({ max_age: 10_000, delayMs: 5000 });
      e.startWorker();
      await e.drain();
      expect(r.times).toHaveLength(1);
    });

    it('a message time_limit of 0 falls back to the actor time_limit, a truthy one overrides it', async () => {
      const e = makeEngine();
      const ended: number[] = [];
      const slow = actor(
        async () => {
          await e.broker.clock.sleep(2000, CurrentMessage.getAbortSignal() ?? undefined);
          ended.push(e.clock.now());
        },
        { actorName: 'slow', broker: e.broker, timeLimit: 1000, maxRetries: 0 },
      );
      const zero = slow.sendWithOptions({ time_limit: 0 });
      const more = slow.sendWithOptions({ time_limit: 5000 });
      e.startWorker();
      await e.drain();
      expect(e.kinds(zero.messageId)).toContain('time_limited');
      expect(e.kinds(more.messageId)).not.toContain('time_limited');
      expect(ended).toHaveLength(1);
    });
  });

  describe('on_success, on_failure, throws, on_retry_exhausted: the message wins when truthy, else the actor', () => {
    it('routes callbacks to the message targets, or to the actor targets when the message has none', async () => {
      const e = makeEngine();
      const got: string[] = [];
      for (const name of ['actorOk', 'msgOk', 'actorFail', 'msgFail'])
        actor(() => void got.push(name), { actorName: name, broker: e.broker });
      const ok = actor(() => 1, { actorName: 'ok', broker: e.broker, onSuccess: 'actorOk' });
      const bad = actor(
        () => {
          throw new Error('x');
        },
        { actorName: 'bad', broker: e.broker, onFailure: 'actorFail', maxRetries: 0 },
      );
      ok.send();
      ok.sendWithOptions({ on_success: 'msgOk' });
      ok.sendWithOptions({ on_success: '' });
      bad.send();
      bad.sendWithOptions({ onFailure: 'msgFail' });
      e.startWorker({ threads: 1 });
      await e.drain();
      expect(got.sort()).toEqual(['actorFail', 'actorOk', 'actorOk', 'msgFail', 'msgOk']);
    });

    it('a message throws list overrides the actor one; an empty message list falls back to it', async () => {
      const e = makeEngine();
      class Fatal extends Error {
        override name = 'Fatal';
      }
      const runs: string[] = [];
      const a = actor(
        (tag: string) => {
          runs.push(tag);
          throw new Fatal('no');
        },
        { actorName: 'a', broker: e.broker, throws: ['Other'], maxRetries: 1, minBackoff: 1 },
      );
      a.sendWithOptions({ args: ['msg'], throws: ['Fatal'] });
      a.sendWithOptions({ args: ['empty'], throws: [] });
      e.startWorker({ threads: 1 });
      await e.drain();
      expect(runs.filter((r) => r === 'msg')).toHaveLength(1);
      expect(runs.filter((r) => r === 'empty')).toHaveLength(2);
    });
  });

  describe('retry_when: the actor (or the middleware), never the message', () => {
    it('ignores a retry_when option on the message', async () => {
      const e = makeEngine();
      const r = recorder();
      const a = actor(r.fn(e), {
        actorName: 'a',
        broker: e.broker,
        maxRetries: 1,
        minBackoff: 1,
      });
      a.sendWithOptions({ retry_when: 'always' });
      e.startWorker();
      await e.drain();
      expect(r.times).toHaveLength(2);
    });

    it('uses the middleware retry_when when the actor has none, and the actor one over it', async () => {
      const e = makeEngine({
        middleware: defaultMiddleware({
          retries: { minBackoffMs: 1, retryWhen: (retries) => retries < 3 },
        }),
      });
      const r1 = recorder();
      const r2 = recorder();
      actor(r1.fn(e), { actorName: 'mw', broker: e.broker, maxRetries: 0 }).send();
      actor(r2.fn(e), {
        actorName: 'own',
        broker: e.broker,
        retryWhen: (retries: number) => retries < 1,
      }).send();
      e.startWorker();
      await e.drain();
      expect(r1.times).toHaveLength(4);
      expect(r2.times).toHaveLength(2);
    });
  });

  describe('notify_shutdown: the message when not null, else the actor when not null, else the middleware', () => {
    it('interrupts on shutdown only the attempts whose resolved notify_shutdown is true', async () => {
      const e = makeEngine();
      const outcome = new Map<string, string>();
      const work = async (tag: string): Promise<void> => {
        try {
          await e.broker.clock.sleep(10_000, CurrentMessage.getAbortSignal() ?? undefined);
          outcome.set(tag, 'finished');
        } catch (err) {
          outcome.set(tag, (err as Error).name);
          throw err;
        }
      };
      const notified = actor(work, {
        actorName: 'notified',
        broker: e.broker,
        notifyShutdown: true,
        maxRetries: 0,
      });
      const plain = actor(work, { actorName: 'plain', broker: e.broker, maxRetries: 0 });
      notified.send('actor-true');
      notified.sendWithOptions({ args: ['msg-false'], notify_shutdown: false });
      notified.sendWithOptions({ args: ['msg-null'], notify_shutdown: null });
      plain.send('default');
      plain.sendWithOptions({ args: ['msg-true'], notifyShutdown: true });
      const w = e.startWorker();
      await e.drain({ untilMs: e.clock.now() + 100 });
      const stopping = w.stop();
      await e.drain();
      await stopping;
      expect(Object.fromEntries(outcome)).toEqual({
        'actor-true': 'Shutdown',
        'msg-false': 'finished',
        'msg-null': 'Shutdown',
        default: 'finished',
        'msg-true': 'Shutdown',
      });
    });
  });

  describe('pipe_ignore: the receiving message if truthy, else the producing actor', () => {
    it('appends the result unless the next message or the producing actor says pipe_ignore', async () => {
      const e = makeEngine();
      const got: unknown[][] = [];
      const next = actor((...args: unknown[]) => void got.push(args), {
        actorName: 'next',
        broker: e.broker,
      });
      const produce = actor(() => 'R', { actorName: 'produce', broker: e.broker });
      const quiet = actor(() => 'Q', { actorName: 'quiet', broker: e.broker, pipeIgnore: true });
      const target = (ignore: boolean): Record<string, unknown> =>
        toMessageData(
          next.messageWithOptions({ args: [ignore ? 'ign' : 'app'], pipeIgnore: ignore }),
        );
      produce.sendWithOptions({ pipe_target: target(false) });
      produce.sendWithOptions({ pipe_target: target(true) });
      quiet.sendWithOptions({ pipe_target: target(false) });
      e.startWorker({ threads: 1 });
      await e.drain();
      expect(got).toEqual([['app', 'R'], ['ign'], ['app']]);
      expect(fromMessageData(target(false)).actorName).toBe('next');
    });
  });
});
