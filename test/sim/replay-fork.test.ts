import { describe, expect, it } from 'vitest';
import {
  diffRuns,
  exportJournalText,
  forkRun,
  parseScenario,
  readRun,
  replayRun,
  runScenario,
  SqliteBroker,
} from '../../core/index.ts';
import { tempDbPath } from '../helpers/temp-db.ts';

const flaky = parseScenario({
  rehearsal: 1,
  seed: 5,
  workers: [{ threads: 2 }],
  actors: [
    {
      name: 'send_email',
      options: { max_retries: 1, min_backoff: 200 },
      behavior: {
        duration: { dist: 'exponential', mean: 30 },
        fail: { probability: 0.5, error: 'SMTPError' },
      },
    },
  ],
  arrivals: [{ actor: 'send_email', process: 'uniform', rate: 200, count: 40, id: 'mail' }],
});

async function run(): Promise<string> {
  const db = tempDbPath();
  await runScenario(flaky, { db });
  return db;
}

function firstFailureSeq(db: string): number {
  const b = new SqliteBroker({ file: db });
  try {
    return b.journal.page(0, 100000).find((e) => e.kind === 'failed')!.seq;
  } finally {
    b.close();
  }
}

describe('replay', () => {
  it('re-runs a stored run from its scenario and seed and reports that the journal matches', async () => {
    const db = await run();
    const r = await replayRun(db, tempDbPath());
    expect(r.matches).toBe(true);
    expect(r.events).toBeGreaterThan(100);
    expect(readRun(db).seed).toBe(5);
  });

  it('refuses a database that is not a run, naming it', async () => {
    const plain = tempDbPath();
    new SqliteBroker({ file: plain }).close();
    await expect(replayRun(plain, tempDbPath())).rejects.toMatchObject({ code: 'NOT_A_RUN' });
    await expect(replayRun(tempDbPath('missing.db'), tempDbPath())).rejects.toMatchObject({
      code: 'RUN_NOT_FOUND',
    });
  });
});

