/**
 * Dramatiq §4.4, processing one message: what a before hook can do to an attempt, the
 * "value discarded" warning, and the `throws` and `time_limit` edges of §6.1 and §5.4.2.
 */
import { describe, expect, it } from 'vitest';
import {
  actor,
  defaultMiddleware,
  getResult,
  Middleware,
  MiddlewareError,
  ResultFailure,
  Results,
  type Broker,
  type MessageProxy,
  type ProcessOutcome,
} from '../../../core/index.ts';
import { makeEngine } from '../../helpers/make-engine.ts';

class Refuse extends MiddlewareError {
  constructor() {
    super('REFUSED', 'refused by policy');
  }
}

/** A before hook that raises or marks the message failed, and records the after hook. */
class Gate extends Middleware {
  readonly seen: string[] = [];
  constructor(private readonly mode: 'raise' | 'fail') {
    super();
  }
  override beforeProcessMessage(_b: Broker, p: MessageProxy): void {
    if (p.options.gate === false) return;
    if (this.mode === 'raise') throw new Refuse();
    p.fail();
  }
  override afterProcessMessage(_b: Broker, _p: MessageProxy, o: ProcessOutcome): void {
    this.seen.push(
      o.ok ? `ok:${JSON.stringify(o.result ?? null)}` : `error:${String(o.exception)}`,
    );
  }
}

describe('processing one message (Dramatiq §4.4)', () => {
  it('treats a MiddlewareError from a before hook as the attempt failing: logged, retried, the actor never called', async () => {
    const gate = new Gate('raise');
    const e = makeEngine({ middleware: [gate, ...defaultMiddleware()] });
    let calls = 0;
    const a = actor(
      () => {
        calls++;
      },
      { actorName: 'guarded', broker: e.broker, maxRetries: 1, minBackoff: 10, maxBackoff: 10 },
    );
    const m = a.send();
    e.startWorker();
    await e.drain();
    expect(calls).toBe(0);
    expect(e.kinds(m.messageId)).toEqual([
      'enqueued',
      'failed',
      'retry_scheduled',
      'enqueued',
      'delayed',
      'acked',
      'failed',
      'dead_lettered',
    ]);
    expect(gate.seen).toEqual([
      'error:Refuse: refused by policy',
      'error:Refuse: refused by policy',
    ]);
    const errors = e.logger.records.filter((r) => r.level === 'ERROR' && /guarded/.test(r.message));
    expect(errors).toHaveLength(2);
  });

  it('does not call the actor of a message a before hook marked failed; after hooks see no result, and it is dead-lettered', async () => {
    const gate = new Gate('fail');
    const e = makeEngine({ middleware: [gate, ...defaultMiddleware()] });
    let calls = 0;
    const a = actor(
      () => {
        calls++;
        return 'ran';
      },
      { actorName: 'marked', broker: e.broker, storeResults: true },
    );
    const m = a.send();
    const open = a.sendWithOptions({ args: [], gate: false } as never);
    e.startWorker();
    await e.drain();
    expect(calls).toBe(1);
    // As Dramatiq: after_process_message stores the null result, then after_nack the failure.
    expect(e.kinds(m.messageId)).toEqual([
      'enqueued',
      'result_stored',
      'dead_lettered',
      'result_stored',
    ]);
    expect(e.kinds(open.messageId)).toEqual([
      'enqueued',
      'started',
      'succeeded',
      'result_stored',
      'acked',
    ]);
    expect(gate.seen).toEqual(['ok:null', 'ok:"ran"']);
    // Results stores the failure as Dramatiq's Exception("unknown") (§7: after_nack).
    const err = await getResult(e.broker, m).catch((x: unknown) => x);
    expect(err).toBeInstanceOf(ResultFailure);
    expect((err as ResultFailure).origExcType).toBe('Exception');
    expect((err as ResultFailure).origExcMsg).toBe('unknown');
  });

  it('warns that a returned value is discarded only without a Results middleware and outside a pipeline', async () => {
    const warned = async (withResults: boolean): Promise<string[]> => {
      const mw = defaultMiddleware().filter((m) => withResults || !(m instanceof Results));
      const e = makeEngine({ middleware: mw });
      const a = actor(() => 42, { actorName: 'answer', broker: e.broker });
      const quiet = actor(() => null, { actorName: 'quiet', broker: e.broker });
      a.send();
      quiet.send();
      e.startWorker();
      await e.drain();
      return e.logger.records
        .filter((r) => r.level === 'WARNING' && /discarded/.test(r.message))
        .map((r) => r.message);
    };
    const without = await warned(false);
    expect(without).toHaveLength(1);
    expect(without[0]).toContain("Actor 'answer' returned a value that is not None");
    expect(await warned(true)).toEqual([]);
  });
});

describe('throws and time_limit edges', () => {
  it('matches a throws name against the classes an error inherits from, as isinstance does', async () => {
    class ValueError extends Error {}
    class BadAmount extends ValueError {}
    const e = makeEngine();
    const a = actor(
      () => {
        throw new BadAmount('negative');
      },
      { actorName: 'pay', broker: e.broker, throws: ['ValueError'], maxRetries: 3 },
    );
    const m = a.send();
    e.startWorker();
    await e.drain();
    expect(e.kinds(m.messageId)).toEqual(['enqueued', 'started', 'failed', 'dead_lettered']);
    expect(
      e.logger.records.some((r) => r.level === 'INFO' && /expected exception/.test(r.message)),
    ).toBe(true);
  });

  it('interrupts at once an attempt whose actor sets time_limit to 0', async () => {
    const e = makeEngine();
    const slow = actor(
      async () => {
        await e.clock.sleep(5000);
      },
      { actorName: 'slow', broker: e.broker, timeLimit: 0, maxRetries: 0 },
    );
    const m = slow.send();
    e.startWorker();
    await e.drain();
    expect(e.kinds(m.messageId)).toEqual([
      'enqueued',
      'started',
      'time_limited',
      'failed',
      'dead_lettered',
    ]);
    expect(e.history(m.messageId).at(-1)!.t).toBeLessThan(5000);
  });
});
