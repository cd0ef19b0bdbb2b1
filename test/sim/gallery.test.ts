/**
 * The gallery (`scenarios/`): every scenario is valid, has a name and a description for the
 * learner, and is deterministic — two runs with the same seed, in this process, write
 * byte-identical journal exports (test/cli/sim-time-travel.test.ts replays one in another
 * process).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  exportJournalText,
  parseScenario,
  runScenario,
  SqliteBroker,
  type Scenario,
} from '../../core/index.ts';
import { tempDbPath } from '../helpers/temp-db.ts';

const DIR = fileURLToPath(new URL('../../scenarios/', import.meta.url));
const FILES = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .sort();

function load(file: string): { raw: Record<string, unknown>; scenario: Scenario } {
  const raw = JSON.parse(readFileSync(join(DIR, file), 'utf8')) as Record<string, unknown>;
  return { raw, scenario: parseScenario(raw, file) };
}

async function journalOf(scenario: Scenario): Promise<string> {
  const db = tempDbPath();
  await runScenario(scenario, { db });
  const broker = new SqliteBroker({ file: db, readonly: true });
  try {
    return exportJournalText(broker.journal);
  } finally {
    broker.close();
  }
}

describe('the scenario gallery', () => {
  it('has at least the ten workshop scenarios', () => {
    expect(FILES.length).toBeGreaterThanOrEqual(10);
  });

  it.each(FILES)('%s has a name and a description for the learner', (file) => {
    const { raw, scenario } = load(file);
    expect(typeof raw.name).toBe('string');
    expect(scenario.name.trim()).not.toBe('');
    expect(scenario.description.trim().length).toBeGreaterThan(40);
  });

  it.each(FILES)(
    '%s writes a byte-identical journal export when run twice with the same seed',
    async (file) => {
      // Full size, M/M/c's 5000 arrivals included: the whole file takes ~15 s here (the three
      // M/M/c scenarios ~11 s of it). If it grows past ~20 s, cap `arrivals[].count` for these
      // two runs only rather than skip a scenario.
      const { scenario } = load(file);
      const first = await journalOf(scenario);
      const second = await journalOf(scenario);
      expect(first.length).toBeGreaterThan(0);
      const lines = first.trimEnd().split('\n');
      expect(lines.map((l) => (JSON.parse(l) as { seq: number }).seq)).toEqual(
        lines.map((_, i) => i + 1),
      );
      // Compared as strings (not parsed) on purpose: the promise is byte for byte.
      expect(second === first).toBe(true);
    },
  );
});
