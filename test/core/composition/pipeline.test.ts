import { describe, expect, it } from 'vitest';
import {
  actor,
  group,
  pipeline,
  getResult,
  ResultFailure,
  ResultMissing,
  RehearsalError,
} from '../../../core/index.ts';
import { makeEngine } from '../../helpers/make-engine.ts';

describe('pipelines', () => {
  it('appends each result as the last positional argument of the next step unless pipe_ignore', async () => {
    const e = makeEngine();
    const calls: unknown[][] = [];
    const add = actor((x: number, y: number) => (calls.push(['add', x, y]), x + y), {
      actorName: 'add',
      broker: e.broker,
      storeResults: true,
    });
    const double = actor((x: number) => (calls.push(['double', x]), x * 2), {
      actorName: 'double',
      broker: e.broker,
      storeResults: true,
    });
    const notify = actor((...a: unknown[]) => (calls.push(['notify', ...a]), 'ok'), {
      actorName: 'notify',
      broker: e.broker,
      storeResults: true,
    });
    const p = pipeline(
      [
        add.message(1, 2),
        double.messageWithOptions(),
        notify.messageWithOptions({ args: ['done'], pipeIgnore: true }),
      ],
      { broker: e.broker },
    );
    p.run();
    e.startWorker();
    await e.drain();
    expect(calls).toEqual([
      ['add', 1, 2],
      ['double', 3],
      ['notify', 'done'],
    ]);
    expect(await p.getResults()).toEqual([3, 6, 'ok']);
    expect(await p.getResult()).toBe('ok');
    expect(p.completedCount).toBe(3);
  });

  it('stops at a failed step: later steps are never enqueued', async () => {
    const e = makeEngine();
    const ran: string[] = [];
    const a = actor(
      () => {
        ran.push('a');
        return 1;
      },
      { actorName: 'a', broker: e.broker, storeResults: true },
    );
    const b = actor(
      () => {
        ran.push('b');
        throw new Error('nope');
      },
      { actorName: 'b', broker: e.broker, storeResults: true, maxRetries: 0 },
    );
    const c = actor(
      () => {
        ran.push('c');
      },
      { actorName: 'c', broker: e.broker, storeResults: true },
    );
    const p = pipeline([a.message(), b.message(), c.message()], { broker: e.broker }).run();
    e.startWorker();
    await e.drain();
    expect(ran).toEqual(['a', 'b']);
    await expect(p.getResults()).rejects.toThrow(ResultFailure);
    await expect(getResult(e.broker, p.messages[1]!)).rejects.toThrow('actor raised Error: nope');
    await expect(getResult(e.broker, p.messages[2]!)).rejects.toThrow(ResultMissing);
    // As Dramatiq's properties, which only catch ResultMissing: the failure surfaces.
    expect(() => p.completedCount).toThrow(ResultFailure);
    expect(() => p.completed).not.toThrow();
    expect(p.completed).toBe(false);
    const g = group([a.message(), b.message(), c.message()], { broker: e.broker }).run();
    await e.drain();
    expect(() => g.completedCount).toThrow('actor raised Error: nope');
    const slow = actor(() => e.broker.clock.sleep(60_000), {
      actorName: 'slow',
      broker: e.broker,
      storeResults: true,
    });
    const h = group([a.message(), slow.message(), a.message()], { broker: e.broker }).run();
    await e.drain({ untilMs: e.broker.clock.now() + 1_000 });
    // Leading children only: the third has its result, the second not yet.
    expect(h.completedCount).toBe(1);
    expect(h.completed).toBe(false);
  });

  it('refuses an empty pipeline and an empty group with coded errors', () => {
    const e = makeEngine();
    expect(() => pipeline([], { broker: e.broker })).toThrow(RehearsalError);
    expect(() => group([], { broker: e.broker })).toThrow(/at least one child/);
  });
});

describe('groups', () => {
  it('returns results in child order and runs completion callbacks exactly once after the last child', async () => {
    const e = makeEngine();
    const done: unknown[] = [];
    const slow = actor(
      async (ms: number) => {
        await e.clock.sleep(ms);
        return ms;
      },
      { actorName: 'slow', broker: e.broker, storeResults: true },
    );
    const inc = actor((x: number) => x + 1, {
      actorName: 'inc',
      broker: e.broker,
      storeResults: true,
    });
    const finish = actor(
      (tag: string) => {
        done.push([tag, e.clock.now()]);
      },
      { actorName: 'finish', broker: e.broker },
    );
    const g = group(
      [
        slow.message(300),
        slow.message(100),
        pipeline([slow.message(50), inc.messageWithOptions()], { broker: e.broker }),
      ],
      { broker: e.broker },
    );
    g.addCompletionCallback(finish.message('all'));
    const t0 = e.clock.now();
    g.run();
    e.startWorker();
    await e.drain();
    expect(await g.getResults()).toEqual([300, 100, 51]);
    expect(done).toHaveLength(1);
    expect((done[0] as [string, number])[1] - t0).toBeGreaterThanOrEqual(300);
    const kinds = e.events().map((x) => x.kind);
    expect(kinds.filter((k) => k === 'group_completed')).toHaveLength(1);
  });
});
