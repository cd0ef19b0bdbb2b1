import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { JournalEvent } from '../../../core/index.ts';
import * as A from '../../fixtures/actors.ts';
import {
  makeRealEngine,
  spawnWorkerChild,
  until,
  within,
  type Child,
} from '../../fixtures/real-engine.ts';

/** Waits until every child printed that it is consuming. */
async function allStarted(children: Child[]): Promise<void> {
  const outputs = (): string => children.map((c) => c.output()).join('\n---\n');
  await until(
    () => {
      const dead = children.find((c) => c.proc.exitCode !== null || c.proc.signalCode !== null);
      if (dead)
        throw new Error(`a worker process exited early (${dead.proc.exitCode})\n${outputs()}`);
      return children.every((c) => c.output().includes('started'));
    },
    'every worker process to start',
    { timeoutMs: 40_000 },
  ).catch((err: Error) => {
    throw new Error(`${err.message}\n${outputs()}`);
  });
}

/** Stops the children with SIGTERM (graceful) and returns their exit codes. */
async function stopAll(children: Child[]): Promise<(number | string)[]> {
  for (const c of children) c.proc.kill('SIGTERM');
  return within(Promise.all(children.map((c) => c.exited)), 'worker processes to exit', 20_000);
}

/** Counts of each kind per message id. */
function countsByMessage(events: JournalEvent[]): Map<string, Record<string, number>> {
  const out = new Map<string, Record<string, number>>();
  for (const ev of events) {
    if (!ev.messageId) continue;
    const c = out.get(ev.messageId) ?? {};
    c[ev.kind] = (c[ev.kind] ?? 0) + 1;
    out.set(ev.messageId, c);
  }
  return out;
}

describe('several worker processes on one database file', () => {
  it('four processes × four slots drain 2,000 messages: each runs and is acked exactly once, journal seq has no gaps', async () => {
    const e = makeRealEngine();
    const children = [1, 2, 3, 4].map((index) =>
      spawnWorkerChild({ db: e.file, index, threads: 4, 'worker-timeout-ms': 100 }),
    );
    await allStarted(children);
    // Enqueued by another process after the workers went idle: they must notice by polling.
    const t0 = Date.now();
    // Each message does 2 ms of (sleeping) work, as real actors do: a no-op actor lets the first
    // process hold SQLite's write lock almost back to back (the lock is not fair), so the others
    // would rarely get a turn and the test would not show several processes sharing the queue.
    const ids = e.broker.batch(() => Array.from({ length: 2000 }, () => A.slow.send(2).messageId));
    await until(() => e.broker.pendingCount() === 0, 'all 2,000 messages to be acked', {
      timeoutMs: 60_000,
      everyMs: 50,
    });
    const drainMs = Date.now() - t0;
    const codes = await stopAll(children);
    expect(codes, children.map((c) => c.output()).join('\n---\n')).toEqual([0, 0, 0, 0]);
    for (const c of children) expect(c.output()).not.toMatch(/SQLITE_BUSY|locked|Error/);

    const events = e.events();
    // seq is 1, 2, 3… with no gaps, across every process's commits.
    expect(events.map((x) => x.seq)).toEqual(events.map((_x, i) => i + 1));
    const counts = countsByMessage(events);
    expect(counts.size).toBe(2000);
    for (const id of ids) {
      expect(counts.get(id), id).toEqual({ enqueued: 1, started: 1, succeeded: 1, acked: 1 });
    }
    // The workers wrote each message's rows under the root this process wrote, and it finds them.
    for (const id of [ids[0]!, ids[999]!, ids[1999]!])
      expect(e.history(id).map((x) => x.kind)).toEqual([
        'enqueued',
        'started',
        'succeeded',
        'acked',
      ]);
    const db = new Database(e.file, { readonly: true });
    const roots = db
      .prepare("SELECT count(*) AS n FROM events WHERE msg IS NULL AND kind <> 'enqueued'")
      .get() as { n: number };
    db.close();
    expect(roots.n).toBe(0);
    expect(e.broker.stats().find((s) => s.queue === 'default')).toMatchObject({
      ready: 0,
      delayed: 0,
      inFlight: 0,
      dead: 0,
    });
    const perWorker = new Map<number, number>();
    for (const ev of events)
      if (ev.kind === 'started') perWorker.set(ev.worker!, (perWorker.get(ev.worker!) ?? 0) + 1);
    expect([...perWorker.keys()].every((w) => [1, 2, 3, 4].includes(w))).toBe(true);
    expect(perWorker.size).toBeGreaterThanOrEqual(2);
    console.log(
      `multi-process: 2000 messages drained in ${drainMs} ms; started per process`,
      Object.fromEntries([...perWorker].sort((a, b) => a[0] - b[0])),
    );
  }, 120_000);

  it('two processes running actors in worker threads share the file, including sends made inside threads', async () => {
    const e = makeRealEngine();
    const children = [1, 2].map((index) =>
      spawnWorkerChild({
        db: e.file,
        index,
        threads: 1,
        runner: 'thread',
        'worker-timeout-ms': 20,
      }),
    );
    await allStarted(children);
    const fans = e.broker.batch(() => Array.from({ length: 30 }, () => A.fanOut.send(5)));
    // 30 fan-outs, each sending 5 `add` messages from inside a worker thread: enough work that both
    // processes (polling every 20 ms when idle) get some of it however fast the first one is.
    await until(
      () =>
        e.broker.pendingCount() === 0 &&
        e.events().filter((x) => x.kind === 'acked' && x.actor === 'add').length === 150,
      'the fan-outs and their 150 sends to be acked',
      { timeoutMs: 60_000, everyMs: 50 },
    );
    const codes = await stopAll(children);
    expect(codes, children.map((c) => c.output()).join('\n---\n')).toEqual([0, 0]);

    const events = e.events();
    expect(events.map((x) => x.seq)).toEqual(events.map((_x, i) => i + 1));
    for (const f of fans)
      expect(e.kinds(f.messageId)).toEqual(['enqueued', 'started', 'succeeded', 'acked']);
    const counts = countsByMessage(events.filter((x) => x.actor === 'add'));
    expect(counts.size).toBe(150);
    for (const c of counts.values())
      expect(c).toEqual({ enqueued: 1, started: 1, succeeded: 1, acked: 1 });
    expect(new Set(events.filter((x) => x.kind === 'started').map((x) => x.worker)).size).toBe(2);
  }, 120_000);
});
