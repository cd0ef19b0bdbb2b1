/**
 * `rehearsal run`: scenario files run to their end into a new run database, with the journal
 * export, the summary and the queueing report; invalid files and existing runs are refused
 * without writing anything.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { exportJournalText, SqliteBroker } from '../../core/index.ts';
import { fileState, rehearsal, scratchDir } from './run-cli.ts';

const scenario = (name: string): string =>
  fileURLToPath(new URL(`../../scenarios/${name}.json`, import.meta.url));

describe.concurrent('rehearsal run', { timeout: 60_000 }, () => {
  it('runs a gallery scenario, writes the journal export (one object a line, seq 1..n) and the report with both sides of Little law', async () => {
    const cwd = scratchDir();
    const r = await rehearsal(
      ['run', scenario('dead-letters-and-requeue'), '--journal', 'out.jsonl', '--report'],
      { cwd },
    );
    expect(r.code, r.stderr).toBe(0);
    // The default database: the scenario's name with .run.db, in the current directory.
    const db = join(cwd, 'dead-letters-and-requeue.run.db');
    expect(existsSync(db)).toBe(true);
    expect(r.stdout).toContain('Ran "Dead letters and requeue"');
    expect(r.stdout).toMatch(/30 messages: \d+ done, \d+ dead letters/);
    expect(r.stdout).toContain('run database: dead-letters-and-requeue.run.db');

    const lines = readFileSync(join(cwd, 'out.jsonl'), 'utf8').trimEnd().split('\n');
    const events = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(r.stdout).toContain(`journal export: out.jsonl (${events.length} events)`);
    expect(events.some((e) => e.kind === 'dead_lettered')).toBe(true);
    // The export is the journal, byte for byte as core exports it.
    const broker = new SqliteBroker({ file: db, readonly: true });
    try {
      expect(readFileSync(join(cwd, 'out.jsonl'), 'utf8')).toBe(exportJournalText(broker.journal));
    } finally {
      broker.close();
    }

    // The report: per queue and actor, with L and λW side by side.
    expect(r.stdout).toMatch(/^queue\s+arrivals\s+done\s+dead\s+retries.*\bL\s+λW$/m);
    expect(r.stdout).toMatch(/^charge_card\s+30\s+/m);
    expect(r.stdout).toContain("Little's law: L (time-average waiting) should equal λ·W");
    expect(r.stdout).toContain(`rehearsal state --at ${events.length} --db`);
  });

  it("prints an M/M/c scenario's Erlang C prediction next to the observed wait", async () => {
    const cwd = scratchDir();
    const file = join(cwd, 'mmc.json');
    const mmc = JSON.parse(readFileSync(scenario('mmc-utilization-0.50'), 'utf8')) as {
      arrivals: { count: number }[];
    };
    mmc.arrivals[0]!.count = 400;
    writeFileSync(file, JSON.stringify(mmc));
    const r = await rehearsal(['run', file, '--report'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /Erlang C \(M\/M\/c with λ = 10\/s, mean service 100 ms, c = 2\): mean wait [\d.]+ ms predicted, [\d.]+ ms observed/,
    );
    // Little's law holds on the queue row: L and λW agree.
    const row = /^default\s.*\s([\d.]+)\s+([\d.]+)$/m.exec(r.stdout);
    expect(row?.[1]).toBe(row?.[2]);
  });

  it('lists every problem of an invalid scenario with the file and JSON path, exits 2 and creates no database', async () => {
    const cwd = scratchDir();
    writeFileSync(
      join(cwd, 'broken.json'),
      JSON.stringify({
        rehearsal: 1,
        workers: [{ threads: 0 }],
        actors: [
          {
            name: 'send_email',
            options: { max_retries: -1, min_bakoff: 10 },
            behavior: { duration: { dist: 'exponential', mean: 10 } },
          },
        ],
      }),
    );
    const r = await rehearsal(['run', 'broken.json', '--db', 'x.run.db'], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'error [SCENARIO_INVALID]: broken.json is not a valid scenario (3 problems)',
    );
    expect(r.stderr).toContain('broken.json: workers[0].threads: expected a positive integer');
    expect(r.stderr).toContain(
      'broken.json: actors[0].options.max_retries: expected a non-negative integer',
    );
    expect(r.stderr).toContain(
      'broken.json: actors[0].options.min_bakoff: unknown field — did you mean "min_backoff"?',
    );
    expect(r.stdout).toBe('');
    expect(existsSync(join(cwd, 'x.run.db'))).toBe(false);
    expect(existsSync(join(cwd, 'broken.run.db'))).toBe(false);
  });

  it('prints the summary as JSON with --json and --seed, and never overwrites an existing run (DB_NOT_EMPTY, with a free name)', async () => {
    const cwd = scratchDir();
    const first = await rehearsal(['run', scenario('time-limit'), '--json', '--seed', '3'], {
      cwd,
    });
    expect(first.code, first.stderr).toBe(0);
    const out = JSON.parse(first.stdout) as Record<string, unknown>;
    expect(out).toMatchObject({
      db: 'time-limit.run.db',
      seed: 3,
      clock: 'virtual',
      journal: null,
      queues: [{ queue: 'default', ready: 0, delayed: 0, in_flight: 0 }],
    });
    expect(out.events).toBeGreaterThan(0);
    const db = join(cwd, 'time-limit.run.db');
    const before = fileState(db);
    const again = await rehearsal(['run', scenario('time-limit')], { cwd });
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('error [DB_NOT_EMPTY]: time-limit.run.db already exists');
    expect(again.stderr).toContain('--db time-limit-2.run.db');
    expect(fileState(db)).toBe(before);
  });

  it('refuses a --journal that would overwrite the run database, the scenario or another database', async () => {
    const cwd = scratchDir();
    const file = join(cwd, 'mine.json');
    writeFileSync(file, readFileSync(scenario('time-limit')));
    const other = join(cwd, 'other.db');
    new SqliteBroker({ file: other }).close();
    const before = [fileState(file), fileState(other)];
    const db = join(cwd, 'run.db');
    const runs = await Promise.all([
      rehearsal(['run', file, '--db', db, '--journal', db], { cwd }),
      rehearsal(['run', file, '--db', db, '--journal', `${db}-wal`], { cwd }),
      rehearsal(['run', file, '--db', db, '--journal', file], { cwd }),
      rehearsal(['run', file, '--db', db, '--journal', other], { cwd }),
    ]);
    for (const r of runs) {
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('error [JOURNAL_TARGET_INVALID]');
    }
    expect(runs[0]!.stderr).toContain("is the run's database");
    expect(runs[2]!.stderr).toContain('is the scenario file being run');
    expect(runs[3]!.stderr).toContain('is a SQLite database');
    expect([fileState(file), fileState(other)]).toEqual(before);
    expect(existsSync(db)).toBe(false);
  });

  it('refuses a bad --seed, --clock or --journal folder before running', async () => {
    const cwd = scratchDir();
    const file = scenario('time-limit');
    const [seed, clock, folder] = await Promise.all([
      rehearsal(['run', file, '--seed', 'abc'], { cwd }),
      rehearsal(['run', file, '--clock', 'virtul'], { cwd }),
      rehearsal(['run', file, '--journal', 'no/such/dir/out.jsonl'], { cwd }),
    ]);
    expect(seed.code).toBe(2);
    expect(seed.stderr).toContain('--seed must be a whole number 0..4294967295');
    expect(clock.code).toBe(2);
    expect(clock.stderr).toContain('did you mean `virtual`?');
    expect(folder.code).toBe(2);
    expect(folder.stderr).toContain('the folder no/such/dir does not exist');
    expect(existsSync(join(cwd, 'time-limit.run.db'))).toBe(false);
  });
});
