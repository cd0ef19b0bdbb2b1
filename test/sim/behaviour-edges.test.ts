/**
 * Behaviour models at their edges (scenario-format.md § Actor): what a journal says about a
 * modelled `Retry`, an age limit, and a send an actor makes later than it finishes.
 */
import { describe, expect, it } from 'vitest';
import { exportJournalText, parseScenario, runScenario, SqliteBroker } from '../../core/index.ts';
import { tempDbPath } from '../helpers/temp-db.ts';

type Line = Record<string, unknown> & { kind: string; t: number };

async function journal(data: unknown): Promise<Line[]> {
  const db = tempDbPath();
  await runScenario(parseScenario(data), { db });
  const b = new SqliteBroker({ file: db });
  try {
    return exportJournalText(b.journal)
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Line);
  } finally {
    b.close();
  }
}

describe('behaviour models in the journal', () => {
  it('gives a modelled Retry a traceback without machine paths, so journals match on any machine', async () => {
    const lines = await journal({
      rehearsal: 1,
      actors: [{ name: 'poll', behavior: { retry: { first: 1, delay: 250 } } }],
      messages: [{ actor: 'poll' }],
    });
    const retried = lines.find((l) => l.kind === 'enqueued' && l.reason === 'retry')!;
    const traceback = (retried.options as { traceback: string }).traceback;
    expect(traceback).not.toMatch(/\.ts|\.mjs|\.js|file:|\/work\//);
    expect(traceback).toContain('<behaviour model>');
    expect(lines.find((l) => l.kind === 'started' && l.attempt === 2)!.t).toBe(250);
  });

  it('writes age_limited without a delay field (delay means time until due)', async () => {
    const lines = await journal({
      rehearsal: 1,
      workers: [{ threads: 1 }],
      actors: [
        {
          name: 'slow',
          options: { max_age: 500 },
          behavior: { duration: { dist: 'constant', ms: 1000 } },
        },
      ],
      messages: [{ actor: 'slow' }, { actor: 'slow' }],
    });
    const limited = lines.find((l) => l.kind === 'age_limited')!;
    expect(limited.t).toBe(1000);
    expect('delay' in limited).toBe(false);
  });

  it('sends a behavior.enqueue entry at its `at` when that is later than the success', async () => {
    const lines = await journal({
      rehearsal: 1,
      actors: [
        {
          name: 'parent',
          behavior: {
            duration: { dist: 'constant', ms: 1000 },
            enqueue: [
              { actor: 'child', id: 'later', at: 5000 },
              { actor: 'child', id: 'now', at: 0 },
              { actor: 'child', id: 'plain' },
            ],
          },
        },
        { name: 'child' },
      ],
      messages: [{ actor: 'parent' }],
    });
    const sentAt = (label: string): number =>
      lines.find((l) => l.kind === 'enqueued' && l.label === label)!.t;
    expect(sentAt('now')).toBe(1000);
    expect(sentAt('plain')).toBe(1000);
    expect(sentAt('later')).toBe(5000);
  });
});

describe('middleware settings', () => {
  it('takes middleware.time_limit null as no default time limit', async () => {
    const lines = await journal({
      rehearsal: 1,
      middleware: { time_limit: null },
      actors: [{ name: 'long', behavior: { duration: { dist: 'constant', ms: 900_000 } } }],
      messages: [{ actor: 'long' }],
    });
    expect(lines.map((l) => l.kind)).toEqual(['enqueued', 'started', 'succeeded', 'acked']);
    expect(lines.at(-1)!.t).toBe(900_000);
  });
});
