/**
 * The bugs the fuzzers of this folder found, each pinned by a plain test (fixed input, no
 * fast-check), so that they stay fixed whatever the fuzzers' seeds explore.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import {
  actor,
  EngineHost,
  MemoryLogger,
  parseScenario,
  RehearsalError,
  SeededRng,
  SqliteBroker,
  VirtualClock,
  Worker,
  type Actor,
} from '../../core/index.ts';
import { EngineApiError } from '../../core/host/api/index.ts';
import { applySets, parseSet } from '../../core/sim/fork.ts';
import { ScenarioError } from '../../core/sim/load-scenario.ts';
import { runMain } from '../helpers/run-main.ts';
import { tempDbPath, tempDir } from '../helpers/temp-db.ts';

const T0 = 1_767_225_600_000;
const ONE_ACTOR = { rehearsal: 1, actors: [{ name: 'a' }], messages: [{ actor: 'a' }] };

/** A broker on a fresh file, a worker-less actor `add`, and a raw second connection. */
function engine(): {
  broker: SqliteBroker;
  add: Actor;
  raw: Database.Database;
  clock: VirtualClock;
} {
  const file = tempDbPath();
  const clock = new VirtualClock(T0);
  const broker = new SqliteBroker({
    file,
    clock,
    rng: new SeededRng(1),
    logger: new MemoryLogger(),
  });
  const add = actor((x: number, y: number) => x + y, { actorName: 'add', broker });
  const raw = new Database(file);
  return { broker, add, raw, clock };
}

/** Writes a row as another process would, with `body` and an optional text `ready_at`. */
function insertRow(raw: Database.Database, body: string, readyAt: number | string = T0 - 1): void {
  raw
    .prepare(
      `INSERT INTO messages (message_id, queue, actor, state, ready_at, body, attempts, enqueued_at)
       VALUES ('m', 'default', 'add', 0, ?, ?, 0, ?)`,
    )
    .run(readyAt, body, T0);
}

function body(options: Record<string, unknown>, queue = 'default'): string {
  return JSON.stringify({
    queue_name: queue,
    actor_name: 'add',
    args: [1, 2],
    kwargs: {},
    options,
    message_id: 'bad-1',
    message_timestamp: T0,
  });
}

