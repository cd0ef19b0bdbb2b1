import { describe, expect, it } from 'vitest';
import {
  exportJournalText,
  parseScenario,
  runScenario,
  SqliteBroker,
  ScenarioError,
} from '../../core/index.ts';
import { tempDbPath } from '../helpers/temp-db.ts';

const retrying = {
  rehearsal: 1,
  name: 'retries',
  seed: 7,
  actors: [
    {
      name: 'call_api',
      options: { max_retries: 5, min_backoff: 1000 },
      behavior: {
        duration: { dist: 'exponential', mean: 200 },
        fail: { first: 2, error: 'ConnectionError' },
        result: 42,
      },
    },
    { name: 'notify', behavior: { duration: { dist: 'constant', ms: 10 } } },
  ],
  messages: [
    { id: 'm1', actor: 'call_api', args: [1] },
    { id: 'm2', actor: 'notify', at: 500, delay: 1000 },
  ],
  arrivals: [{ actor: 'notify', process: 'poisson', rate: 5, count: 20 }],
};

async function journalOf(data: unknown, seed?: number): Promise<string> {
  const db = tempDbPath();
  await runScenario(parseScenario(data), { db, ...(seed === undefined ? {} : { seed }) });
  const b = new SqliteBroker({ file: db });
  try {
    return exportJournalText(b.journal);
  } finally {
    b.close();
  }
}

describe('simulator', () => {
  it('runs a scenario with retries in virtual time and journals every attempt', async () => {
    const text = await journalOf(retrying);
    const lines = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const m1 = lines.filter((l) => l.label === 'm1');
    expect(m1.filter((l) => l.kind === 'started').map((l) => l.attempt)).toEqual([1, 2, 3]);
    expect(
      m1.filter((l) => l.kind === 'failed').map((l) => (l.error as { type: string }).type),
    ).toEqual(['ConnectionError', 'ConnectionError']);
    expect(m1.at(-1)?.kind).toBe('acked');
    const m2 = lines.filter((l) => l.label === 'm2');
    expect(m2[0]).toMatchObject({ kind: 'enqueued', t: 500, delay: 1000, reason: 'send' });
    expect(m2.find((l) => l.kind === 'started')?.t).toBe(1500);
    expect(lines.filter((l) => l.reason === 'arrival')).toHaveLength(20);
  });

  it('writes a byte-identical journal for the same scenario and seed, and a different one for another seed', async () => {
    const a = await journalOf(retrying);
    const b = await journalOf(retrying);
    const c = await journalOf(retrying, 8);
    expect(a).toBe(b);
    expect(a).not.toBe(c);
  });

  it('lists every problem of an invalid scenario with its JSON path and a suggestion', () => {
    const bad = {
      rehearsal: 1,
      actors: [
        { name: 'a', options: { max_retires: 3 } },
        { name: 'b', options: { max_retries: -1 }, behavior: { duration: { dist: 'constant' } } },
      ],
      messages: [{ actor: 'c' }],
    };
    let err: unknown;
    try {
      parseScenario(bad, 'bad.json');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ScenarioError);
    const msg = (err as ScenarioError).message;
    expect(msg).toContain('bad.json');
    expect(msg).toContain(
      'actors[0].options.max_retires: unknown field — did you mean "max_retries"?',
    );
    expect(msg).toContain('actors[1].options.max_retries: expected a non-negative integer');
    expect(msg).toContain('actors[1].behavior.duration.ms');
  });

  it('delays every message of an arrival entry by its delay, and spaces uniform arrivals one gap after at', async () => {
    const text = await journalOf({
      rehearsal: 1,
      actors: [{ name: 'a' }],
      arrivals: [{ actor: 'a', process: 'uniform', rate: 10, count: 2, at: 1000, delay: 500 }],
    });
    const rows = text
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { t: number; kind: string; delay?: number });
    expect(rows.filter((r) => r.kind === 'enqueued').map((r) => [r.t, r.delay])).toEqual([
      [1100, 500],
      [1200, 500],
    ]);
    expect(rows.filter((r) => r.kind === 'started').map((r) => r.t)).toEqual([1600, 1700]);
  });

  it('names unknown actors in sends with a suggestion', () => {
    expect(() =>
      parseScenario(
        { rehearsal: 1, actors: [{ name: 'send_email' }], messages: [{ actor: 'send_emial' }] },
        's.json',
      ),
    ).toThrow('messages[0].actor: unknown actor "send_emial" — did you mean "send_email"?');
  });
  it('stops at until.time with the world frozen: in-flight work stays in flight, no shutdown rows', async () => {
    const db = tempDbPath();
    const r = await runScenario(
      parseScenario({
        rehearsal: 1,
        workers: [{ threads: 1 }],
        actors: [{ name: 'slow', behavior: { duration: { dist: 'constant', ms: 1000 } } }],
        messages: [{ actor: 'slow' }, { actor: 'slow' }, { actor: 'slow', delay: 5000 }],
        until: { time: 1500 },
      }),
      { db },
    );
    expect(r.endT).toBe(1500);
    const b = new SqliteBroker({ file: db });
    try {
      const kinds = [...b.journal.iterate(0)].map((e) => e.kind);
      expect(kinds).not.toContain('requeued');
      expect(kinds.filter((k) => k === 'started')).toHaveLength(2);
      expect(kinds.filter((k) => k === 'acked')).toHaveLength(1);
    } finally {
      b.close();
    }
  });
});
