/**
 * Fuzz target (d): message JSON on the queue. Rows are written straight into the `messages` table
 * of a real SQLite file (as a foreign process or a damaged file would leave them): arbitrary and
 * mutated bodies, odd column values. A worker then runs on the file. Every bad row is
 * dead-lettered with a coded error (or, when it can never be claimed, left alone); the worker
 * never crashes, never leaves a row it claimed behind, and still processes a valid message sent
 * after the bad ones; the journal still exports and folds.
 */
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  actor,
  MemoryLogger,
  RehearsalError,
  SeededRng,
  SqliteBroker,
  TimeTravel,
  toExportLine,
  toMessageData,
  VirtualClock,
  Worker,
  type Actor,
  type Message,
} from '../../core/index.ts';
import { tempDir } from '../helpers/temp-db.ts';
import { fcParams, fuzzRuns, fuzzTimeout, reportCount } from './fuzz-config.ts';
import {
  applyMutations,
  damageText,
  EDGE_VALUES,
  jsonArb,
  mutationsArb,
  textDamageArb,
  type Json,
} from './json-mutations.ts';

const T0 = 1_767_225_600_000;
const DAY_MS = 86_400_000;

/** Valid message bodies (wire data) that exercise every option the middleware reads. */
function validBodies(): Json[] {
  const base = (actorName: string, args: Json[], options: Record<string, Json>): Json =>
    toMessageData({
      queueName: 'default',
      actorName,
      args,
      kwargs: {},
      options,
      messageId: 'b0000000-0000-4000-8000-000000000001',
      messageTimestamp: T0,
    } as Message) as unknown as Json;
  const next = base('add', [1], {});
  return [
    base('add', [1, 2], {}),
    base('add', [1, 2], { max_retries: 1, retries: 0, min_backoff: 10, max_backoff: 100 }),
    base('boom', [], { max_retries: 1, min_backoff: 1, max_backoff: 2, retries: 0 }),
    base('boom', [], {
      max_retries: 0,
      throws: ['ValueError'],
      on_failure: 'add',
      on_retry_exhausted: 'add',
    }),
    base('add', [2, 3], { on_success: 'add', store_results: true, result_ttl: 1000 }),
    base('add', [2, 3], { pipe_target: next, pipe_ignore: false }),
    base('add', [2, 3], {
      group_completion_uuid: 'g-1',
      group_completion_callbacks: [next],
    }),
    base('add', [1, 2], { time_limit: 1000, max_age: 60_000, notify_shutdown: true }),
    base('add', [1, 2], { eta: T0 + 50, delay: 5, traceback: 'x', requeue_timestamp: T0 }),
    { ...(base('add', [1, 2], {}) as Record<string, Json>), queue_name: 'default.DQ' },
  ];
}

/** A body: a mutated valid one, damaged text, or anything at all. */
const bodyArb: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc
      .tuple(fc.constantFrom(...validBodies()), mutationsArb(3))
      .map(([b, ms]) => JSON.stringify(applyMutations(b, ms) ?? null)),
  },
  { weight: 1, arbitrary: fc.constantFrom(...validBodies()).map((b) => JSON.stringify(b)) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.constantFrom(...validBodies()), textDamageArb)
      .map(([b, d]) => damageText(JSON.stringify(b), d)),
  },
  { weight: 1, arbitrary: jsonArb.map((v) => JSON.stringify(v)) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '',
      'null',
      '[]',
      '{}',
      'NaN',
      '{"args": [NaN, Infinity]}',
      '\u0000',
    ),
  },
);

const numberish = (...xs: (number | string)[]) => fc.constantFrom(...xs);

/** A row of the `messages` table (NOT NULL columns are never null: SQLite would refuse). */
type Row = {
  message_id: string;
  queue: string;
  actor: string;
  state: number | string;
  ready_at: number | string;
  body: string;
  label: string | null;
  attempts: number | string;
  lease_owner: string | null;
  lease_until: number | null;
  enqueued_at: number | string;
};

