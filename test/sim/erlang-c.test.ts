import { describe, expect, it } from 'vitest';
import {
  computeStats,
  erlangCMeanWait,
  parseScenario,
  runScenario,
  SqliteBroker,
} from '../../core/index.ts';
import { tempDbPath } from '../helpers/temp-db.ts';

describe('queueing statistics', () => {
  it('computes the Erlang C mean wait of textbook M/M/c examples', () => {
    // M/M/1: Wq = ρ / (μ − λ). λ = 8/s, μ = 10/s → 0.8 / 2 s = 400 ms.
    expect(erlangCMeanWait(8, 100, 1)).toBeCloseTo(400, 6);
    // M/M/2 at ρ = 0.5: P(wait) = 1/3, Wq = (1/3) / (20 − 10) s = 33.3 ms.
    expect(erlangCMeanWait(10, 100, 2)).toBeCloseTo(100 / 3, 6);
    expect(erlangCMeanWait(25, 100, 2)).toBe(Infinity);
  });

  it('an M/M/2 run at utilization 0.5 agrees with Erlang C within its 99 % confidence interval, and L = λW', async () => {
    const arrivals = 20_000;
    const scenario = parseScenario({
      rehearsal: 1,
      seed: 2,
      workers: [{ threads: 2 }],
      actors: [{ name: 'serve', behavior: { duration: { dist: 'exponential', mean: 100 } } }],
      arrivals: [{ actor: 'serve', process: 'poisson', rate: 10, count: arrivals }],
    });
    const db = tempDbPath();
    await runScenario(scenario, { db });
    const b = new SqliteBroker({ file: db });
    try {
      const events = [...b.journal.iterate(0)];
      const stats = computeStats(events, { slots: 2 });
      const q = stats.queues[0]!;
      expect(q.arrivals).toBe(arrivals);
      expect(q.completions).toBe(arrivals);
      expect(q.utilization).toBeGreaterThan(0.47);
      expect(q.utilization).toBeLessThan(0.53);
      // Little's law holds for the waiting line (both sides measured independently).
      expect(Math.abs(q.meanQueueLength - q.littleLambdaW) / q.littleLambdaW).toBeLessThan(0.01);

      // Waits in arrival order; batch means give an honest confidence interval despite the
      // correlation between neighbouring customers.
      const enqueuedAt = new Map<string, number>();
      const waits: number[] = [];
      for (const e of events) {
        if (e.kind === 'enqueued' && e.messageId) enqueuedAt.set(e.messageId, e.t);
        if (e.kind === 'started' && e.messageId && e.attempt === 1)
          waits.push(e.t - enqueuedAt.get(e.messageId)!);
      }
      const batches = 20;
      const size = Math.floor(waits.length / batches);
      const means = Array.from(
        { length: batches },
        (_, i) => waits.slice(i * size, (i + 1) * size).reduce((s, x) => s + x, 0) / size,
      );
      const mean = means.reduce((s, x) => s + x, 0) / batches;
      const sd = Math.sqrt(means.reduce((s, x) => s + (x - mean) ** 2, 0) / (batches - 1));
      const halfWidth = (2.861 * sd) / Math.sqrt(batches); // t(0.995, 19)
      const expected = erlangCMeanWait(10, 100, 2);
      expect(q.wait.mean).toBeCloseTo(mean, 6);
      expect(Math.abs(mean - expected)).toBeLessThan(halfWidth);
      // …and the interval is tight enough to mean something (±19 % at 20 k arrivals; the
      // benchmark runs 1 M arrivals for a 2 % check).
      expect(halfWidth / expected).toBeLessThan(0.25);
    } finally {
      b.close();
    }
  });

  it('ends the wait of a message that leaves without starting (age limit) on both sides of L = λW', async () => {
    const scenario = parseScenario({
      rehearsal: 1,
      workers: [{ threads: 1 }],
      actors: [
        { name: 'slow', behavior: { duration: { dist: 'constant', ms: 1000 } } },
        { name: 'aged', options: { max_age: 500 } },
      ],
      messages: [
        { actor: 'slow', at: 0 },
        { actor: 'aged', at: 0 },
        { actor: 'slow', at: 5000 },
      ],
    });
    const db = tempDbPath();
    await runScenario(scenario, { db });
    const b = new SqliteBroker({ file: db });
    try {
      const stats = computeStats(b.journal.iterate(0), { slots: 1 });
      const aged = stats.actors.find((a) => a.name === 'aged')!;
      expect(aged.deadLetters).toBe(1);
      // It waited 1 s behind `slow`, then was dead-lettered: that second, not the whole run.
      expect(aged.meanQueueLength).toBeCloseTo(aged.littleLambdaW, 6);
      expect(aged.meanQueueLength).toBeGreaterThan(0);
      const q = stats.queues.find((x) => x.name === 'default')!;
      expect(q.meanQueueLength).toBeCloseTo(q.littleLambdaW, 6);
    } finally {
      b.close();
    }
  });
});