describe('what-if forks', () => {
  it('shares history up to the fork point and diverges after it: more retries, fewer dead letters', async () => {
    const base = await run();
    const at = firstFailureSeq(base);
    const forked = tempDbPath();
    const r = await forkRun(base, {
      atSeq: at,
      sets: ['actors.send_email.options.max_retries=5'],
      intoDb: forked,
    });
    expect(r.sharedEvents).toBe(at);
    const d = diffRuns(base, forked);
    expect(d.b.dead).toBeLessThan(d.a.dead);
    expect(d.b.attempts).toBeGreaterThan(d.a.attempts);
    expect(d.changed.length).toBeGreaterThan(0);
    expect(d.changed.every((c) => c.key.startsWith('mail#'))).toBe(true);
    // A fork is itself a run that replays.
    expect((await replayRun(forked, tempDbPath())).matches).toBe(true);
  });

  it('can add worker threads mid-run', async () => {
    const base = await run();
    const forked = tempDbPath();
    // A burst makes the extra threads matter.
    await forkRun(base, { atSeq: 10, sets: ['workers[0].threads=8'], intoDb: forked });
    const b = new SqliteBroker({ file: forked });
    try {
      const starts = b.journal.page(0, 100000).filter((e) => e.kind === 'started');
      expect(starts.filter((e) => e.seq <= 10).every((e) => (e.thread ?? 0) < 2)).toBe(true);
      expect(starts.some((e) => (e.thread ?? 0) >= 2)).toBe(true);
    } finally {
      b.close();
    }
  });

  it('applies a threads change at seq 0 from the start, as a run with that many threads', async () => {
    const base = await run();
    const forked = tempDbPath();
    await forkRun(base, { atSeq: 0, sets: ['workers[0].threads=5'], intoDb: forked });
    const direct = tempDbPath();
    await runScenario(parseScenario({ ...flaky, workers: [{ threads: 5 }] }), { db: direct });
    const text = (db: string): string => {
      const b = new SqliteBroker({ file: db });
      try {
        return exportJournalText(b.journal);
      } finally {
        b.close();
      }
    };
    expect(text(forked)).toBe(text(direct));
    expect(text(forked)).not.toBe(text(base));
  });

  it("forks a fork: the parent's change made before the fork point is kept, a later one is not", async () => {
    const base = await run();
    const at = firstFailureSeq(base);
    const parent = tempDbPath();
    await forkRun(base, {
      atSeq: at,
      sets: ['actors.send_email.options.max_retries=5'],
      intoDb: parent,
    });
    const maxAttempt = (db: string, after = 0): number => {
      const b = new SqliteBroker({ file: db });
      try {
        return Math.max(
          0,
          ...b.journal
            .page(0, 100000)
            .filter((e) => e.kind === 'started' && e.seq > after)
            .map((e) => e.attempt ?? 0),
        );
      } finally {
        b.close();
      }
    };
    // max_retries 1 allows two attempts; the parent's 5 allows more.
    expect(maxAttempt(base)).toBeLessThanOrEqual(2);
    expect(maxAttempt(parent)).toBeGreaterThan(2);

    const later = at + 20;
    const child = tempDbPath();
    const r = await forkRun(parent, {
      atSeq: later,
      sets: ['workers[0].threads=8'],
      intoDb: child,
    });
    expect(r.sharedEvents).toBe(later);
    const info = readRun(child);
    expect(info.forkOf).toEqual({
      run: parent,
      atSeq: later,
      sets: ['workers[0].threads=8'],
      chain: [
        { atSeq: at, sets: ['actors.send_email.options.max_retries=5'] },
        { atSeq: later, sets: ['workers[0].threads=8'] },
      ],
    });
    // Still more than two attempts after the child's own fork point: max_retries 5 was kept.
    expect(maxAttempt(child, later)).toBeGreaterThan(2);
    // It replays from its own file, without the parent or the base run.
    expect((await replayRun(child, tempDbPath())).matches).toBe(true);

    // Forked before the parent's change: that change is in the parent's future, not shared.
    const early = tempDbPath();
    await forkRun(parent, { atSeq: at - 1, sets: ['workers[0].threads=3'], intoDb: early });
    expect(readRun(early).forkOf?.chain).toEqual([
      { atSeq: at - 1, sets: ['workers[0].threads=3'] },
    ]);
    expect(maxAttempt(early)).toBeLessThanOrEqual(2);
  });

  it('meets the same arrivals with the same ids after the fork point (common random numbers)', async () => {
    const mm2 = parseScenario({
      rehearsal: 1,
      seed: 11,
      workers: [{ threads: 2 }],
      actors: [{ name: 'serve', behavior: { duration: { dist: 'exponential', mean: 80 } } }],
      arrivals: [{ actor: 'serve', process: 'poisson', rate: 20, count: 300 }],
    });
    const base = tempDbPath();
    await runScenario(mm2, { db: base });
    const forked = tempDbPath();
    await forkRun(base, { atSeq: 40, sets: ['workers[0].threads=4'], intoDb: forked });
    const arrivals = (db: string): string[] => {
      const b = new SqliteBroker({ file: db });
      try {
        return b.journal
          .page(0, 100000)
          .filter((e) => e.kind === 'enqueued' && e.reason === 'arrival')
          .map((e) => `${e.t} ${e.messageId}`);
      } finally {
        b.close();
      }
    };
    const before = arrivals(base);
    expect(before).toHaveLength(300);
    // More threads change the waits, not the load: same arrival times, same message ids.
    expect(arrivals(forked)).toEqual(before);
    const d = diffRuns(base, forked);
    expect(d.changed).toEqual([]);
    expect(d.b.latency.mean).toBeLessThan(d.a.latency.mean);
  });

  it('rejects a path that does not exist, a seq beyond the journal, and a bad value, writing nothing', async () => {
    const base = await run();
    const last = readRun(base).lastSeq;
    await expect(
      forkRun(base, {
        atSeq: 5,
        sets: ['actors.send_emial.options.max_retries=5'],
        intoDb: tempDbPath(),
      }),
    ).rejects.toThrow(/did you mean "send_email"/);
    await expect(
      forkRun(base, { atSeq: last + 1, sets: ['workers[0].threads=4'], intoDb: tempDbPath() }),
    ).rejects.toMatchObject({ code: 'SEQ_OUT_OF_RANGE' });
    await expect(
      forkRun(base, {
        atSeq: 5,
        sets: ['actors.send_email.options.max_retries=-2'],
        intoDb: tempDbPath(),
      }),
    ).rejects.toMatchObject({ code: 'SCENARIO_INVALID' });
    await expect(
      forkRun(base, { atSeq: 5, sets: ['arrivals[0].rate=5'], intoDb: tempDbPath() }),
    ).rejects.toMatchObject({ code: 'FORK_PATH_UNKNOWN' });
  });
});

