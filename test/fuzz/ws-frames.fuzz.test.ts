/**
 * Fuzz target (b): Engine API frames over the WebSocket of `rehearsal serve`. Every frame —
 * arbitrary text, binary, arbitrary JSON, and mutated valid frames of every method — gets exactly
 * one response: a valid result or a coded error (never `INTERNAL`); a refused frame leaves the run
 * databases byte-identical; and the server stays up (a valid request after each frame works, and
 * a new connection opens at the end).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { METHOD_NAMES } from '../../core/host/api/methods.ts';
import { MemoryLogger, startServer, type RunningServer } from '../../core/index.ts';
import { tempDir } from '../helpers/temp-db.ts';
import { dirState } from './file-state.ts';
import { fcParams, fuzzRuns, fuzzTimeout, reportCount } from './fuzz-config.ts';
import {
  applyMutations,
  EDGE_VALUES,
  jsonArb,
  mutationsArb,
  textDamageArb,
  damageText,
  type Json,
} from './json-mutations.ts';

const SCENARIO = 'retries-with-backoff';
const ACTOR = 'call_external_api';
const GALLERY_DATA = JSON.parse(
  readFileSync(fileURLToPath(new URL(`../../scenarios/${SCENARIO}.json`, import.meta.url)), 'utf8'),
) as Json;

/** One valid params object (or more) per method: the seeds of the mutations. */
const VALID_PARAMS: Record<string, Json[]> = {
  enqueue: [
    { actor: ACTOR, args: [1, 'x'], kwargs: { a: 1 }, delayMs: 10, options: { max_retries: 1 } },
    { actor: ACTOR, label: 'fuzz' },
  ],
  sendPipeline: [{ steps: [{ actor: ACTOR, args: [1] }, { actor: ACTOR }], delayMs: 0 }],
  sendGroup: [
    {
      children: [{ actor: ACTOR }, { pipeline: [{ actor: ACTOR }, { actor: ACTOR }] }],
      onComplete: { actor: ACTOR, args: [] },
      label: 'g',
    },
  ],
  loadScenario: [{ name: SCENARIO, seed: 2 }, { scenario: GALLERY_DATA }],
  openRun: [{ runId: 'rehearsal.db' }],
  'worker.start': [{}],
  'worker.pause': [{}],
  'worker.resume': [{}],
  'clock.step': [{}],
  'clock.runUntil': [{ timeMs: 2000 }, { idle: true }],
  'clock.setSpeed': [{ factor: 0 }],
  'dlq.requeue': [{ all: true, queue: 'default' }, { ids: [1] }, { messageIds: ['x'] }],
  'queue.purge': [{ queue: 'default' }],
  'queue.pause': [{ queue: 'default' }],
  'queue.resume': [{ queue: 'default' }],
  fork: [{ atSeq: 2, sets: [`actors.${ACTOR}.options.max_retries=1`] }],
  info: [{}],
  queues: [{}],
  messages: [{ queue: 'default', status: ['ready', 'dead'], text: 'api', limit: 5, order: 'desc' }],
  message: [{ messageId: 'x' }],
  result: [{ messageId: 'x' }],
  stateAt: [{ seq: 3 }],
  journalPage: [{ afterSeq: 0, limit: 20 }],
  stats: [{}],
  deadLetters: [{ queue: 'default', limit: 10 }],
  scenarios: [{}],
  runs: [{}],
};

/** Fork paths that once reached Object.prototype (fork.ts), mixed into `fork` frames. */
const HOSTILE_SETS = [
  `actors.${ACTOR}.behavior.__proto__.polluted=1`,
  `actors.${ACTOR}.behavior.constructor.prototype.polluted=1`,
  `actors.${ACTOR}.options.__proto__={"polluted":1}`,
  'workers[0].threads=1000000000',
  'workers[99].threads=1',
  `actors.${ACTOR}.behavior.fail={"first":1e308,"error":"E"}`,
];

/** A valid frame of any kind, before mutation. */
const validFrameArb: fc.Arbitrary<Json> = fc.oneof(
  fc
    .constantFrom(...METHOD_NAMES)
    .chain((method) =>
      fc
        .constantFrom(...(VALID_PARAMS[method] ?? [{}]))
        .map((params): Json => ({ type: 'request', id: 1, method, params })),
    ),
  fc.constant<Json>({ type: 'subscribe', id: 1, fromSeq: 0 }),
  fc.constant<Json>({ type: 'unsubscribe', id: 1, subscriptionId: 1 }),
  fc.constantFrom(...HOSTILE_SETS).map((set): Json => ({
    type: 'request',
    id: 1,
    method: 'fork',
    params: { atSeq: 0, sets: [set] },
  })),
);

