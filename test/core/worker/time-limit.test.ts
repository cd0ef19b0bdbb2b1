import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { actor, CurrentMessage, ThreadRunner, TimeLimitExceeded } from '../../../core/index.ts';
import { makeEngine } from '../../helpers/make-engine.ts';
import { tempDir } from '../../helpers/temp-db.ts';
import * as A from '../../fixtures/actors.ts';
import { ACTORS_MODULE, makeRealEngine, within } from '../../fixtures/real-engine.ts';

describe('time limits with the thread runner (real clock)', () => {
  it('stops a CPU loop that never yields, retries it once, then dead-letters it', async () => {
    const e = makeRealEngine();
    const marker = join(tempDir(), 'spin.log');
    // Two threads for one slot: the replacement of a terminated thread is starting while the
    // retry runs on the warm one, so the retry's time limit is spent running, not booting.
    const runner = new ThreadRunner({ module: ACTORS_MODULE, dbFile: e.file, threads: 2 });
    await runner.ready();
    const worker = e.startWorker({ runner, threads: 1, workerTimeoutMs: 50 });
    const t0 = Date.now();
    const m = A.spin.send(marker);
    await within(worker.join(), 'the spinning message to be dead-lettered', 20_000);
    const elapsed = Date.now() - t0;

    const h = e.history(m.messageId);
    expect(h.map((x) => x.kind)).toEqual([
      'enqueued',
      'started',
      'time_limited',
      'failed',
      'retry_scheduled',
      'enqueued',
      'delayed',
      'acked',
      'started',
      'time_limited',
      'failed',
      'dead_lettered',
    ]);
    const timeLimitExceeded = { type: 'TimeLimitExceeded', message: '' };
    for (const f of h.filter((x) => x.kind === 'failed' || x.kind === 'time_limited'))
      expect(f.error).toEqual(timeLimitExceeded);
    expect(h.filter((x) => x.kind === 'started').map((x) => x.attempt)).toEqual([1, 2]);
    // Each attempt ran for at least its 300 ms limit before it was stopped. The limit is armed
    // in before_process_message and the `started` row is written just after it, in the same turn;
    // journal times are whole ms, so when a ms boundary falls between the two the rows read 299.
    // (The clock's timers count the limit in its own `now()`: test/core/clock/real-clock.test.ts.)
    const started = h.filter((x) => x.kind === 'started');
    const limited = h.filter((x) => x.kind === 'time_limited');
    for (const i of [0, 1]) expect(limited[i]!.at - started[i]!.at).toBeGreaterThanOrEqual(299);
    // Both attempts really entered the loop in a thread.
    expect(readFileSync(marker, 'utf8')).toBe('1\n2\n');
    const dead = e.broker.deadLetters();
    expect(dead).toHaveLength(1);
    expect(dead[0]!.message.options.retries).toBe(2);
    expect(String(dead[0]!.message.options.traceback).split('\n').at(-1)).toBe('TimeLimitExceeded');
    expect(e.logger.messages('WARNING')).toContain(
      'Time limit exceeded. Raising exception in worker thread 0.',
    );
    // The terminated threads were replaced.
    expect(runner.liveThreads).toBe(2);
    expect(elapsed).toBeLessThan(10_000);
    console.log(`time limit: two 300 ms attempts stopped and dead-lettered in ${elapsed} ms`);
  });

  it('stops a thread that spins while holding the write lock, and the worker recovers', async () => {
    // The worker's own writes wait at most 1 s for the lock before they give up and retry.
    const e = makeRealEngine({ busyTimeoutMs: 1000 });
    const runner = new ThreadRunner({ module: ACTORS_MODULE, dbFile: e.file, threads: 1 });
    await runner.ready();
    const worker = e.startWorker({ runner, threads: 1, workerTimeoutMs: 50 });
    const m = A.spinInTransaction.send();
    await within(worker.join(), 'the lock-holding message to be dead-lettered', 20_000);

    expect(e.kinds(m.messageId)).toEqual([
      'enqueued',
      'started',
      'time_limited',
      'failed',
      'dead_lettered',
    ]);
    // Terminating the thread rolled its transaction back: the send inside it never happened.
    expect(e.events().filter((x) => x.actor === 'add')).toEqual([]);
    // While the thread held the lock the worker logged and retried instead of crashing.
    expect(e.logger.messages('WARNING').some((x) => x.includes('database stayed locked'))).toBe(
      true,
    );
    // And it keeps working afterwards.
    const after = A.add.send(1, 2);
    await within(worker.join(), 'a message after the recovery', 20_000);
    expect(e.kinds(after.messageId)).toEqual(['enqueued', 'started', 'succeeded', 'acked']);
  });
});

describe('time limits with the in-process runner (virtual clock)', () => {
  it('interrupts an async actor sleeping past its limit exactly at the limit', async () => {
    const e = makeEngine();
    let observed: unknown = null;
    const nap = actor(
      async (ms: number) => {
        try {
          await e.clock.sleep(ms, CurrentMessage.getAbortSignal()!);
        } catch (err) {
          observed = err;
          throw err;
        }
        return 'woke up';
      },
      { actorName: 'nap', broker: e.broker, timeLimit: 1000, maxRetries: 0 },
    );
    const m = nap.send(60_000);
    e.startWorker();
    await e.drain();

    const h = e.history(m.messageId);
    expect(h.map((x) => x.kind)).toEqual([
      'enqueued',
      'started',
      'time_limited',
      'failed',
      'dead_lettered',
    ]);
    const startedAt = h[1]!.at;
    expect(h[2]!.at - startedAt).toBe(1000);
    expect(h[3]!.at - startedAt).toBe(1000);
    expect(h[3]!.error).toEqual({ type: 'TimeLimitExceeded', message: '' });
    // The actor's sleep was aborted with the interrupt, so the run went idle at the limit.
    expect(observed).toBeInstanceOf(TimeLimitExceeded);
    expect(e.clock.now() - startedAt).toBe(1000);
  });

  it('abandons an actor that ignores the abort signal, failing the attempt at the limit', async () => {
    const e = makeEngine();
    let finishedAt: number | null = null;
    const stubborn = actor(
      async () => {
        await e.clock.sleep(5000);
        finishedAt = e.clock.now();
        return 'too late';
      },
      { actorName: 'stubborn', broker: e.broker, timeLimit: 1000, maxRetries: 0 },
    );
    const m = stubborn.send();
    e.startWorker();
    await e.drain();

    const h = e.history(m.messageId);
    expect(h.map((x) => x.kind)).toEqual([
      'enqueued',
      'started',
      'time_limited',
      'failed',
      'dead_lettered',
    ]);
    expect(h[3]!.at - h[1]!.at).toBe(1000);
    // Its code ran on to the end, but its late result was dropped.
    expect(finishedAt! - h[1]!.at).toBe(5000);
    expect(h.some((x) => x.kind === 'succeeded')).toBe(false);
  });
});
