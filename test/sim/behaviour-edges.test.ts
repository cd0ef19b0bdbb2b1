/**
 * Behaviour models at their edges (scenario-format.md § Actor): what a journal says about a
 * modelled `Retry`, an age limit, and a send an actor makes later than it finishes.
 */
import { describe, expect, it } from 'vitest';
import {
  exportJournalText,
  MemoryLogger,
  parseScenario,
  runScenario,
  SqliteBroker,
} from '../../core/index.ts';
import { tempDbPath } from '../helpers/temp-db.ts';

type Line = Record<string, unknown> & { kind: string; t: number };

async function journal(data: unknown, logger?: MemoryLogger): Promise<Line[]> {
  const db = tempDbPath();
  await runScenario(parseScenario(data), { db, ...(logger ? { logger } : {}) });
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

describe('modelled errors and raw messages', () => {
  it('treats a modelled RateLimitExceeded as the engine does: retried, logged at DEBUG, not as an unhandled failure', async () => {
    const logger = new MemoryLogger();
    const lines = await journal(
      {
        rehearsal: 1,
        actors: [
          {
            name: 'limited',
            options: { max_retries: 1, min_backoff: 10 },
            behavior: { fail: [{ first: 1, error: 'RateLimitExceeded', message: 'too many' }] },
          },
        ],
        messages: [{ actor: 'limited' }],
      },
      logger,
    );
    const failed = lines.find((l) => l.kind === 'failed')!;
    expect(failed.error).toEqual({ type: 'RateLimitExceeded', message: 'too many' });
    expect(lines.filter((l) => l.kind === 'succeeded')).toHaveLength(1);
    expect(logger.messages('ERROR')).toEqual([]);
    expect(logger.messages('DEBUG').join('\n')).toMatch(/rate limit/i);
  });

  it('names the canonical queue on every row of a raw message sent to `q.XQ`', async () => {
    const lines = await journal({
      rehearsal: 1,
      actors: [{ name: 'work' }],
      messages: [{ id: 'x', raw: { actor_name: 'work', queue_name: 'default.XQ', args: [] } }],
    });
    const rows = lines.filter((l) => l.label === 'x');
    expect(rows.map((l) => l.kind)).toEqual(['enqueued', 'started', 'succeeded', 'acked']);
    expect(new Set(rows.map((l) => l.queue))).toEqual(new Set(['default']));
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