/** What the fuzzer sends: text, binary, or a JSON value (sent as text). */
type Sent = { kind: 'text'; text: string } | { kind: 'binary'; bytes: Uint8Array };

const sentArb: fc.Arbitrary<Sent> = fc.oneof(
  {
    weight: 1,
    arbitrary: fc.string({ maxLength: 64 }).map((text): Sent => ({ kind: 'text', text })),
  },
  {
    weight: 1,
    arbitrary: fc.uint8Array({ maxLength: 64 }).map((bytes): Sent => ({ kind: 'binary', bytes })),
  },
  { weight: 2, arbitrary: jsonArb.map((v): Sent => ({ kind: 'text', text: JSON.stringify(v) })) },
  {
    weight: 2,
    arbitrary: fc
      .constantFrom(...EDGE_VALUES)
      .map((v): Sent => ({ kind: 'text', text: JSON.stringify(v) })),
  },
  {
    weight: 10,
    arbitrary: fc
      .tuple(validFrameArb, mutationsArb(3), fc.boolean())
      .map(([frame, ms, mutate]): Sent => {
        const v = mutate ? applyMutations(frame, ms) : frame;
        return { kind: 'text', text: v === undefined ? '' : JSON.stringify(v) };
      }),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(validFrameArb, textDamageArb)
      .map(([frame, d]): Sent => ({ kind: 'text', text: damageText(JSON.stringify(frame), d) })),
  },
);

type Frame = {
  type: string;
  id?: unknown;
  ok?: boolean;
  result?: unknown;
  error?: { code: string; message: string; details: Record<string, unknown> };
};

/**
 * A test client: raw frames in, parsed frames out. Keeps the responses not yet taken (events
 * frames are only counted: a long run would otherwise hold every event of every subscription).
 */
class RawClient {
  responses: Frame[] = [];
  hello = false;
  events = 0;
  private waiters: (() => void)[] = [];
  closed = false;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data)) as Frame;
      if (frame.type === 'response') this.responses.push(frame);
      else if (frame.type === 'hello') this.hello = true;
      else this.events++;
      for (const w of this.waiters.splice(0)) w();
    });
    ws.on('close', () => {
      this.closed = true;
      for (const w of this.waiters.splice(0)) w();
    });
  }

  static async open(url: string): Promise<RawClient> {
    const ws = new WebSocket(url);
    const c = new RawClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return c;
  }

  /** Waits until `done()` holds (or fails after `timeoutMs`). */
  async until(what: string, done: () => boolean, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      if (this.closed) throw new Error(`connection closed while waiting for ${what}`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 200);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Sends a frame and returns the response with `id` (taking it out of `responses`). */
  async exchange(frame: Record<string, unknown> & { id: string }): Promise<Frame> {
    this.ws.send(JSON.stringify(frame));
    let found: Frame | undefined;
    await this.until(`${String(frame.method ?? frame.type)} (${frame.id})`, () => {
      found = this.responses.find((f) => f.id === frame.id);
      return found !== undefined;
    });
    this.responses = this.responses.filter((f) => f !== found);
    return found!;
  }

  /** Sends a valid request and returns its response. */
  call(id: string, method: string, params: unknown = {}): Promise<Frame> {
    return this.exchange({ type: 'request', id, method, params });
  }
}

/** Rewrites any frame id to `id` (so each input's answer can be found), keeping broken ones. */
function withId(text: string, id: string): string {
  try {
    const v = JSON.parse(text) as unknown;
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && 'id' in v) {
      const o = v as Record<string, unknown>;
      if (typeof o.id === 'number' || typeof o.id === 'string') {
        o.id = id;
        if (o.type === 'unsubscribe' && o.subscriptionId === 1) o.subscriptionId = id;
        return JSON.stringify(o);
      }
    }
  } catch {
    // not JSON: sent as it is
  }
  return text;
}

let server: RunningServer;
let dir: string;
const logger = new MemoryLogger();

beforeAll(async () => {
  dir = tempDir();
  server = await startServer({
    db: join(dir, 'rehearsal.db'),
    scenario: SCENARIO,
    maxRequestsPerSecond: 1_000_000,
    logger,
  });
});

