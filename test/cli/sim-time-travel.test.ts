/**
 * Time travel on a run database: `state --at SEQ`, `replay` (in another process than the run,
 * so determinism holds across processes), `fork` and `diff`, and their bad input: coded errors
 * that leave no fork database behind.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { SqliteBroker } from '../../core/index.ts';
import { fileState, rehearsal, scratchDir } from './run-cli.ts';

const SCENARIO = fileURLToPath(
  new URL('../../scenarios/retries-with-backoff.json', import.meta.url),
);

/** One run of retries-with-backoff (22 events), shared read-only by the tests below. */
let runDir = '';
let run = '';

beforeAll(async () => {
  runDir = scratchDir();
  const r = await rehearsal(['run', SCENARIO, '--db', 'base.run.db'], { cwd: runDir });
  if (r.code !== 0) throw new Error(`rehearsal run failed: ${r.stderr}`);
  run = join(runDir, 'base.run.db');
}, 60_000);

describe.concurrent('time travel on a run', { timeout: 60_000 }, () => {
  it('shows the world at an event: queues, the live message with its eta, worker slots and totals', async () => {
    const cwd = scratchDir();
    const [text, json, beyond] = await Promise.all([
      rehearsal(['state', '--at', '5', '--db', run], { cwd }),
      rehearsal(['state', '--at', '8', '--db', run, '--json'], { cwd }),
      rehearsal(['state', '--at', '23', '--db', run], { cwd }),
    ]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain(`After event 5 of 22 in ${run}, t = 0.027s: enqueued api-call`);
    expect(text.stdout).toMatch(/^ {2}default\s+0\s+1\s+0\s+0$/m);
    expect(text.stdout).toMatch(
      /^ {2}api-call\s+call_external_api\s+default\s+delayed\s+1\s.*due at 1\.452s retries=1 ConnectionError: connection refused$/m,
    );
    expect(text.stdout).toContain('Worker slots: 0 of 8 busy');
    expect(text.stdout).toContain(
      'Totals so far: 2 enqueued, 1 started, 0 succeeded, 1 failed, 1 retries',
    );

    expect(json.code, json.stderr).toBe(0);
    const s = JSON.parse(json.stdout) as {
      seq: number;
      lastSeq: number;
      event: { kind: string; seq: number };
      queues: { queue: string; inFlight: number }[];
      slots: Record<string, string>;
      messages: Record<string, { status: string; attempt: number }>;
      workerSlots: { worker: number; threads: number }[];
    };
    expect(s.seq).toBe(8);
    expect(s.lastSeq).toBe(22);
    expect(s.event).toMatchObject({ seq: 8, kind: 'started' });
    expect(s.queues).toEqual([{ queue: 'default', ready: 0, delayed: 0, inFlight: 1, dead: 0 }]);
    expect(Object.values(s.messages)).toMatchObject([{ status: 'running', attempt: 2 }]);
    expect(Object.keys(s.slots)).toEqual(['0:0']);
    expect(s.workerSlots).toEqual([{ worker: 0, threads: 8 }]);

    // A SEQ beyond the journal: a coded error naming the last seq.
    expect(beyond.code).toBe(2);
    expect(beyond.stderr).toContain(
      `error [SEQ_OUT_OF_RANGE]: --at 23 is past the end of ${run}, whose journal has events 1..22`,
    );
    expect(beyond.stdout).toBe('');
  });

  it('replays the run from its stored scenario and seed in another process: the journal matches', async () => {
    const cwd = scratchDir();
    const before = fileState(run);
    const replay = await rehearsal(['replay', run, '--db', 'again.db'], { cwd });
    expect(replay.code, replay.stderr).toBe(0);
    expect(replay.stdout).toBe(
      `The replay of ${run} matches: all 22 events are identical (seed 1). The replayed run is in again.db.\n`,
    );
    expect(existsSync(join(cwd, 'again.db'))).toBe(true);
    expect(fileState(run)).toBe(before);
  });

  it("walks one message's history step by step, each event with the message's state after it", async () => {
    const r = await rehearsal(['replay', run, '--message', 'api-call'], { cwd: scratchDir() });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /^History of message api-call \([0-9a-f-]{36}\): actor call_external_api on queue default, 22 events/,
    );
    expect(r.stdout).toMatch(
      / 3 +0\.027s +failed .*ConnectionError: connection refused\n +→ failed on attempt 1: ConnectionError: connection refused/,
    );
    expect(r.stdout).toMatch(
      / 5 +0\.027s +enqueued .*reason=retry.*\n +→ delayed until t = 1\.452s, retries 1/,
    );
    expect(r.stdout).toContain(
      '→ finished (succeeded after 4 attempts, result "https://example.test/orders/42")',
    );
  });

  it('forks the run with fewer retries, and diff shows the message dead instead of done', async () => {
    const cwd = scratchDir();
    const fork = await rehearsal(
      [
        'fork',
        run,
        '--at',
        '4',
        '--set',
        'actors.call_external_api.options.max_retries=1',
        '--db',
        'f.db',
      ],
      { cwd },
    );
    expect(fork.code, fork.stderr).toBe(0);
    expect(fork.stdout).toContain(`Forked ${run} at event 4 into f.db: events 1..4 are shared`);
    expect(fork.stdout).toContain(`Compare: rehearsal diff ${run} f.db`);

    const diff = await rehearsal(['diff', run, 'f.db'], { cwd });
    expect(diff.code, diff.stderr).toBe(0);
    expect(diff.stdout).toContain('1 message changed fate or attempts:');
    expect(diff.stdout).toMatch(
      /^api-call\s+call_external_api\s+done, 4 attempts\s+dead, 2 attempts$/m,
    );
    expect(diff.stdout).toMatch(/^dead letters\s+0\s+1\s+\+1$/m);
    expect(diff.stdout).toMatch(/^makespan\s+13\.786s\s+1\.655s\s+-12\.131s$/m);
    expect(diff.stdout).toMatch(/^latency p95\s+13\.786s\s+1\.655s\s+-12\.131s$/m);
  });

  it("forks a fork after its fork point and keeps the parent's change", async () => {
    const cwd = scratchDir();
    const first = await rehearsal(
      [
        'fork',
        run,
        '--at',
        '4',
        '--set',
        'actors.call_external_api.options.max_retries=2',
        '--db',
        'a.db',
      ],
      { cwd },
    );
    expect(first.code, first.stderr).toBe(0);
    const second = await rehearsal(
      [
        'fork',
        'a.db',
        '--at',
        '8',
        '--set',
        'actors.call_external_api.options.min_backoff=10',
        '--db',
        'b.db',
      ],
      { cwd },
    );
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain(
      "Kept from a.db's own history: actors.call_external_api.options.max_retries=2 after event 4.",
    );
    // max_retries 2 still holds (three attempts, then dead); the shorter backoff only moves time.
    const diff = await rehearsal(['diff', run, 'b.db'], { cwd });
    expect(diff.code, diff.stderr).toBe(0);
    expect(diff.stdout).toMatch(
      /^api-call\s+call_external_api\s+done, 4 attempts\s+dead, 3 attempts$/m,
    );
    const replay = await rehearsal(['replay', 'b.db'], { cwd });
    expect(replay.code, replay.stdout + replay.stderr).toBe(0);
  });

  it('requeues dead letters of a run on its own time, and a fork after the requeue is refused', async () => {
    const cwd = scratchDir();
    const scenario = fileURLToPath(
      new URL('../../scenarios/dead-letters-and-requeue.json', import.meta.url),
    );
    expect((await rehearsal(['run', scenario, '--db', 'd.db'], { cwd })).code).toBe(0);
    const db = join(cwd, 'd.db');
    const before = new SqliteBroker({ file: db });
    const lastSeq = before.journal.lastSeq();
    const lastT = before.journal.page(lastSeq - 1, 1)[0]!.t;
    const dead = before.deadLetters().length;
    before.close();
    expect(dead).toBeGreaterThan(0);
    const requeue = await rehearsal(['dlq', 'requeue', '--all', '--db', db], { cwd });
    expect(requeue.code).toBe(0);
    const after = new SqliteBroker({ file: db });
    const added = after.journal.page(lastSeq, 1000);
    after.close();
    expect(added.filter((e) => e.kind === 'enqueued')).toHaveLength(dead);
    // On the run's virtual time, right where it ended: not today's wall clock.
    expect(added.every((e) => e.t === lastT)).toBe(true);
    const [late, early] = await Promise.all([
      rehearsal(['fork', db, '--at', String(lastSeq + 1), '--set', 'workers[0].threads=2'], {
        cwd,
      }),
      rehearsal(
        ['fork', db, '--at', String(lastSeq), '--set', 'workers[0].threads=2', '--db', 'f.db'],
        {
          cwd,
        },
      ),
    ]);
    expect(late.code).toBe(2);
    expect(late.stderr).toContain(`error [FORK_AFTER_MANUAL_CHANGE]`);
    expect(late.stderr).toContain(`changed by hand from event ${lastSeq + 1} on`);
    expect(early.code).toBe(0);
  });

  it('refuses a fork path that does not exist, a SEQ beyond the journal and a database that is not a run, leaving no fork behind', async () => {
    const cwd = scratchDir();
    // A Rehearsal database that workers use, not a run.
    const notRun = join(cwd, 'worker.db');
    new SqliteBroker({ file: notRun }).close();
    const setRetries = (n: number): string => `actors.call_external_api.options.max_retries=${n}`;
    const [path, seq, notARun] = await Promise.all([
      rehearsal(
        ['fork', run, '--at', '4', '--set', 'actors.call_external_ap.options.max_retries=1'],
        { cwd },
      ),
      rehearsal(['fork', run, '--at', '99', '--set', setRetries(1), '--db', 'b.db'], { cwd }),
      rehearsal(['fork', notRun, '--at', '1', '--set', 'workers[0].threads=2', '--db', 'c.db'], {
        cwd,
      }),
    ]);
    expect(path.code).toBe(2);
    expect(path.stderr).toContain(
      'error [FORK_PATH_UNKNOWN]: cannot fork on "actors.call_external_ap.options.max_retries": no actor named "call_external_ap" — did you mean "call_external_api"?',
    );
    expect(seq.code).toBe(2);
    expect(seq.stderr).toContain(
      `error [SEQ_OUT_OF_RANGE]: --at 99 is past the end of ${run}, whose journal has events 1..22`,
    );
    expect(notARun.code).toBe(2);
    expect(notARun.stderr).toContain('error [NOT_A_RUN]');
    for (const f of ['b.db', 'c.db']) expect(existsSync(join(cwd, f))).toBe(false);
    // Nor the default name, next to the run.
    expect(existsSync(join(runDir, 'base.fork-at-4.db'))).toBe(false);
  });
});
