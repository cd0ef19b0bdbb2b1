/**
 * `store_apply_events_per_s`: how fast the app takes in a live journal, with no DOM — the path
 * every event of a played run goes through in the browser, minus React's rendering:
 *
 *   WebSocket text frame → JSON.parse → Engine API client (frame validated with zod, delivered to
 *   the subscription) → the store's buffer → one `applyEvents` per animation frame → zustand's
 *   `set`, which notifies its subscribers (a dozen selectors, as the mounted views have).
 *
 * 1. The journal is real: a two-actor scenario (failures with retries on one queue, stored
 *    results on the other) run on the virtual clock by an `EngineHost`, read back as wire events
 *    (≥ 100 000 events; 20 000 with --quick). Its generation is not timed.
 * 2. The server side is not timed either: frames are serialised up front, 1000 events each (the
 *    server's largest `events` frame), and each frame is followed by one animation frame.
 * 3. The store runs as in the app (`createAppStore` over `createEngineClient`), on an in-memory
 *    transport that answers the few queries `start()` makes.
 * 4. Also reported, over the same events: JSON.parse alone, frame validation alone, and
 *    `applyEvents` alone (the fold), so a slow figure says where the time goes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EngineHost } from '../core/index.ts';
import {
  API_VERSION,
  createEngineClient,
  ServerFrameSchema,
  type ClientFrame,
  type JournalEventWire,
  type Transport,
  type TransportStatus,
} from '../core/host/api/index.ts';
import { applyEvents } from '../renderer/store/apply-event.ts';
import { createAppStore } from '../renderer/store/create-app-store.ts';
import { initialData } from '../renderer/store/slices/initial.ts';
import type { AppState } from '../renderer/store/types.ts';
import { nowMs } from './lib.ts';

/** Events per `events` frame (the server's maximum, core/host/dispatch.ts). */
const FRAME_EVENTS = 1000;
const RUN_ID = 'store-apply.db';

/** The figures of one run. */
export type StoreApplyResult = {
  events: number;
  /** The headline: the whole client path (item 2). */
  events_per_s: number;
  json_parse_events_per_s: number;
  validate_events_per_s: number;
  fold_events_per_s: number;
  frames: number;
  journal_seconds: number;
  kinds: Record<string, number>;
};

/** A realistic run (item 1): enough messages for `minEvents` journal events. */
function scenario(messages: number): Record<string, unknown> {
  const half = Math.ceil(messages / 2);
  return {
    rehearsal: 1,
    name: 'store-apply bench',
    seed: 11,
    actors: [
      {
        name: 'fetch_page',
        queue: 'crawl',
        options: { max_retries: 3, min_backoff: 200 },
        behavior: {
          duration: { dist: 'exponential', mean: 4 },
          fail: { probability: 0.15, error: 'ConnectionError', message: 'connection reset' },
        },
      },
      {
        name: 'resize_image',
        queue: 'images',
        options: { store_results: true },
        behavior: { duration: { dist: 'constant', ms: 3 }, result: { op: 'first_arg' } },
      },
    ],
    workers: [{ threads: 16, processes: 1 }],
    arrivals: [
      {
        actor: 'fetch_page',
        process: 'poisson',
        rate: 1500,
        count: half,
        args: ['https://x.test/p'],
      },
      {
        actor: 'resize_image',
        process: 'uniform',
        rate: 1500,
        count: half,
        args: ['cat.png', 320],
      },
    ],
  };
}