const rowArb: fc.Arbitrary<Row> = fc.record({
  message_id: fc.oneof(
    fc.uuid(),
    fc.string({ maxLength: 12 }),
    fc.constantFrom(...EDGE_VALUES.filter((v): v is string => typeof v === 'string')),
  ),
  queue: fc.oneof(
    { weight: 6, arbitrary: fc.constant('default') },
    { weight: 1, arbitrary: fc.constantFrom('default.DQ', 'default.XQ', 'other', '', '💥') },
  ),
  actor: fc.constantFrom('add', 'add', 'boom', 'nope', ''),
  state: fc.oneof(
    { weight: 8, arbitrary: numberish(0, 1) },
    { weight: 1, arbitrary: numberish(2, 3, -1, 7, 0.5, 'x') },
  ),
  ready_at: fc.oneof(
    { weight: 6, arbitrary: numberish(T0 - 1000, T0, T0 + 500) },
    { weight: 1, arbitrary: numberish(-1, 0, T0 + 400 * DAY_MS, 1e308, 0.5, 'soon', '') },
  ),
  body: bodyArb,
  label: fc.oneof(fc.constant(null), fc.string({ maxLength: 8 }), fc.constant('p[0]')),
  attempts: fc.oneof(
    { weight: 6, arbitrary: numberish(0) },
    { weight: 1, arbitrary: numberish(1, -1, 1e9, 2.5, 'x') },
  ),
  lease_owner: fc.oneof(
    { weight: 6, arbitrary: fc.constant(null) },
    { weight: 1, arbitrary: fc.constant('ghost') },
  ),
  lease_until: fc.oneof(
    { weight: 6, arbitrary: fc.constant(null) },
    { weight: 1, arbitrary: fc.constantFrom(T0 - 1, T0 + 10 * DAY_MS) },
  ),
  enqueued_at: fc.oneof(
    { weight: 6, arbitrary: numberish(T0) },
    { weight: 1, arbitrary: numberish(-1, 1e308, 'x') },
  ),
});

/** Log lines a hostile row may cause; anything else at ERROR or above is a finding. */
const EXPECTED_LOGS = [
  /^Failed to decode message /,
  /^Failed to process message .* with unhandled exception\.$/,
  /^Retries exceeded for message /,
  /^Received message for undefined actor .*\. Moving it to the DLQ\./,
  // A callback option naming an unknown actor: logged, the message keeps its fate (Dramatiq).
  /^Unexpected failure in after_process_message: (on_success|on_failure|on_retry_exhausted) actor .* is not declared/,
];

let dir: string;
let file: string;
let clock: VirtualClock;
let logger: MemoryLogger;
let broker: SqliteBroker;
let raw: Database.Database;
let add: Actor;

beforeAll(() => {
  dir = tempDir();
  file = `${dir}/rows.db`;
  clock = new VirtualClock(T0);
  logger = new MemoryLogger();
  broker = new SqliteBroker({ file, clock, rng: new SeededRng(5), logger });
  add = actor((x: number, y: number) => x + y, { actorName: 'add', broker, storeResults: true });
  actor(
    () => {
      const e = new Error('boom');
      e.name = 'ValueError';
      throw e;
    },
    { actorName: 'boom', broker, maxRetries: 1, minBackoff: 1, maxBackoff: 2 },
  );
  // A second connection, as another process writing to the same file would be.
  raw = new Database(file);
  raw.pragma('busy_timeout = 5000');
});

afterAll(() => {
  raw?.close();
  broker?.close();
});

