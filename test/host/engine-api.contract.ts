/**
 * The Engine API contract suite: one set of behaviours, run against every implementation of
 * `EngineApi` (in process, and through the WebSocket server with `createEngineClient`), the way
 * BullMQ runs one conformance suite against every backend.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  runScenario,
  loadScenario,
  SqliteBroker,
  toExportObject,
  type JournalEvent,
} from '../../core/index.ts';
import {
  EngineApiError,
  isRunChanged,
  type EngineApi,
  type EngineEvent,
  type JournalEventWire,
} from '../../core/host/api/index.ts';
import { tempDbPath } from '../helpers/temp-db.ts';

/** One implementation under test. */
export type ContractTarget = {
  api: EngineApi;
  /** Drops the connection as a network failure would (transports only). */
  drop?: () => void;
  close(): Promise<void>;
};

const GALLERY = 'retries-with-backoff';
const ACTOR = 'call_external_api';

/** Polls `cond` until it holds (the stream is asynchronous over a socket). */
export async function waitFor(cond: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** The rejection of `p`, which must be an EngineApiError. */
async function rejection(p: Promise<unknown>): Promise<EngineApiError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(EngineApiError);
    return err as EngineApiError;
  }
  throw new Error('expected the call to reject');
}

/** The export form of a wire event (what `rehearsal run --journal` writes). */
function exported(e: JournalEventWire): Record<string, unknown> {
  return toExportObject(e as unknown as JournalEvent);
}

