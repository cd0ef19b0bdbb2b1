import { describe, expect, it } from 'vitest';
import * as A from '../../fixtures/actors.ts';
import { makeRealEngine, spawnWorkerChild, until, within } from '../../fixtures/real-engine.ts';

describe('a worker process killed with SIGKILL', () => {
  it('loses nothing: its leases run out, another worker redelivers, and every message is acked once', async () => {
    const e = makeRealEngine();
    const ids = e.broker.batch(() => Array.from({ length: 24 }, () => A.slow.send(200).messageId));
    // The child takes 1 s leases (renewed every ~333 ms while it lives) on up to 8 messages
    // (prefetch = 2 × 4 slots) and runs 4 at a time, 200 ms each.
    const child = spawnWorkerChild({ db: e.file, index: 1, threads: 4, 'lease-ms': 1000 });
    const startedByChild = (): number =>
      e.events().filter((x) => x.kind === 'started' && x.worker === 1).length;
    await until(
      () => {
        if (child.proc.exitCode !== null) throw new Error(`child exited early\n${child.output()}`);
        return startedByChild() >= 6;
      },
      'the child to start at least 6 attempts',
      { timeoutMs: 40_000, everyMs: 10 },
    );
    child.proc.kill('SIGKILL');
    expect(await within(child.exited, 'the killed child to exit', 10_000)).toBe('SIGKILL');
    const inFlightAtKill = e.broker.stats().find((s) => s.queue === 'default')!.inFlight;
    expect(inFlightAtKill).toBeGreaterThan(0);
    const killedAfterSeq = e.broker.journal.lastSeq();

    // A new worker on the same file; its heartbeat (every leaseMs / 3) reclaims expired leases.
    const worker = e.startWorker({ index: 2, threads: 4, leaseMs: 500, workerTimeoutMs: 50 });
    await within(worker.join(), 'the new worker to drain the file', 20_000);

    const events = e.events();
    expect(events.map((x) => x.seq)).toEqual(events.map((_x, i) => i + 1));
    // Every message acked exactly once, as its last event; nothing dead, nothing pending.
    for (const id of ids) {
      const kinds = e.kinds(id);
      expect(
        kinds.filter((k) => k === 'acked'),
        `${id}: ${kinds.join(' ')}`,
      ).toHaveLength(1);
      expect(kinds.at(-1)).toBe('acked');
    }
    expect(e.broker.deadLetters()).toEqual([]);
    expect(e.broker.pendingCount()).toBe(0);

    // The held messages came back through lease expiry, each followed by a new, later attempt.
    const requeued = events.filter((x) => x.kind === 'requeued');
    expect(requeued.length).toBe(inFlightAtKill);
    let redeliveredRunning = 0;
    for (const r of requeued) {
      expect(r.reason).toBe('lease_expired');
      expect(r.seq).toBeGreaterThan(killedAfterSeq);
      const h = e.history(r.messageId!);
      const before = h.filter((x) => x.kind === 'started' && x.seq < r.seq);
      const after = h.filter((x) => x.kind === 'started' && x.seq > r.seq);
      // The requeued row carries the attempt that was lost (null when it never started).
      expect(r.attempt ?? 0).toBe(before.at(-1)?.attempt ?? 0);
      expect(after).toHaveLength(1);
      expect(after[0]!.worker).toBe(2);
      expect(after[0]!.attempt).toBe((r.attempt ?? 0) + 1);
      if (before.length > 0) {
        // It was running in the child when the child died: no result from that attempt.
        expect(before.at(-1)!.worker).toBe(1);
        redeliveredRunning++;
      }
    }
    expect(redeliveredRunning).toBeGreaterThan(0);
    // Nothing the child finished ran again.
    for (const id of ids) {
      const h = e.history(id);
      if (!h.some((x) => x.kind === 'requeued'))
        expect(h.filter((x) => x.kind === 'started')).toHaveLength(1);
    }
  }, 90_000);
});