describe('message rows under fuzzing', () => {
  const runs = fuzzRuns(600);
  it(
    'dead-letters or leaves alone every bad row, never crashes the worker, and still runs a valid message',
    { timeout: fuzzTimeout(runs, 60) },
    async () => {
      const insert = raw.prepare(
        `INSERT INTO messages (message_id, queue, actor, state, ready_at, body, label, attempts,
           lease_owner, lease_until, enqueued_at)
         VALUES (@message_id, @queue, @actor, @state, @ready_at, @body, @label, @attempts,
           @lease_owner, @lease_until, @enqueued_at)`,
      );
      const travel = new TimeTravel(broker.store, broker.journal);
      let n = 0;
      let rows = 0;
      let runaways = 0;
      const t0 = performance.now();
      await fc.assert(
        fc.asyncProperty(fc.array(rowArb, { minLength: 1, maxLength: 4 }), async (batch) => {
          n++;
          rows += batch.length;
          // Each input starts from an empty table (a failed input may have left rows behind).
          raw.prepare('DELETE FROM messages').run();
          const firstSeq = broker.journal.lastSeq() + 1;
          const logsBefore = logger.records.length;
          const ids = batch.map((r) => Number(insert.run(r).lastInsertRowid));
          const worker = new Worker(broker, { threads: 2 });
          worker.start();
          const control = add.send(2, 3);
          let runaway = false;
          try {
            await clock.run({
              untilMs: clock.now() + 8 * DAY_MS,
              untilIdle: false,
              maxTimers: 5000,
            });
          } catch (err) {
            // A row whose options retry at once forever (min_backoff 0, max_retries 1e9) is
            // Dramatiq's semantics; the clock's runaway guard stops it with a coded error.
            expect(err, String((err as Error).stack)).toBeInstanceOf(RehearsalError);
            expect((err as RehearsalError).code).toBe('CLOCK_RUNAWAY');
            runaway = true;
            runaways++;
            if (process.env.FUZZ_TRACE) console.log(`RUNAWAY ${JSON.stringify(batch)}`);
          }
          await worker.stop({ timeoutMs: 0 });
          const what = JSON.stringify(batch);

          // The valid message sent after the bad rows ran to its end.
          if (!runaway)
            expect(
              broker.journal.history(control.messageId).map((e) => e.kind),
              what,
            ).toContain('acked');

          // No row is left held by the (stopped) worker. Rows inserted in flight (state 2) are
          // someone else's lease: they come back only when that lease expires.
          const insertedInFlight = new Set(ids.filter((_, i) => batch[i]!.state === 2));
          const held = (
            raw.prepare('SELECT * FROM messages WHERE state = 2').all() as { id: number }[]
          ).filter((r) => !insertedInFlight.has(r.id));
          expect(held, what).toEqual([]);

          // Rows the worker dead-lettered carry the time they died.
          ids.forEach((id, i) => {
            if (batch[i]!.state === 3) return; // inserted dead: not the worker's doing
            const row = raw.prepare('SELECT * FROM messages WHERE id = ?').get(id) as
              { state: number; dead_at: number | null } | undefined;
            if (row?.state === 3) expect(row.dead_at, what).not.toBeNull();
          });
          for (const e of broker.journal.iterate(firstSeq - 1)) {
            expect(() => toExportLine(e), what).not.toThrow();
            if (e.kind === 'dead_lettered') expect(e.error, what).toBeTruthy();
          }

          // Nothing unexpected in the logs.
          const bad = logger.records
            .slice(logsBefore)
            .filter((r) => r.level === 'ERROR' || r.level === 'CRITICAL')
            .filter((r) => !EXPECTED_LOGS.some((re) => re.test(r.message)))
            // A hook refusing a hostile option (a `pipe_target` that is not a message) is logged
            // and swallowed, as Dramatiq's emit_after does; it must be a coded error.
            .filter(
              (r) =>
                !(
                  /^Unexpected failure in after_\w+ of \w+\.$/.test(r.message) &&
                  r.error instanceof RehearsalError
                ),
            );
          expect(
            bad.map(
              (r) =>
                `${r.logger}: ${r.message} ${String((r.error as Error | undefined)?.stack ?? '')}`,
            ),
            what,
          ).toEqual([]);

          // Time travel still folds the journal.
          if (n % 25 === 0)
            expect(() => travel.stateAt(broker.journal.lastSeq()), what).not.toThrow();

          expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        }),
        fcParams(runs),
      );
      reportCount('rows/worker', n, performance.now() - t0);
      console.log(
        `  ${rows} rows in ${n} batches; ${runaways} runaway retry loops stopped by the clock`,
      );
      expect(() => travel.stateAt(broker.journal.lastSeq())).not.toThrow();
    },
  );
});