/** Collects a subscription's events. */
function collect(api: EngineApi, fromSeq: number, runId?: string) {
  const events: EngineEvent[] = [];
  const stop = api.subscribe(fromSeq, (e) => events.push(e), runId ? { runId } : {});
  const seqs = (): number[] => events.filter((e) => !isRunChanged(e)).map((e) => e.seq);
  return { events, stop, seqs };
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

/** Runs the contract against `open` (a fresh engine on a fresh database each time). */
export function engineApiContract(name: string, open: (db: string) => Promise<ContractTarget>) {
  describe(`Engine API contract: ${name}`, () => {
    const targets: ContractTarget[] = [];
    const start = async (): Promise<ContractTarget> => {
      const t = await open(tempDbPath());
      targets.push(t);
      return t;
    };
    afterEach(async () => {
      for (const t of targets.splice(0)) await t.close();
    });

    /** Loads the gallery scenario and steps until the first retry is scheduled. */
    async function stepToFirstRetry(api: EngineApi) {
      await api.call('loadScenario', { name: GALLERY });
      for (let i = 0; i < 50; i++) {
        const step = await api.call('clock.step');
        const page = await api.call('journalPage', { afterSeq: 0, limit: 5000 });
        const retry = page.events.find((e) => e.kind === 'retry_scheduled');
        if (retry) return { step, retry, page };
        expect(step.fired).toBe(true);
      }
      throw new Error('no retry_scheduled event after 50 steps');
    }

    it('lists the gallery and loads a scenario paused at t=0', async () => {
      const { api } = await start();
      const before = await api.call('info');
      expect(before).toMatchObject({ mode: 'empty', runId: null, lastSeq: 0 });
      const { scenarios } = await api.call('scenarios');
      expect(scenarios.map((s) => s.name)).toContain(GALLERY);
      expect(scenarios.find((s) => s.name === GALLERY)?.description).toMatch(/backoff/);
      const loaded = await api.call('loadScenario', { name: GALLERY });
      expect(loaded.title).toBe('Retries with exponential backoff');
      const info = await api.call('info');
      expect(info).toMatchObject({
        mode: 'scenario',
        runId: loaded.runId,
        lastSeq: 0,
        clock: { kind: 'virtual', t: 0, idle: false, speed: 0 },
        scenario: { name: GALLERY },
        workers: { workers: 1, started: true, paused: false },
      });
    });

    it('steps to the first retry_scheduled event; stateAt there shows the message delayed with retries=1', async () => {
      const { api } = await start();
      const { step, retry } = await stepToFirstRetry(api);
      expect(retry).toMatchObject({ actor: ACTOR, label: 'api-call', attempt: 1 });
      expect(step.t).toBe(retry.t);
      expect(step.seq).toBeGreaterThan(retry.seq);
      const world = await api.call('stateAt', { seq: step.seq });
      const m = world.messages[retry.messageId!]!;
      expect(m.status).toBe('delayed');
      expect(m.options.retries).toBe(1);
      expect(m.etaT).toBe(retry.t + retry.delay!);
      expect(world.queues).toEqual([
        { queue: 'default', ready: 0, delayed: 1, inFlight: 0, dead: 0 },
      ]);
      const queues = await api.call('queues');
      expect(queues.queues[0]).toMatchObject({ queue: 'default', delayed: 1, ready: 0 });
      const bad = await rejection(api.call('stateAt', { seq: step.seq + 1000 }));
      expect(bad.code).toBe('SEQ_OUT_OF_RANGE');
    });

    it('runs until idle and reports the message in full, its result and the stats', async () => {
      const { api } = await start();
      await api.call('loadScenario', { name: GALLERY });
      const end = await api.call('clock.runUntil', { idle: true });
      expect(end.idle).toBe(true);
      const list = await api.call('messages', {});
      expect(list.total).toBe(1);
      const summary = list.items[0]!;
      expect(summary).toMatchObject({
        actor: ACTOR,
        label: 'api-call',
        status: 'succeeded',
        finished: true,
        attempts: 4,
        reason: 'send',
        parentId: null,
      });
      const detail = await api.call('message', { messageId: summary.messageId });
      expect(detail.history.map((e) => e.kind).slice(0, 4)).toEqual([
        'enqueued',
        'started',
        'failed',
        'retry_scheduled',
      ]);
      expect(detail.history.at(-1)?.kind).toBe('acked');
      expect(detail.history.every((e) => e.messageId === summary.messageId)).toBe(true);
      expect(detail.options.retries).toBe(3);
      expect(detail.args).toEqual(['https://example.test/orders/42']);
      expect(detail.result).toBe('https://example.test/orders/42');
      expect(detail.children).toEqual([]);
      const result = await api.call('result', { messageId: summary.messageId });
      expect(result).toMatchObject({ state: 'succeeded', value: 'https://example.test/orders/42' });
      const stats = await api.call('stats');
      expect(stats.events).toBe(end.seq);
      expect(stats.actors[0]).toMatchObject({ name: ACTOR, completions: 1, retries: 3 });
      expect((await api.call('messages', { status: 'dead' })).total).toBe(0);
      expect((await api.call('messages', { text: 'ORDERS/42' })).total).toBe(1);
      expect((await api.call('messages', { label: 'api' })).total).toBe(1);
      const missing = await rejection(api.call('message', { messageId: 'nope' }));
      expect(missing.code).toBe('MESSAGE_NOT_FOUND');
    });

    it('writes the same journal when stepped as runScenario does in one go', async () => {
      const { api } = await start();
      await api.call('loadScenario', { name: GALLERY });
      for (let i = 0; i < 5; i++) await api.call('clock.step');
      await api.call('clock.runUntil', { timeMs: 2000 });
      await api.call('clock.runUntil', { idle: true });
      const page = await api.call('journalPage', { afterSeq: 0, limit: 5000 });
      const reference = tempDbPath();
      await runScenario(loadScenario(`scenarios/${GALLERY}.json`), { db: reference });
      const b = new SqliteBroker({ file: reference });
      try {
        const expected = [...b.journal.iterate(0)].map((e) => toExportObject(e));
        expect(page.events.map(exported)).toEqual(expected);
      } finally {
        b.close();
      }
    });

    it('rejects bad enqueues with coded errors and accepts a good one', async () => {
      const { api } = await start();
      await api.call('loadScenario', { name: GALLERY });
      const badArgs = await rejection(
        api.call('enqueue', { actor: ACTOR, args: 'not a list' as unknown as unknown[] }),
      );
      expect(badArgs.code).toBe('BAD_REQUEST');
      expect(badArgs.details.problems).toEqual([{ path: 'args', message: expect.any(String) }]);
      const unknownActor = await rejection(api.call('enqueue', { actor: 'call_external_ap' }));
      expect(unknownActor.code).toBe('UNKNOWN_ACTOR');
      expect(unknownActor.message).toMatch(/did you mean "call_external_api"/);
      const badDelay = await rejection(api.call('enqueue', { actor: ACTOR, delayMs: -5 }));
      expect(badDelay.code).toBe('BAD_REQUEST');
      expect(badDelay.details.problems).toEqual([{ path: 'delayMs', message: expect.any(String) }]);
      const extraKey = await rejection(
        api.call('enqueue', { actor: ACTOR, delay: 5 } as unknown as { actor: string }),
      );
      expect(extraKey.code).toBe('BAD_REQUEST');
      expect(extraKey.details.problems).toEqual([{ path: 'delay', message: 'unknown field' }]);
      const unknownMethod = await rejection(
        (api.call as (m: string, p?: unknown) => Promise<unknown>)('queus'),
      );
      expect(unknownMethod.code).toBe('UNKNOWN_METHOD');
      expect(unknownMethod.details.suggestion).toBe('queues');
      const sent = await api.call('enqueue', {
        actor: ACTOR,
        args: ['https://example.test/x'],
        delayMs: 500,
        label: 'by-hand',
      });
      const found = await api.call('messages', { label: 'by-hand' });
      expect(found.items.map((m) => m.messageId)).toEqual([sent.messageId]);
      expect(found.items[0]?.status).toBe('delayed');
    });

    it('sends pipelines and groups whose results flow and whose completion message runs', async () => {
      const { api } = await start();
      await api.call('loadScenario', {
        scenario: {
          rehearsal: 1,
          actors: [
            {
              name: 'add',
              behavior: { duration: { dist: 'constant', ms: 10 }, result: { op: 'sum' } },
            },
            { name: 'report', behavior: { duration: { dist: 'constant', ms: 1 } } },
          ],
        },
      });
      const pipe = await api.call('sendPipeline', {
        steps: [
          { actor: 'add', args: [1, 2] },
          { actor: 'add', args: [10] },
        ],
        label: 'p',
      });
      expect(pipe.messageIds).toHaveLength(2);
      const grp = await api.call('sendGroup', {
        children: [
          { actor: 'add', args: [1, 1] },
          {
            pipeline: [
              { actor: 'add', args: [2] },
              { actor: 'add', args: [3] },
            ],
          },
        ],
        onComplete: { actor: 'report' },
      });
      expect(grp.children.map((c) => c.messageIds.length)).toEqual([1, 2]);
      await api.call('clock.runUntil', { idle: true });
      const last = await api.call('result', { messageId: pipe.messageIds[1]! });
      expect(last).toMatchObject({ state: 'succeeded', value: 13 });
      const first = await api.call('message', { messageId: pipe.messageIds[0]! });
      expect(first.children).toEqual([pipe.messageIds[1]]);
      expect((await api.call('message', { messageId: pipe.messageIds[1]! })).parentId).toBe(
        pipe.messageIds[0],
      );
      const done = await api.call('message', { messageId: grp.onCompleteId! });
      expect(done).toMatchObject({ actor: 'report', status: 'succeeded', finished: true });
      const page = await api.call('journalPage', { afterSeq: 0, limit: 5000 });
      expect(page.events.filter((e) => e.kind === 'group_completed')).toHaveLength(1);
      const badGroup = await rejection(api.call('sendGroup', { children: [{ pipeline: [] }] }));
      expect(badGroup.code).toBe('BAD_REQUEST');
    });

    it('reports every scenario problem with its JSON path', async () => {
      const { api } = await start();
      const err = await rejection(
        api.call('loadScenario', {
          scenario: {
            rehearsal: 1,
            actors: [{ name: 'a', options: { max_retires: 3 }, behavior: {} }],
            messages: [{ actor: 'b' }],
          },
        }),
      );
      expect(err.code).toBe('SCENARIO_INVALID');
      expect(err.details.problems).toEqual(
        expect.arrayContaining([
          { path: 'actors[0].options.max_retires', message: expect.stringMatching(/max_retries/) },
        ]),
      );
      const unknown = await rejection(api.call('loadScenario', { name: 'retries-with-backof' }));
      expect(unknown.code).toBe('SCENARIO_NOT_FOUND');
      expect((await api.call('info')).mode).toBe('empty');
    });

    it('subscribing from a middle seq delivers exactly the remaining events, once and in order', async () => {
      const { api } = await start();
      await api.call('loadScenario', { name: GALLERY });
      const first = await api.call('clock.runUntil', { idle: true });
      const mid = Math.floor(first.seq / 2);
      const sub = collect(api, mid);
      await waitFor(() => sub.seqs().at(-1) === first.seq, 'the stored events');
      expect(sub.seqs()).toEqual(range(mid + 1, first.seq));
      // Live events follow on without a gap or a repeat.
      await api.call('enqueue', { actor: ACTOR, args: ['https://example.test/live'] });
      const second = await api.call('clock.runUntil', { idle: true });
      expect(second.seq).toBeGreaterThan(first.seq);
      await waitFor(() => sub.seqs().at(-1) === second.seq, 'the live events');
      expect(sub.seqs()).toEqual(range(mid + 1, second.seq));
      sub.stop();
      await api.call('enqueue', { actor: ACTOR, args: ['https://example.test/after'] });
      await api.call('clock.runUntil', { idle: true });
      await new Promise((r) => setTimeout(r, 30));
      expect(sub.seqs().at(-1)).toBe(second.seq);
    });

    it('a subscription made while the clock runs has no gap and no duplicate', async () => {
      const { api } = await start();
      await api.call('loadScenario', { name: GALLERY });
      const running = api.call('clock.runUntil', { idle: true });
      const sub = collect(api, 0);
      const end = await running;
      await waitFor(() => sub.seqs().at(-1) === end.seq, 'every event');
      expect(sub.seqs()).toEqual(range(1, end.seq));
      const wire = sub.events.filter((e): e is JournalEventWire => !isRunChanged(e));
      expect(wire.every((e) => typeof e.t === 'number' && typeof e.kind === 'string')).toBe(true);
      sub.stop();
    });

    it('gives each of several subscribers its exact tail of a long journal while the clock runs', async () => {
      const { api } = await start();
      await api.call('loadScenario', {
        scenario: {
          rehearsal: 1,
          seed: 3,
          workers: [{ threads: 4 }],
          actors: [{ name: 'work', behavior: { duration: { dist: 'constant', ms: 5 } } }],
          arrivals: [{ actor: 'work', process: 'uniform', rate: 1000, count: 300 }],
        },
      });
      await api.call('clock.runUntil', { timeMs: 100 });
      const early = collect(api, 0);
      const running = api.call('clock.runUntil', { idle: true });
      const middle = collect(api, 10);
      await new Promise((r) => setTimeout(r, 1));
      const lateFrom = (await api.call('info')).lastSeq;
      const late = collect(api, lateFrom);
      const end = await running;
      expect(end.seq).toBeGreaterThan(1000);
      for (const [sub, from] of [
        [early, 0],
        [middle, 10],
        [late, lateFrom],
      ] as const) {
        await waitFor(() => sub.seqs().at(-1) === end.seq, `events after ${from}`);
        expect(sub.seqs()).toEqual(range(from + 1, end.seq));
        sub.stop();
      }
    });

    it('tells subscribers when another run is loaded and streams it from seq 1', async () => {
      const { api } = await start();
      const firstRun = await api.call('loadScenario', { name: GALLERY });
      const sub = collect(api, 0);
      await api.call('clock.runUntil', { idle: true });
      const secondRun = await api.call('loadScenario', { name: 'delayed-reminders' });
      expect(secondRun.runId).not.toBe(firstRun.runId);
      const end = await api.call('clock.runUntil', { idle: true });
      await waitFor(
        () => sub.events.some(isRunChanged) && sub.events.at(-1)?.seq === end.seq,
        'the second run',
      );
      const at = sub.events.findIndex(isRunChanged);
      expect(sub.events[at]).toEqual({ seq: 0, kind: 'run_changed', runId: secondRun.runId });
      expect(sub.events.slice(at + 1).map((e) => e.seq)).toEqual(range(1, end.seq));
      // A subscriber that names the old run is told to start over.
      const late = collect(api, 5, firstRun.runId);
      await waitFor(() => late.events.at(-1)?.seq === end.seq, 'the restarted stream');
      expect(late.events[0]).toEqual({ seq: 0, kind: 'run_changed', runId: secondRun.runId });
      expect(late.seqs()).toEqual(range(1, end.seq));
      sub.stop();
      late.stop();
    });

    it('lists the actors with their queue and effective options, live and in a stored run', async () => {
      const { api } = await start();
      expect(await api.call('actors')).toEqual({ actors: [] });
      const original = await api.call('loadScenario', { name: GALLERY });
      const expected = {
        name: ACTOR,
        queue: 'default',
        priority: 0,
        // The scenario's own options, as declared.
        declared: { max_retries: 5, min_backoff: 1000, max_backoff: 60000 },
        // Those over the default middleware's defaults (null: no age limit).
        options: {
          max_retries: 5,
          min_backoff: 1000,
          max_backoff: 60000,
          time_limit: 600000,
          max_age: null,
          notify_shutdown: false,
          result_ttl: 600000,
        },
      };
      const live = await api.call('actors');
      expect(live.actors).toHaveLength(1);
      expect(live.actors[0]).toMatchObject(expected);
      await api.call('clock.runUntil', { idle: true });
      const fork = await api.call('fork', { atSeq: 2, sets: [] });
      await api.call('openRun', { runId: fork.runId });
      await api.call('openRun', { runId: original.runId });
      expect((await api.call('info')).mode).toBe('inspect');
      const stored = await api.call('actors');
      expect(stored.actors).toHaveLength(1);
      expect(stored.actors[0]).toMatchObject(expected);
      const bad = await rejection(api.call('actors', { name: ACTOR } as never));
      expect(bad.code).toBe('BAD_REQUEST');
    });

    it('forks the run with a changed setting into a new run that can be opened', async () => {
      const { api } = await start();
      const original = await api.call('loadScenario', { name: GALLERY });
      await api.call('clock.runUntil', { idle: true });
      const fork = await api.call('fork', {
        atSeq: 2,
        sets: [`actors.${ACTOR}.options.max_retries=1`],
      });
      expect(fork.runId).not.toBe(original.runId);
      expect(fork.sharedEvents).toBe(2);
      const { runs } = await api.call('runs');
      expect(runs.map((r) => r.runId)).toEqual(
        expect.arrayContaining([original.runId, fork.runId]),
      );
      // Each run says what it is: its scenario, its events, what it forked from.
      expect(runs.find((r) => r.runId === fork.runId)).toMatchObject({
        title: original.title,
        events: fork.events,
        forkOf: { run: original.runId, atSeq: 2, sets: [`actors.${ACTOR}.options.max_retries=1`] },
      });
      expect(runs.find((r) => r.runId === original.runId)).toMatchObject({ forkOf: null });
      const opened = await api.call('openRun', { runId: fork.runId });
      expect(opened).toMatchObject({ runId: fork.runId, mode: 'inspect' });
      // Its actor is declared as the scenario had it; the fork's change holds after event 2.
      const [forked] = (await api.call('actors')).actors.filter((a) => a.name === ACTOR);
      expect(forked?.options.max_retries).not.toBe(1);
      expect(forked?.changes).toEqual([
        { atSeq: 2, options: expect.objectContaining({ max_retries: 1 }) },
      ]);
      const list = await api.call('messages', {});
      expect(list.items[0]).toMatchObject({ status: 'dead', attempts: 2 });
      const readOnly = await rejection(api.call('enqueue', { actor: ACTOR }));
      expect(readOnly.code).toBe('RUN_READ_ONLY');
      const bad = await rejection(api.call('openRun', { runId: '../etc.db' }));
      expect(bad.code).toBe('BAD_REQUEST');
    });

    it('pauses and resumes workers and queues, and requeues dead letters', async () => {
      const { api } = await start();
      await api.call('loadScenario', {
        scenario: {
          rehearsal: 1,
          actors: [
            {
              name: 'charge',
              options: { throws: ['CardDeclined'] },
              behavior: { fail: { first: 1, error: 'CardDeclined' } },
            },
          ],
          messages: [{ id: 'pay', actor: 'charge' }],
        },
      });
      await api.call('clock.runUntil', { idle: true });
      const { deadLetters } = await api.call('deadLetters', {});
      expect(deadLetters).toHaveLength(1);
      expect(deadLetters[0]).toMatchObject({ actor: 'charge', queue: 'default', label: 'pay' });
      const paused = await api.call('worker.pause');
      expect(paused.paused).toBe(true);
      expect(await api.call('queue.pause', { queue: 'default' })).toEqual({
        queue: 'default',
        paused: true,
      });
      expect((await api.call('queues')).queues[0]?.paused).toBe(true);
      const missingQueue = await rejection(api.call('queue.pause', { queue: 'defualt' }));
      expect(missingQueue.code).toBe('QUEUE_NOT_FOUND');
      expect(await api.call('dlq.requeue', { messageIds: [deadLetters[0]!.messageId] })).toEqual({
        requeued: 1,
      });
      await api.call('queue.resume', { queue: 'default' });
      await api.call('worker.resume');
      await api.call('clock.runUntil', { idle: true });
      const m = await api.call('message', { messageId: deadLetters[0]!.messageId });
      expect(m.status).toBe('succeeded');
      expect(m.attempts).toBe(2);
      const badRequeue = await rejection(api.call('dlq.requeue', {}));
      expect(badRequeue.code).toBe('BAD_REQUEST');
      const noFork = await rejection(api.call('fork', { atSeq: m.lastSeq, sets: [] }));
      expect(noFork.code).toBe('FORK_AFTER_MANUAL_CHANGE');
    });

    it('plays virtual time at a multiple of wall speed and stops when idle', async () => {
      const { api } = await start();
      await api.call('loadScenario', { name: GALLERY });
      const playing = await api.call('clock.setSpeed', { factor: 100_000 });
      expect(playing.speed).toBe(100_000);
      const started = Date.now();
      let info = await api.call('info');
      while (!info.clock.idle) {
        if (Date.now() - started > 5000) throw new Error('the run did not play to its end');
        await new Promise((r) => setTimeout(r, 10));
        info = await api.call('info');
      }
      expect(info.clock.speed).toBe(0);
      expect(info.clock.t).toBeGreaterThan(10_000);
      expect((await api.call('messages', {})).items[0]?.status).toBe('succeeded');
    });
  });
}