describe('diff', () => {
  it('takes latency percentiles over every message of every queue, and leaves a message awaiting its retry pending', async () => {
    const twoQueues = parseScenario({
      rehearsal: 1,
      seed: 3,
      workers: [{ threads: 2 }],
      actors: [
        {
          name: 'fast',
          queue: 'a',
          behavior: { duration: { dist: 'exponential', mean: 10 } },
        },
        {
          name: 'slow',
          queue: 'b',
          options: { max_retries: 3, min_backoff: 1000 },
          behavior: {
            duration: { dist: 'exponential', mean: 200 },
            fail: { first: 1, error: 'Flaky' },
          },
        },
      ],
      arrivals: [
        { actor: 'fast', process: 'poisson', rate: 50, count: 30 },
        { actor: 'slow', process: 'poisson', rate: 5, count: 10, id: 's' },
      ],
      until: { time: 1500 },
    });
    const db = tempDbPath();
    await runScenario(twoQueues, { db });
    const d = diffRuns(db, db);
    const b = new SqliteBroker({ file: db });
    try {
      const events = [...b.journal.iterate(0)];
      const first = new Map<string, number>();
      const latencies: number[] = [];
      for (const e of events) {
        if (!e.messageId) continue;
        if (e.kind === 'enqueued' && !first.has(e.messageId)) first.set(e.messageId, e.t);
        const lastOfRetry =
          e.kind === 'acked' &&
          events.some(
            (x) =>
              x.messageId === e.messageId &&
              x.kind === 'enqueued' &&
              x.reason === 'retry' &&
              x.seq < e.seq &&
              !events.some(
                (y) =>
                  y.messageId === e.messageId &&
                  y.kind === 'started' &&
                  y.seq > x.seq &&
                  y.seq < e.seq,
              ),
          );
        if ((e.kind === 'acked' && !lastOfRetry) || e.kind === 'dead_lettered')
          latencies.push(e.t - first.get(e.messageId)!);
      }
      latencies.sort((x, y) => x - y);
      const rank = (p: number): number => latencies[Math.ceil(p * latencies.length) - 1]!;
      expect(d.a.latency).toMatchObject({
        count: latencies.length,
        p50: rank(0.5),
        p95: rank(0.95),
      });
      // Slow messages whose first attempt failed near the end wait for their retry: pending.
      const waiting = events.filter(
        (e) => e.kind === 'retry_scheduled' && e.t + (e.delay ?? 0) > 1500,
      );
      expect(waiting.length).toBeGreaterThan(0);
      expect(d.a.done + d.a.dead + d.a.pending).toBe(d.a.messages);
      expect(d.a.pending).toBeGreaterThanOrEqual(waiting.length);
    } finally {
      b.close();
    }
  });
});
