/**
 * The world as the journal describes it: folding events in seq order gives the state after any
 * event. Time travel, replay checks and the UI all read this one fold.
 *
 * Contract:
 * 1. `applyEvent` is pure with respect to its input event and deterministic.
 * 2. The world keeps every *live* message (ready, delayed, running, or dead-lettered) in full and
 *    counts finished ones (acked with no retry pending); a finished message's whole history is
 *    `journal.history(id)`.
 * 3. Queue counts are derived: a delayed message whose `eta` has passed counts as ready.
 */
import type { ErrorInfo } from '../errors.ts';
import type { JournalEvent } from './journal-event.ts';

/**
 * Version of this fold: stored checkpoints made by another version are rebuilt (state-at.ts), so
 * a change here never mixes old snapshots with new folding. 2: a retry keeps its last error,
 * `skipped` keeps its error, `age_limited` ends the wait.
 */
export const FOLD_VERSION = 2;

/** Where a message stands. */
export type MessageStatus =
  'ready' | 'delayed' | 'running' | 'succeeded' | 'failed' | 'skipped' | 'dead';

/** One live message. */
export type MessageState = {
  messageId: string;
  label: string | null;
  actor: string;
  queue: string;
  status: MessageStatus;
  /** Deliveries started so far. */
  attempt: number;
  args: unknown[];
  kwargs: Record<string, unknown>;
  options: Record<string, unknown>;
  /** ms since start when a delayed message becomes due. */
  etaT: number | null;
  enqueuedT: number;
  /** ms since start of the latest change. */
  updatedT: number;
  worker: number | null;
  thread: number | null;
  result?: unknown;
  error?: ErrorInfo;
};

/** Counts of one queue at a moment. */
export type QueueState = {
  queue: string;
  ready: number;
  delayed: number;
  inFlight: number;
  dead: number;
};

/** The world after event `seq`. */
export type World = {
  seq: number;
  t: number;
  messages: Record<string, MessageState>;
  /** `"<worker>:<thread>"` → message id running there. */
  slots: Record<string, string>;
  totals: {
    enqueued: number;
    started: number;
    succeeded: number;
    failed: number;
    retries: number;
    deadLettered: number;
    skipped: number;
    finished: number;
    purged: number;
  };
};

/** An empty world (before the first event). */
export function emptyWorld(): World {
  return {
    seq: 0,
    t: 0,
    messages: {},
    slots: {},
    totals: {
      enqueued: 0,
      started: 0,
      succeeded: 0,
      failed: 0,
      retries: 0,
      deadLettered: 0,
      skipped: 0,
      finished: 0,
      purged: 0,
    },
  };
}

function freeSlot(w: World, m: MessageState): void {
  if (m.worker === null || m.thread === null) return;
  const key = `${m.worker}:${m.thread}`;
  if (w.slots[key] === m.messageId) delete w.slots[key];
}

/** Applies one event to `w` in place and returns it (contract item 1). */
export function applyEvent(w: World, e: JournalEvent): World {
  w.seq = e.seq;
  w.t = e.t;
  const id = e.messageId;
  if (!id) return w;
  let m = w.messages[id];
  switch (e.kind) {
    case 'enqueued': {
      w.totals.enqueued++;
      const delayed = e.delay !== undefined && e.delay !== null;
      const prev = m;
      m = {
        messageId: id,
        label: e.label ?? null,
        actor: e.actor ?? '',
        queue: e.queue ?? '',
        status: delayed ? 'delayed' : 'ready',
        attempt: prev?.attempt ?? 0,
        args: (e.args as unknown[] | undefined) ?? [],
        kwargs: (e.kwargs as Record<string, unknown> | undefined) ?? {},
        options: e.options ?? {},
        etaT: delayed ? e.t + (e.delay ?? 0) : null,
        enqueuedT: prev?.enqueuedT ?? e.t,
        updatedT: e.t,
        worker: null,
        thread: null,
        // A retry (or a requeued dead letter) keeps the error that sent it back, until it runs.
        ...(prev?.error ? { error: prev.error } : {}),
      };
      if (e.reason === 'retry') w.totals.retries++;
      w.messages[id] = m;
      return w;
    }
    case 'purged':
      if (m) {
        freeSlot(w, m);
        delete w.messages[id];
        w.totals.purged++;
      }
      return w;
    case 'requeued':
      if (m) {
        freeSlot(w, m);
        Object.assign(m, {
          status: 'ready',
          etaT: null,
          updatedT: e.t,
          worker: null,
          thread: null,
        });
      }
      return w;
    default:
      break;
  }
  if (!m) return w;
  m.updatedT = e.t;
  switch (e.kind) {
    case 'started':
      w.totals.started++;
      freeSlot(w, m);
      m.status = 'running';
      m.attempt = e.attempt ?? m.attempt + 1;
      m.worker = e.worker ?? null;
      m.thread = e.thread ?? null;
      m.etaT = null;
      if (m.worker !== null && m.thread !== null) w.slots[`${m.worker}:${m.thread}`] = id;
      break;
    case 'succeeded':
      w.totals.succeeded++;
      freeSlot(w, m);
      m.status = 'succeeded';
      m.result = e.result ?? null;
      break;
    case 'failed':
      w.totals.failed++;
      freeSlot(w, m);
      m.status = 'failed';
      if (e.error) m.error = e.error;
      break;
    case 'age_limited':
      // Too old to run: skipped (then dead-lettered) without starting.
      freeSlot(w, m);
      m.status = 'skipped';
      m.etaT = null;
      break;
    case 'skipped':
      w.totals.skipped++;
      freeSlot(w, m);
      m.status = 'skipped';
      if (e.error) m.error = e.error;
      break;
    case 'dead_lettered':
      w.totals.deadLettered++;
      freeSlot(w, m);
      m.status = 'dead';
      if (e.error) m.error = e.error;
      if (e.options) m.options = e.options;
      break;
    case 'result_stored':
      if (e.error) m.error = e.error;
      else m.result = e.result ?? null;
      break;
    case 'acked':
      // A retry enqueued the same id again before this ack: keep the new delivery.
      if (m.status === 'succeeded' || m.status === 'failed' || m.status === 'skipped') {
        freeSlot(w, m);
        delete w.messages[id];
        w.totals.finished++;
      }
      break;
    default:
      break;
  }
  return w;
}

/** Queue counts of a world (contract item 3). */
export function queueStates(w: World): QueueState[] {
  const byQueue = new Map<string, QueueState>();
  for (const m of Object.values(w.messages)) {
    let q = byQueue.get(m.queue);
    if (!q)
      byQueue.set(m.queue, (q = { queue: m.queue, ready: 0, delayed: 0, inFlight: 0, dead: 0 }));
    if (m.status === 'dead') q.dead++;
    else if (m.status === 'ready') q.ready++;
    else if (m.status === 'delayed') {
      if (m.etaT !== null && m.etaT <= w.t) q.ready++;
      else q.delayed++;
    } else q.inFlight++;
  }
  return [...byQueue.values()].sort((a, b) => a.queue.localeCompare(b.queue));
}