/** Runs the scenario and reads its journal as wire events (item 1). */
export async function realJournal(minEvents: number): Promise<JournalEventWire[]> {
  const dir = mkdtempSync(join(tmpdir(), 'rehearsal-bench-store-'));
  try {
    // About 4.6 events per message with this mix; a little more, then trim to whole messages.
    const host = await EngineHost.open({
      db: join(dir, RUN_ID),
      scenario: scenario(Math.ceil(minEvents / 4.4)),
    });
    try {
      await host.call('clock.runUntil', { idle: true });
      const events: JournalEventWire[] = [];
      for (;;) {
        const page = await host.call('journalPage', {
          afterSeq: events.length === 0 ? 0 : events[events.length - 1]!.seq,
          limit: 5000,
        });
        if (page.events.length === 0) break;
        events.push(...page.events);
      }
      return events;
    } finally {
      await host.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The app's store over a client over an in-memory transport (item 3). */
async function liveStore(): Promise<{
  deliver: (text: string) => void;
  runFrames: () => void;
  state: () => AppState;
  subscriptionId: number | string;
  stop: () => void;
}> {
  const listeners = new Set<(frame: unknown) => void>();
  let subscriptionId: number | string | null = null;
  const reply = (frame: unknown): void =>
    queueMicrotask(() => {
      for (const l of listeners) l(frame);
    });
  const answers: Record<string, unknown> = {
    info: {
      apiVersion: API_VERSION,
      mode: 'scenario',
      runId: RUN_ID,
      db: `/tmp/${RUN_ID}`,
      clock: { kind: 'virtual', now: 0, t: 0, seq: 0, idle: false, speed: 0 },
      lastSeq: 0,
      scenario: null,
      module: null,
      workers: { workers: 1, started: true, paused: false, busy: 0 },
    },
    queues: { queues: [] },
    actors: { actors: [] },
    messages: { total: 0, offset: 0, items: [], seq: 0 },
  };
  const transport: Transport = {
    status: 'open' as TransportStatus,
    send(frame: ClientFrame) {
      if (frame.type === 'request')
        reply({ type: 'response', id: frame.id, ok: true, result: answers[frame.method] ?? {} });
      else if (frame.type === 'subscribe') {
        subscriptionId = frame.id;
        reply({
          type: 'response',
          id: frame.id,
          ok: true,
          result: { subscriptionId: frame.id, runId: RUN_ID },
        });
      }
    },
    onFrame(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    onStatus: () => () => undefined,
    close: () => undefined,
  };
  reply({ type: 'hello', apiVersion: API_VERSION });
  const client = createEngineClient(transport);
  let frames: (() => void)[] = [];
  const store = createAppStore(client, {
    // Timers (refreshes, play polls) are not part of applying events: they never fire here.
    schedule: {
      setTimer: () => ({ cancel: () => undefined }),
      frame: (fn) => void frames.push(fn),
    },
  });
  // What the mounted views select on every change (React runs each selector per notification).
  const selectors: ((s: AppState) => unknown)[] = [
    (s) => s.clock.t,
    (s) => s.clock.seq,
    (s) => s.clock.idle,
    (s) => s.journal.lastSeq,
    (s) => s.journal.recent,
    (s) => s.journal.kinds,
    (s) => s.queues.flow,
    (s) => s.queues.counts,
    (s) => s.messages.touched,
    (s) => s.messages.actors,
    (s) => s.messages.filter,
    (s) => s.timeTravel.cursor,
    (s) => s.ui.view,
  ];
  let sink = 0;
  const off = store.subscribe((s) => {
    for (const sel of selectors) if (sel(s) !== undefined) sink++;
  });
  const stopFollowing = store.getState().actions.start();
  for (let i = 0; i < 100 && subscriptionId === null; i++)
    await new Promise((r) => setTimeout(r, 1));
  if (subscriptionId === null) throw new Error('the store never subscribed');
  return {
    deliver: (text) => {
      const frame: unknown = JSON.parse(text);
      for (const l of listeners) l(frame);
    },
    runFrames: () => {
      const due = frames;
      frames = [];
      for (const f of due) f();
    },
    state: () => store.getState(),
    subscriptionId,
    stop: () => {
      stopFollowing();
      off();
      client.close();
      if (sink < 0) console.log(sink);
    },
  };
}

function chunks<T>(xs: readonly T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}

/** Median of three timed runs of `fn`, as events per second. */
function rate(events: number, fn: () => void): number {
  const rates: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = nowMs();
    fn();
    rates.push(events / ((nowMs() - t0) / 1000));
  }
  return Math.round(rates.sort((a, b) => a - b)[1]!);
}

/**
 * The whole path (item 2), on a fresh store each repetition after an untimed first one (JIT);
 * the median rate, events per second.
 */
export async function fullPathRate(events: readonly JournalEventWire[], reps = 3): Promise<number> {
  const batches = chunks(events, FRAME_EVENTS);
  const full: number[] = [];
  for (let rep = 0; rep <= reps; rep++) {
    const live = await liveStore();
    const texts = batches.map((evs) =>
      JSON.stringify({ type: 'events', subscriptionId: live.subscriptionId, events: evs }),
    );
    const started = nowMs();
    for (const text of texts) {
      live.deliver(text);
      live.runFrames();
    }
    const seconds = (nowMs() - started) / 1000;
    const last = live.state().journal.lastSeq;
    live.stop();
    if (last !== events[events.length - 1]!.seq)
      throw new Error(`the store stopped at seq ${last} of ${events.length}`);
    if (rep > 0) full.push(events.length / seconds);
  }
  full.sort((a, b) => a - b);
  return Math.round(full[Math.floor(full.length / 2)]!);
}

/** Runs the section (see the module comment). */
export async function storeApplyBench(minEvents: number): Promise<StoreApplyResult> {
  const t0 = nowMs();
  const events = await realJournal(minEvents);
  const journalSeconds = (nowMs() - t0) / 1000;
  const batches = chunks(events, FRAME_EVENTS);
  const kinds: Record<string, number> = {};
  for (const e of events) kinds[e.kind] = (kinds[e.kind] ?? 0) + 1;
  const full = await fullPathRate(events);

  const texts = batches.map((evs) =>
    JSON.stringify({ type: 'events', subscriptionId: 1, events: evs }),
  );
  const parsed = texts.map((t) => JSON.parse(t) as unknown);
  return {
    events: events.length,
    events_per_s: full,
    json_parse_events_per_s: rate(events.length, () => {
      for (const t of texts) JSON.parse(t);
    }),
    validate_events_per_s: rate(events.length, () => {
      for (const f of parsed)
        if (!ServerFrameSchema.safeParse(f).success) throw new Error('bad frame');
    }),
    fold_events_per_s: rate(events.length, () => {
      let s = initialData();
      for (const b of batches) s = applyEvents(s, b);
    }),
    frames: batches.length,
    journal_seconds: Math.round(journalSeconds * 10) / 10,
    kinds,
  };
}
