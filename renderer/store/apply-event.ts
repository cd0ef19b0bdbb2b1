/**
 * Folding the engine's event stream into the state: pure, and fast enough for a live run.
 *
 * Contract:
 * 1. `applyEvents(state, events)` returns a new state and never mutates its input: every object it
 *    changes is copied once per call (not once per event), so a batch of thousands of events — one
 *    animation frame's worth — costs little more than its own length. `applyEvent` is the one-event
 *    case.
 * 2. A journal event at or below `journal.lastSeq` is ignored (a resumed stream may repeat one).
 * 3. `run_changed` resets everything derived from the old run (journal, queues, messages, time
 *    travel, the clock's position) and keeps the ui and the connection; the new run's events
 *    follow from seq 1.
 * 4. Only what is cheap to keep exactly is folded here: the clock's position, the latest events,
 *    counts per kind, per-queue flow, and the actors seen. Queue depths and message lists come from
 *    engine queries, which the store refreshes as events arrive.
 */
import {
  isRunChanged,
  type EngineEvent,
  type JournalEventWire,
} from '../../core/host/api/index.ts';
import {
  initialJournal,
  initialMessages,
  initialQueues,
  initialTimeTravel,
} from './slices/initial.ts';
import type { AppData, QueueFlow } from './types.ts';

/** How many of the latest events the journal slice keeps. */
export const RECENT_CAP = 500;

const emptyFlow = (): QueueFlow => ({
  arrived: 0,
  retried: 0,
  started: 0,
  succeeded: 0,
  failed: 0,
  dead: 0,
});

/** Applies one event (contract item 1). */
export function applyEvent<S extends AppData>(state: S, event: EngineEvent): S {
  return applyEvents(state, [event]);
}

/** Applies a batch of events in order (contract items 1–4). */
export function applyEvents<S extends AppData>(state: S, events: readonly EngineEvent[]): S {
  let s = state;
  // Copies made in this call, mutated freely until it returns.
  let kinds: Record<string, number> | null = null;
  let flow: Record<string, QueueFlow> | null = null;
  let copiedFlows: Set<string> | null = null;
  let actors: Record<string, string> | null = null;
  let added: JournalEventWire[] | null = null;
  let lastSeq = s.journal.lastSeq;
  let lastT = s.journal.lastT;
  let applied = s.journal.applied;
  let touched = 0;

  const flush = (): void => {
    if (added === null && kinds === null && flow === null && actors === null && touched === 0)
      return;
    let recent = s.journal.recent;
    if (added !== null) {
      const keep = Math.max(0, RECENT_CAP - added.length);
      const tail = added.length > RECENT_CAP ? added.slice(added.length - RECENT_CAP) : added;
      recent = keep === 0 ? tail : recent.slice(Math.max(0, recent.length - keep)).concat(tail);
    }
    s = {
      ...s,
      journal: {
        ...s.journal,
        lastSeq,
        lastT,
        applied,
        recent,
        kinds: kinds ?? s.journal.kinds,
      },
      clock: {
        ...s.clock,
        seq: Math.max(s.clock.seq, lastSeq),
        t: Math.max(s.clock.t, lastT),
      },
      queues: flow === null ? s.queues : { ...s.queues, flow },
      messages:
        actors === null && touched === 0
          ? s.messages
          : {
              ...s.messages,
              actors: actors ?? s.messages.actors,
              touched: s.messages.touched + touched,
            },
    };
    kinds = null;
    flow = null;
    copiedFlows = null;
    actors = null;
    added = null;
    touched = 0;
  };

  for (const e of events) {
    if (isRunChanged(e)) {
      flush();
      s = {
        ...s,
        journal: initialJournal(e.runId, applied),
        queues: initialQueues(),
        messages: { ...initialMessages(), filter: s.messages.filter },
        timeTravel: initialTimeTravel(),
        clock: { ...s.clock, t: 0, seq: 0, speed: 0, idle: true },
      };
      lastSeq = 0;
      lastT = 0;
      continue;
    }
    if (e.seq <= lastSeq) continue;
    lastSeq = e.seq;
    lastT = e.t;
    applied++;
    (added ??= []).push(e);
    kinds ??= { ...s.journal.kinds };
    kinds[e.kind] = (kinds[e.kind] ?? 0) + 1;
    if (e.messageId !== undefined) touched++;

    const q = e.queue;
    if (q === undefined) continue;
    let f: QueueFlow | undefined;
    const flowOf = (): QueueFlow => {
      if (f) return f;
      flow ??= { ...s.queues.flow };
      copiedFlows ??= new Set();
      if (!copiedFlows.has(q)) {
        flow[q] = { ...(flow[q] ?? emptyFlow()) };
        copiedFlows.add(q);
      }
      return (f = flow[q]!);
    };
    switch (e.kind) {
      case 'enqueued': {
        if (e.reason === 'retry') flowOf().retried++;
        else if (e.reason !== 'requeue') flowOf().arrived++;
        const a = e.actor;
        if (a !== undefined && (actors ?? s.messages.actors)[a] !== q) {
          actors ??= { ...s.messages.actors };
          actors[a] = q;
        }
        break;
      }
      case 'started':
        flowOf().started++;
        break;
      case 'succeeded':
        flowOf().succeeded++;
        break;
      case 'failed':
        flowOf().failed++;
        break;
      case 'dead_lettered':
        flowOf().dead++;
        break;
      default:
        break;
    }
  }
  flush();
  return s;
}
