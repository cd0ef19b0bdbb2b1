import { describe, expect, it } from 'vitest';
import {
  applyEvent,
  emptyWorld,
  parseScenario,
  runScenario,
  SqliteBroker,
  TimeTravel,
} from '../../../core/index.ts';
import { tempDbPath } from '../../helpers/temp-db.ts';

const busy = parseScenario({
  rehearsal: 1,
  seed: 3,
  workers: [{ threads: 2 }],
  actors: [
    {
      name: 'work',
      options: { max_retries: 2, min_backoff: 100 },
      behavior: {
        duration: { dist: 'exponential', mean: 50 },
        fail: { probability: 0.3, error: 'Flaky' },
      },
    },
  ],
  arrivals: [{ actor: 'work', process: 'poisson', rate: 30, count: 400 }],
});

describe('time travel', () => {
  it('gives the same world through checkpoints as folding the journal from the start', async () => {
    const db = tempDbPath();
    await runScenario(busy, { db });
    const b = new SqliteBroker({ file: db });
    try {
      const tt = new TimeTravel(b.store, b.journal, 100);
      const last = b.journal.lastSeq();
      expect(last).toBeGreaterThan(1000);
      for (const seq of [1, 99, 100, 101, 555, Math.floor(last / 2), last - 1, last]) {
        let world = emptyWorld();
        for (const e of b.journal.page(0, seq)) world = applyEvent(world, e);
        const viaCheckpoint = tt.stateAt(seq);
        expect(viaCheckpoint.seq).toBe(seq);
        expect(viaCheckpoint.messages).toEqual(world.messages);
        expect(viaCheckpoint.totals).toEqual(world.totals);
      }
      const end = tt.stateAt(last);
      expect(end.queues.every((q) => q.ready === 0 && q.delayed === 0 && q.inFlight === 0)).toBe(
        true,
      );
      expect(end.totals.finished + end.queues.reduce((s, q) => s + q.dead, 0)).toBe(400);
    } finally {
      b.close();
    }
  });

  it('shows messages in flight and worker slots in the middle of a run', async () => {
    const db = tempDbPath();
    await runScenario(busy, { db });
    const b = new SqliteBroker({ file: db });
    try {
      const tt = new TimeTravel(b.store, b.journal);
      const started = b.journal.page(0, 100000).find((e) => e.kind === 'started')!;
      const s = tt.stateAt(started.seq);
      expect(s.messages[started.messageId!]?.status).toBe('running');
      expect(Object.values(s.slots)).toContain(started.messageId);
      expect(() => tt.stateAt(b.journal.lastSeq() + 1)).toThrow(/not in this journal/);
    } finally {
      b.close();
    }
  });

  it('keeps the error of a message waiting for its retry, and shows an age-limited one as skipped, then dead', async () => {
    const db = tempDbPath();
    await runScenario(
      parseScenario({
        rehearsal: 1,
        workers: [{ threads: 1 }],
        actors: [
          {
            name: 'flaky',
            options: { max_retries: 1, min_backoff: 1000 },
            behavior: { fail: { first: 1, error: 'ConnectionError', message: 'refused' } },
          },
          { name: 'slow', behavior: { duration: { dist: 'constant', ms: 500 } } },
          { name: 'aged', options: { max_age: 100 } },
        ],
        messages: [
          { actor: 'flaky', id: 'f' },
          { actor: 'slow', id: 's', at: 10 },
          { actor: 'aged', id: 'a', at: 10 },
        ],
      }),
      { db },
    );
    const b = new SqliteBroker({ file: db });
    try {
      const tt = new TimeTravel(b.store, b.journal);
      const events = [...b.journal.iterate(0)];
      const retry = events.find((e) => e.kind === 'enqueued' && e.reason === 'retry')!;
      const f = Object.values(tt.stateAt(retry.seq).messages).find((m) => m.label === 'f')!;
      expect(f).toMatchObject({
        status: 'delayed',
        error: { type: 'ConnectionError', message: 'refused' },
      });
      const aged = events.find((e) => e.kind === 'age_limited')!;
      const a = (seq: number) =>
        Object.values(tt.stateAt(seq).messages).find((m) => m.label === 'a');
      expect(a(aged.seq)).toMatchObject({ status: 'skipped' });
      const skipped = events.find((e) => e.kind === 'skipped' && e.label === 'a')!;
      expect(a(skipped.seq)!.error).toMatchObject({ type: 'SkipMessage' });
      const dead = events.find((e) => e.kind === 'dead_lettered' && e.label === 'a')!;
      expect(a(dead.seq)).toMatchObject({ status: 'dead' });
    } finally {
      b.close();
    }
  });

  it('rebuilds checkpoints made by another version of the fold', async () => {
    const db = tempDbPath();
    await runScenario(busy, { db });
    const b = new SqliteBroker({ file: db });
    try {
      const last = b.journal.lastSeq();
      new TimeTravel(b.store, b.journal, 100).stateAt(last);
      // A snapshot of an older fold, with a message that does not exist.
      const bogus = JSON.stringify({
        ...emptyWorld(),
        seq: 200,
        messages: { x: { queue: 'gone' } },
      });
      b.store.write(() => {
        b.store.checkpoints.put(200, bogus);
        b.store.messages.setMeta('checkpoint_fold', '1');
      });
      const state = new TimeTravel(b.store, b.journal, 100).stateAt(250);
      expect(state.messages.x).toBeUndefined();
      expect(b.store.messages.getMeta('checkpoint_fold')).toBe('2');
    } finally {
      b.close();
    }
  });
});