describe('bugs found by fuzzing', () => {
  it('a fork path through __proto__ is refused instead of writing to Object.prototype', () => {
    const s = parseScenario(ONE_ACTOR);
    for (const set of [
      'actors.a.behavior.__proto__.polluted=1',
      'actors.a.behavior.constructor.prototype.polluted=1',
      'actors.a.options.__proto__={"polluted":1}',
    ])
      expect(() => applySets(s, [parseSet(set)]), set).toThrow(
        expect.objectContaining({ code: 'FORK_PATH_UNKNOWN' }),
      );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('a scenario asking for a billion threads, processes or arrivals is refused with its path', () => {
    const cases: [object, string][] = [
      [{ ...ONE_ACTOR, workers: [{ threads: 1e9 }] }, 'workers[0].threads'],
      [{ ...ONE_ACTOR, workers: [{ processes: 5e9 }] }, 'workers[0].processes'],
      [
        { ...ONE_ACTOR, arrivals: [{ actor: 'a', process: 'burst', count: 1e9 }] },
        'arrivals[0].count',
      ],
    ];
    for (const [data, path] of cases) {
      let caught: unknown;
      try {
        parseScenario(data, 'big.json');
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(ScenarioError);
      expect((caught as ScenarioError).problems.map((p) => p.path)).toContain(path);
    }
  });

  it('forking a stored run that was changed by hand is refused up front, leaving no fork file', async () => {
    const dir = tempDir();
    const host = await EngineHost.open({
      db: join(dir, 'rehearsal.db'),
      scenario: 'retries-with-backoff',
    });
    try {
      await host.call('clock.runUntil', { idle: true });
      await host.call('enqueue', { actor: 'call_external_api', args: ['by hand'] });
      const { runId, lastSeq } = await host.call('info');
      await host.call('loadScenario', { name: 'retries-with-backoff' }); // a second run
      await host.call('openRun', { runId: runId! }); // the first one again, from its file alone
      const files = readdirSync(dir).sort();
      const err = await host.call('fork', { atSeq: lastSeq, sets: [] }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(EngineApiError);
      expect((err as EngineApiError).code).toBe('FORK_AFTER_MANUAL_CHANGE');
      expect(readdirSync(dir).sort()).toEqual(files);
      // Before the hand-made change, the fork works.
      expect(await host.call('fork', { atSeq: 3, sets: [] })).toMatchObject({ sharedEvents: 3 });
    } finally {
      await host.close();
    }
  });

  it('a database path the system refuses (too long) is a coded DB_PATH_INVALID, not a crash', async () => {
    const dir = tempDir();
    const r = await runMain(['replay', 'x'.repeat(300), '--db', join(dir, 'out.db')], { cwd: dir });
    expect(r.stderr).toMatch(/^error \[DB_PATH_INVALID\]: cannot use x+ as a database file/);
    expect(r.code).toBe(2);
  });

  it('undecodable rows at the head of a queue do not hide the valid message behind them', async () => {
    const { broker, add, raw, clock } = engine();
    for (let i = 0; i < 4; i++) insertRow(raw, 'not json'); // = the worker's prefetch (2 × 2)
    const worker = new Worker(broker, { threads: 2 });
    worker.start();
    const m = add.send(2, 3);
    await clock.run({ untilMs: T0 + 60_000, untilIdle: false });
    await worker.stop({ timeoutMs: 0 });
    expect(broker.journal.history(m.messageId).map((e) => e.kind)).toContain('acked');
    expect(broker.stats()[0]).toMatchObject({ dead: 4, ready: 0 });
    raw.close();
    broker.close();
  });

  it('a row with a text ready_at is left alone instead of waking the worker forever', async () => {
    const { broker, raw, clock } = engine();
    insertRow(raw, body({}), ''); // '' sorts after every number in SQLite: never claimable
    const worker = new Worker(broker, { threads: 1 });
    worker.start();
    const fired = await clock.run({ untilMs: T0 + 60_000, untilIdle: false, maxTimers: 100 });
    expect(fired).toBeLessThan(10);
    await worker.stop({ timeoutMs: 0 });
    raw.close();
    broker.close();
  });

  it('a body with a hostile option or queue name is dead-lettered with an error naming it', async () => {
    const { broker, raw, clock } = engine();
    insertRow(raw, body({ max_backoff: '!' }));
    insertRow(raw, body({ result_ttl: { a: 1 } }));
    insertRow(raw, body({}, '-1'));
    insertRow(raw, body({ pipe_target: [1] }));
    const worker = new Worker(broker, { threads: 2 });
    worker.start();
    await clock.run({ untilMs: T0 + 60_000, untilIdle: false });
    await worker.stop({ timeoutMs: 0 });
    const dead = [...broker.journal.iterate(0)].filter((e) => e.kind === 'dead_lettered');
    expect(dead.map((e) => e.error?.message)).toEqual([
      expect.stringContaining('message option `max_backoff` must be a number of milliseconds'),
      expect.stringContaining('message option `result_ttl`'),
      expect.stringContaining('queue name "-1" is not allowed'),
      expect.stringContaining('message option `pipe_target` must be a message object'),
    ]);
    raw.close();
    broker.close();
  });

  it('a group callback that is not a message fails alone: the member is still acked', async () => {
    const { broker, raw, clock } = engine();
    const callbacks = [{ queue_name: 'b@d', actor_name: 'add', args: [], kwargs: {}, options: {} }];
    insertRow(raw, body({ group_completion_uuid: 'g', group_completion_callbacks: callbacks }));
    const logger = broker.logger as MemoryLogger;
    const worker = new Worker(broker, { threads: 1 });
    worker.start();
    await clock.run({ untilMs: T0 + 60_000, untilIdle: false });
    await worker.stop({ timeoutMs: 0 });
    expect(broker.journal.history('bad-1').map((e) => e.kind)).toContain('acked');
    const critical = logger.records.filter((r) => r.level === 'CRITICAL');
    expect(critical.map((r) => r.message)).toEqual([
      'Unexpected failure in after_process_message of GroupCallbacks.',
    ]);
    expect(critical[0]!.error).toBeInstanceOf(RehearsalError);
    raw.close();
    broker.close();
  });
});