afterAll(async () => {
  await server?.close();
});

describe('Engine API frames over the WebSocket under fuzzing', () => {
  const runs = fuzzRuns(1000);
  it(
    'answers every frame once, with a result or a coded error, writes nothing when refusing, and stays up',
    { timeout: fuzzTimeout(runs, 40) },
    async () => {
      let client = await RawClient.open(server.wsUrl);
      await client.until('hello', () => client.hello);
      let n = 0;
      const counts = { ok: 0, refused: 0 };
      const codes = new Map<string, number>();
      const t0 = performance.now();
      await fc.assert(
        fc.asyncProperty(sentArb, async (sent) => {
          n++;
          if (client.closed) client = await RawClient.open(server.wsUrl);
          // Every 100 inputs, back to a fresh live run (an openRun may have left inspect mode).
          if (n % 100 === 0) await client.call(`reload${n}`, 'loadScenario', { name: SCENARIO });
          const before = dirState(dir);
          const id = `f${n}`;
          client.responses = [];
          if (sent.kind === 'binary') client.ws.send(sent.bytes);
          else client.ws.send(withId(sent.text, id));
          const sentinel = `s${n}`;
          client.ws.send(JSON.stringify({ type: 'request', id: sentinel, method: 'info' }));
          // Exactly one answer to the input besides the sentinel's.
          await client.until(`the answer to input ${n}`, () => {
            const rs = client.responses;
            return rs.some((r) => r.id === sentinel) && rs.some((r) => r.id !== sentinel);
          });
          const rs = client.responses;
          client.responses = [];
          const sentinelAnswer = rs.find((r) => r.id === sentinel)!;
          expect(sentinelAnswer.ok, 'the server still answers a valid request').toBe(true);
          const answers = rs.filter((r) => r.id !== sentinel);
          expect(answers, 'one answer per input').toHaveLength(1);
          const answer = answers[0]!;
          if (answer.id !== null) expect(answer.id).toBe(id);
          if (answer.ok === true) {
            counts.ok++;
            if (process.env.FUZZ_TRACE)
              console.log(`TRACE ${n} ok ${sent.kind === 'text' ? withId(sent.text, id) : 'bin'}`);
            // A played clock writes in the background: stop it before the next input.
            await client.call(`pause${n}`, 'clock.setSpeed', { factor: 0 });
            // A subscription would get every later event: end it (the unsubscribe path is fuzzed
            // too, by the unsubscribe frames).
            const sub = answer.result as { subscriptionId?: unknown } | undefined;
            if (typeof sub?.subscriptionId === 'string')
              await client.exchange({
                type: 'unsubscribe',
                id: `u${n}`,
                subscriptionId: sub.subscriptionId,
              });
            return;
          }
          counts.refused++;
          if (process.env.FUZZ_TRACE)
            console.log(
              `TRACE ${n} refused ${answer.error?.code} ${sent.kind === 'text' ? withId(sent.text, id).slice(0, 300) : 'bin'}`,
            );
          const err = answer.error!;
          expect(err.code).toMatch(/^[A-Z][A-Z0-9_]+$/);
          expect(err.code, `${err.code}: ${err.message}`).not.toBe('INTERNAL');
          expect(err.message.length).toBeGreaterThan(0);
          expect(err.message).not.toMatch(/\n\s+at /);
          codes.set(err.code, (codes.get(err.code) ?? 0) + 1);
          expect(dirState(dir), `refused input ${n} (${err.code}) wrote nothing`).toBe(before);
          expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        }),
        fcParams(runs),
      );
      reportCount('ws/frames', n, performance.now() - t0);
      console.log(
        `  ${counts.ok} answered, ${counts.refused} refused:`,
        [...codes].map(([c, k]) => `${c} ${k}`).join(', '),
      );
      // The scenario's actor fails on purpose (worker logs); the host and server log nothing.
      const internal = logger.records.filter(
        (r) => r.logger === 'rehearsal.host' || r.logger === 'rehearsal.server',
      );
      expect(internal.map((r) => `${r.message}: ${String(r.error)}`)).toEqual([]);
      // A new connection still opens and works.
      const fresh = await RawClient.open(server.wsUrl);
      expect((await fresh.call('last', 'queues')).ok).toBe(true);
      fresh.ws.close();
      client.ws.close();
    },
  );
});
