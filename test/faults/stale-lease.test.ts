/**
 * Stale deliveries (found by `npm run faults`, experiment "stall"): a worker that stood still past
 * its lease (SIGSTOP, a long GC pause, a laptop lid) wakes up holding messages that were reclaimed
 * and given to another consumer — or claimed again by itself. Nothing it held from before may be
 * started again or recorded: no second result, pipeline step or group completion.
 *
 * Two brokers on one file, each on its own virtual clock: a clock that does not move is a process
 * that stands still (its heartbeat never renews its leases).
 */
import { describe, expect, it } from 'vitest';
import {
  actor,
  MemoryLogger,
  pipeline,
  SeededRng,
  SqliteBroker,
  VirtualClock,
  Worker,
  type Actor,
} from '../../core/index.ts';
import { tempDbPath } from '../helpers/temp-db.ts';

const T0 = 1_767_225_600_000;
const LEASE_MS = 1000;

function engine(file: string, seed: number) {
  const clock = new VirtualClock(T0);
  const logger = new MemoryLogger();
  const broker = new SqliteBroker({ file, clock, rng: new SeededRng(seed), logger });
  return { clock, logger, broker };
}

/** A gate the first attempt of `first` waits on (the attempt that will be stale). */
function gated() {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const runs: number[] = [];
  /** Declares `first` (x → x + 1, stored) and `second` (y → 2y, stored) on `broker`. */
  const declare = (broker: SqliteBroker): { first: Actor; second: Actor } => {
    const first = actor(
      async (x: number) => {
        runs.push(x);
        if (runs.length === 1) await gate;
        return x + 1;
      },
      { actorName: 'first', storeResults: true },
    );
    const second = actor((y: number) => y * 2, { actorName: 'second', storeResults: true });
    broker.declareActor(first);
    broker.declareActor(second);
    return { first, second };
  };
  return { open: () => open(), runs, declare };
}

describe('a worker that stood still past its lease', () => {
  it('does not record the stale attempt once another worker has redelivered and completed the message', async () => {
    const file = tempDbPath();
    const a = engine(file, 1);
    const b = engine(file, 2);
    const g = gated();
    const { first, second } = g.declare(a.broker);
    g.declare(b.broker);
    const p = pipeline([first.message(1), second.messageWithOptions()], { broker: a.broker }).run();
    const [firstId, secondId] = p.messages.map((m) => m.messageId);
    const wa = new Worker(a.broker, { threads: 1, leaseMs: LEASE_MS, index: 1 });
    wa.start();
    await a.clock.run({ untilMs: T0 + 10 });
    expect(g.runs).toEqual([1]); // A runs `first`, waiting on the gate

    // A stands still; on B's clock the lease runs out: B reclaims, redelivers and finishes.
    b.clock.advanceTo(T0 + 5 * LEASE_MS);
    expect(b.broker.reclaimExpired()).toBe(1);
    const wb = new Worker(b.broker, { threads: 1, leaseMs: LEASE_MS, index: 2 });
    wb.start();
    await b.clock.run({ untilMs: T0 + 6 * LEASE_MS });
    expect(g.runs).toEqual([1, 1]);

    // A wakes up and its attempt finishes: the outcome is discarded, not recorded.
    g.open();
    await a.clock.run({ untilMs: T0 + 20 });
    const kinds = (id: string): string[] => b.broker.journal.history(id).map((e) => e.kind);
    expect(kinds(firstId!)).toEqual([
      'enqueued',
      'started',
      'requeued',
      'started',
      'succeeded',
      'result_stored',
      'pipeline_step',
      'acked',
    ]);
    expect(kinds(secondId!)).toEqual([
      'enqueued',
      'started',
      'succeeded',
      'result_stored',
      'acked',
    ]);
    expect(a.logger.messages('WARNING').join('\n')).toMatch(/lease ran out/);
    expect(b.broker.pendingCount()).toBe(0);
    await wa.stop({ timeoutMs: 0 });
    await wb.stop({ timeoutMs: 0 });
    a.broker.close();
    b.broker.close();
  });

  it('neither starts nor records what it held from before, even after claiming the same rows again', async () => {
    const file = tempDbPath();
    const a = engine(file, 1);
    const b = engine(file, 2);
    const g = gated();
    const { first } = g.declare(a.broker);
    const m1 = first.send(1).messageId; // runs in A's only slot, waiting on the gate
    const m2 = first.send(2).messageId; // waits in A's work queue
    const wa = new Worker(a.broker, { threads: 1, prefetch: 10, leaseMs: LEASE_MS, index: 1 });
    wa.start();
    await a.clock.run({ untilMs: T0 + 10 });
    expect(g.runs).toEqual([1]);

    // While A stands still both leases run out and are reclaimed (by another process's heartbeat).
    b.clock.advanceTo(T0 + 5 * LEASE_MS);
    expect(b.broker.reclaimExpired()).toBe(2);
    // A wakes up and, on its next claim, leases both rows again: it now holds a stale and a fresh
    // delivery of each.
    await a.clock.run({ untilMs: T0 + 5 * LEASE_MS + 1 });
    const m3 = first.send(3).messageId;
    await a.clock.run({ untilMs: T0 + 5 * LEASE_MS + 2 });
    g.open();
    await a.clock.run({ untilMs: T0 + 7 * LEASE_MS });

    const attempts = (id: string, kind: string): (number | null | undefined)[] =>
      a.broker.journal
        .history(id)
        .filter((e) => e.kind === kind)
        .map((e) => e.attempt);
    expect(attempts(m1, 'started')).toEqual([1, 2]);
    expect(attempts(m1, 'succeeded')).toEqual([2]);
    expect(attempts(m2, 'started')).toEqual([1]);
    expect(attempts(m2, 'succeeded')).toEqual([1]);
    expect(attempts(m3, 'succeeded')).toEqual([1]);
    for (const id of [m1, m2, m3]) expect(attempts(id, 'acked')).toHaveLength(1);
    expect(g.runs.sort()).toEqual([1, 1, 2, 3]);
    expect(a.broker.pendingCount()).toBe(0);
    await wa.stop({ timeoutMs: 0 });
    a.broker.close();
    b.broker.close();
  });
});
