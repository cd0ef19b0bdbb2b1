import { describe, expect, it } from 'vitest';
import { actor, defaultMiddleware } from '../../../core/index.ts';
import { makeEngine } from '../../helpers/make-engine.ts';

describe('AgeLimit (checklist 16)', () => {
  it('does not run a message older than max_age: it is dead-lettered with a SkipMessage failure', async () => {
    const e = makeEngine();
    let runs = 0;
    const onFail: unknown[] = [];
    actor((_d: unknown, err: unknown) => void onFail.push(err), {
      actorName: 'failed',
      broker: e.broker,
    });
    const a = actor(() => void runs++, {
      actorName: 'a',
      broker: e.broker,
      maxAge: 1000,
      onFailure: 'failed',
    });
    const m = a.sendWithOptions({ delayMs: 1000 });
    e.startWorker();
    await e.drain();
    expect(runs).toBe(0);
    expect(e.kinds(m.messageId)).toEqual([
      'enqueued',
      'delayed',
      'age_limited',
      'skipped',
      'dead_lettered',
    ]);
    const dead = e.history(m.messageId).find((x) => x.kind === 'dead_lettered')!;
    expect(dead.error).toEqual({ type: 'SkipMessage', message: 'Message age limit exceeded' });
    expect(e.broker.deadLetters()).toHaveLength(1);
    expect(e.logger.messages('WARNING')).toContain(
      `Message '${m.messageId}' has exceeded its age limit.`,
    );
    // A skip produces no callbacks, not even on_failure.
    expect(onFail).toEqual([]);
  });

  it('runs a message that is just younger than max_age', async () => {
    const e = makeEngine();
    let runs = 0;
    const a = actor(() => void runs++, { actorName: 'a', broker: e.broker, maxAge: 1000 });
    a.sendWithOptions({ delayMs: 999 });
    e.startWorker();
    await e.drain();
    expect(runs).toBe(1);
    expect(e.broker.deadLetters()).toEqual([]);
  });

  it('measures age from message_timestamp, so time spent between retries counts', async () => {
    const e = makeEngine();
    const starts: number[] = [];
    const a = actor(
      () => {
        starts.push(e.clock.now());
        throw new Error('x');
      },
      {
        actorName: 'a',
        broker: e.broker,
        maxAge: 2500,
        minBackoff: 1000,
        maxBackoff: 1000,
        maxRetries: 10,
      },
    );
    const m = a.send();
    e.startWorker();
    await e.drain();
    // With max_backoff 1000 every delay lies in [500, 1000]: some attempts fit, then it ages out.
    const t0 = m.messageTimestamp;
    for (const t of starts) expect(t - t0).toBeLessThan(2500);
    const aged = e.history(m.messageId).find((x) => x.kind === 'age_limited')!;
    expect(aged.at - t0).toBeGreaterThanOrEqual(2500);
    expect(e.kinds(m.messageId).at(-1)).toBe('dead_lettered');
    expect(e.broker.deadLetters()[0]!.message.options.retries).toBe(starts.length);
  });

  it('applies no age limit by default', async () => {
    const e = makeEngine();
    let runs = 0;
    const a = actor(() => void runs++, { actorName: 'a', broker: e.broker });
    a.sendWithOptions({ delayMs: 30 * 86_400_000 });
    e.startWorker({ leaseMs: 60 * 86_400_000 });
    await e.drain();
    expect(runs).toBe(1);
  });

  it('uses the middleware max_age when neither the actor nor the message sets one', async () => {
    const e = makeEngine({ middleware: defaultMiddleware({ maxAgeMs: 500 }) });
    let runs = 0;
    const a = actor(() => void runs++, { actorName: 'a', broker: e.broker });
    a.sendWithOptions({ delayMs: 600 });
    a.sendWithOptions({ delayMs: 400 });
    e.startWorker();
    await e.drain();
    expect(runs).toBe(1);
    expect(e.broker.deadLetters()).toHaveLength(1);
  });
});
