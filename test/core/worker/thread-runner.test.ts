import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actor, RehearsalError, ThreadRunner, type Worker } from '../../../core/index.ts';
import {
  ACTORS_MODULE,
  BROKEN_MODULE,
  makeRealEngine,
  within,
  type RealEngine,
} from '../../fixtures/real-engine.ts';
import * as A from '../../fixtures/actors.ts';

// One engine for the file: starting worker threads (tsx, module import) is the slow part.
let dir = '';
let e: RealEngine & { worker: Worker; drain(): Promise<void> };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rehearsal-thread-runner-'));
  const engine = makeRealEngine({ file: join(dir, 'r.db'), shared: true });
  const runner = new ThreadRunner({ module: ACTORS_MODULE, dbFile: engine.file, threads: 2 });
  await runner.ready();
  const worker = engine.startWorker({ runner, threads: 2, workerTimeoutMs: 50 });
  e = { ...engine, worker, drain: () => within(worker.join(), 'draining the queue') };
});

afterAll(async () => {
  await e?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('ThreadRunner', () => {
  it('runs an actor in a worker thread and journals its JSON result', async () => {
    const m = A.add.send(2, 3);
    await e.drain();
    expect(e.kinds(m.messageId)).toEqual(['enqueued', 'started', 'succeeded', 'acked']);
    expect(e.history(m.messageId)[2]!.result).toBe(5);
    expect(e.history(m.messageId)[1]).toMatchObject({ worker: 0 });
  });

  it('passes non-empty kwargs as one final object argument', async () => {
    const m = A.echo.sendWithOptions({ args: [1, 'two'], kwargs: { three: 3 } });
    const n = A.echo.sendWithOptions({ args: [1] });
    await e.drain();
    expect(e.history(m.messageId).find((x) => x.kind === 'succeeded')!.result).toEqual([
      1,
      'two',
      { three: 3 },
    ]);
    expect(e.history(n.messageId).find((x) => x.kind === 'succeeded')!.result).toEqual([1]);
  });

  it('shows the delivery to CurrentMessage inside the thread', async () => {
    const m = A.whoami.send();
    await e.drain();
    expect(e.history(m.messageId).find((x) => x.kind === 'succeeded')!.result).toEqual({
      messageId: m.messageId,
      attempt: 1,
      label: null,
    });
  });

  it('rebuilds Retry with its delay, so the retry comes exactly that much later', async () => {
    const m = A.retryOnce.send();
    await e.drain();
    const h = e.history(m.messageId);
    const scheduled = h.find((x) => x.kind === 'retry_scheduled')!;
    expect(scheduled.delay).toBe(50);
    expect(scheduled.error).toEqual({ type: 'Retry', message: 'again' });
    expect(h.filter((x) => x.kind === 'failed')[0]!.error).toEqual({
      type: 'Retry',
      message: 'again',
    });
    expect(h.at(-2)).toMatchObject({ kind: 'succeeded', attempt: 2, result: 'second time lucky' });
    // Retry is not logged as an error (spec §4.4 step 4).
    expect(e.logger.messages('ERROR').filter((x) => x.includes('retryOnce'))).toEqual([]);
  });

  it('rebuilds SkipMessage, so the message is skipped and acked', async () => {
    const m = A.skipper.send();
    await e.drain();
    expect(e.kinds(m.messageId)).toEqual(['enqueued', 'started', 'skipped', 'acked']);
    expect(e.history(m.messageId)[2]!.error).toEqual({
      type: 'SkipMessage',
      message: 'not today',
    });
  });

  it('keeps a user error type, and matches a `throws` class across the thread boundary', async () => {
    const m = A.charge.send('4242');
    await e.drain();
    const h = e.history(m.messageId);
    expect(h.map((x) => x.kind)).toEqual(['enqueued', 'started', 'failed', 'dead_lettered']);
    expect(h[2]!.error).toEqual({ type: 'PaymentDeclined', message: 'card 4242 expired' });
    expect(e.logger.messages('INFO').join('\n')).toContain('with expected exception');
  });

  it('matches a `throws` name of a class the error inherits from, as in-process', async () => {
    const m = A.chargeByName.send();
    await e.drain();
    const h = e.history(m.messageId);
    expect(h.map((x) => x.kind)).toEqual(['enqueued', 'started', 'failed', 'dead_lettered']);
    expect(h[2]!.error).toEqual({ type: 'SlowGateway', message: 'no answer in 30 s' });
    expect(e.logger.messages('INFO').join('\n')).toContain(
      'chargeByName() with expected exception SlowGateway',
    );
    expect(e.logger.messages('ERROR').filter((x) => x.includes('chargeByName'))).toEqual([]);
  });

  it('fails an attempt whose result is not JSON with NOT_JSON_SERIALIZABLE', async () => {
    const m = A.badResult.send();
    await e.drain();
    const failed = e.history(m.messageId).find((x) => x.kind === 'failed')!;
    expect(failed.error!.type).toBe('RehearsalError');
    expect(failed.error!.message).toContain('result of actor badResult');
  });

  it('replaces a thread that exits on its own and keeps going', async () => {
    const crashed = A.crash.send();
    await e.drain();
    const after = A.add.send(20, 22);
    await e.drain();
    const failed = e.history(crashed.messageId).find((x) => x.kind === 'failed')!;
    expect(failed.error).toMatchObject({ type: 'RehearsalError' });
    expect(failed.error!.message).toContain('exited with code 3');
    expect(e.history(after.messageId).find((x) => x.kind === 'succeeded')!.result).toBe(42);
  });

  it('lets actor code in a thread send messages through the same database file', async () => {
    const m = A.fanOut.send(3);
    await e.drain();
    expect(e.history(m.messageId).find((x) => x.kind === 'succeeded')!.result).toBe(3);
    const sent = e
      .events()
      .filter(
        (x) => x.kind === 'enqueued' && x.actor === 'add' && x.seq > e.history(m.messageId)[1]!.seq,
      );
    expect(sent.map((x) => x.args)).toEqual([
      [0, 0],
      [1, 1],
      [2, 2],
    ]);
    const results = sent.map(
      (x) => e.history(x.messageId!).find((y) => y.kind === 'succeeded')?.result,
    );
    expect(results).toEqual([0, 2, 4]);
  });

  it('fails attempts with ACTOR_MODULE_FAILED when the module cannot be imported', async () => {
    const runner = new ThreadRunner({ module: BROKEN_MODULE, threads: 1 });
    try {
      const err = await runner.ready().then(
        () => null,
        (x: unknown) => x,
      );
      expect(err).toBeInstanceOf(RehearsalError);
      expect((err as RehearsalError).code).toBe('ACTOR_MODULE_FAILED');
      expect((err as RehearsalError).message).toContain('the config file is missing');
      expect((err as RehearsalError).message).toContain('broken-actors.ts');
    } finally {
      await runner.close();
    }
  });

  it('refuses a :memory: database, which threads cannot share', () => {
    expect(() => new ThreadRunner({ module: ACTORS_MODULE, dbFile: ':memory:' })).toThrow(
      /:memory:/,
    );
  });

  it('rejects an attempt for an actor the module does not export, naming the module', async () => {
    const ghost = actor(() => 1, { actorName: 'ghost', broker: e.broker, maxRetries: 0 });
    const m = ghost.send();
    await e.drain();
    const failed = e.history(m.messageId).find((x) => x.kind === 'failed')!;
    expect(failed.error!.message).toMatch(/`ghost` is not exported by .*actors\.ts/);
    expect(e.kinds(m.messageId).at(-1)).toBe('dead_lettered');
  });
});
