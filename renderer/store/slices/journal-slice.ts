/**
 * Following the run: load it, subscribe to its journal from the last event, fold live events in
 * once per animation frame, and refresh what the journal does not carry (queue depths, the
 * clock's speed) at most every REFRESH_MS while events flow.
 *
 * Contract:
 * 1. `start()` loads `info` and the latest RECENT_ON_LOAD events, then subscribes from there with
 *    the run's id, so a large stored run opens at once instead of replaying its whole journal.
 * 2. Live events are buffered and applied in one `applyEvents` per frame.
 * 3. `run_changed` ends the subscription and starts over on the new run (item 1).
 * 4. The connection's status is mirrored into the connection slice; when it comes back, the
 *    store refreshes (the client itself resumes the event stream from the last seq).
 * 5. The run's actors and their effective options (`actors`) load with the run, and again when
 *    the journal names an actor they do not list (another process declared it). An engine that
 *    cannot answer leaves them empty: the views fall back to what the journal says.
 */
import {
  isRunChanged,
  type EngineEvent,
  type TransportStatus,
} from '../../../core/host/api/index.ts';
import { applyEvents } from '../apply-event.ts';
import { initialJournal } from './initial.ts';
import type { SliceContext } from './context.ts';
import type { AppActions, FlowSample } from '../types.ts';

/** Events loaded when a run opens (for the journal view and the teaching panel). */
const RECENT_ON_LOAD = 300;
/** Least wall ms between two refreshes of queue counts and the clock while events flow. */
const REFRESH_MS = 250;
/** Wall ms between clock polls while playing (the pacer stops by itself when idle). */
const PLAY_POLL_MS = 500;
/** Flow samples kept for rates. */
const MAX_SAMPLES = 120;

/** The part of a transport the store watches. */
export type ConnectionSource = {
  readonly status: TransportStatus;
  readonly attempts?: number;
  onStatus(listener: (s: TransportStatus) => void): () => void;
};

type JournalActions = Pick<AppActions, 'start' | 'refreshLive'>;

export function journalActions(
  ctx: SliceContext,
  connection: ConnectionSource | null,
): JournalActions {
  const { api, set, get, schedule, call, attempt } = ctx;
  let pending: EngineEvent[] = [];
  let frameScheduled = false;
  let unsubscribe: (() => void) | null = null;
  let stopped = false;
  let generation = 0;
  let refreshTimer: { cancel(): void } | null = null;
  let playPoll: { cancel(): void } | null = null;
  /** The generation whose `actors` request is in flight (-1: none). */
  let actorsLoadingGen = -1;
  /** Actor names seen in the journal when `actors` was last asked (per run: item 5). */
  let actorsAsked = new Set<string>();
  let actorsAskedGen = -1;

  const flush = (): void => {
    frameScheduled = false;
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    set((s) => applyEvents(s, batch));
    scheduleRefresh();
  };

  const scheduleFlush = (): void => {
    if (frameScheduled) return;
    frameScheduled = true;
    let done = false;
    const once = (): void => {
      if (done) return;
      done = true;
      flush();
    };
    schedule.frame(once);
    // A hidden tab gets no frames: flush anyway, so the buffer stays small.
    schedule.setTimer(250, once);
  };

  const onEvent = (gen: number) => (e: EngineEvent) => {
    if (gen !== generation || stopped) return;
    if (isRunChanged(e)) {
      // Drop what is buffered for the old run and start over on the new one (item 3).
      pending = [e];
      flush();
      void load();
      return;
    }
    pending.push(e);
    scheduleFlush();
  };

  const sample = (): void => {
    const s = get();
    const last = s.queues.samples[s.queues.samples.length - 1];
    if (last && last.flow === s.queues.flow) return;
    const next: FlowSample = { t: s.clock.t, flow: s.queues.flow };
    set((st) => ({
      queues: { ...st.queues, samples: [...st.queues.samples, next].slice(-MAX_SAMPLES) },
    }));
  };

  /** Loads the run's actors (item 5). */
  const loadActors = async (): Promise<void> => {
    const gen = generation;
    if (actorsLoadingGen === gen) return;
    actorsLoadingGen = gen;
    if (actorsAskedGen !== gen) actorsAsked = new Set();
    actorsAskedGen = gen;
    for (const name of Object.keys(get().messages.actors)) actorsAsked.add(name);
    try {
      const r = await attempt('actors');
      if (!r.ok || gen !== generation || stopped) return;
      const byName = Object.fromEntries(r.value.actors.map((a) => [a.name, a]));
      set((s) => ({ messages: { ...s.messages, actorInfo: byName } }));
    } finally {
      if (actorsLoadingGen === gen) actorsLoadingGen = -1;
    }
  };

  const refreshLive = async (): Promise<void> => {
    const [queues, info] = await Promise.all([call('queues'), call('info')]);
    if (stopped) return;
    set((s) => ({
      queues: queues
        ? { ...s.queues, counts: queues.queues, asOfSeq: info?.lastSeq ?? s.queues.asOfSeq }
        : s.queues,
      clock: info
        ? {
            ...s.clock,
            info,
            idle: info.clock.idle,
            speed: info.clock.speed,
            t: Math.max(s.clock.t, info.clock.t),
          }
        : s.clock,
    }));
    sample();
    schedulePlayPoll();
    const m = get().messages;
    const unknown = (name: string): boolean =>
      !(name in m.actorInfo) && !(actorsAskedGen === generation && actorsAsked.has(name));
    if (Object.keys(m.actors).some(unknown)) void loadActors();
  };

  const scheduleRefresh = (): void => {
    if (refreshTimer) return;
    refreshTimer = schedule.setTimer(REFRESH_MS, () => {
      refreshTimer = null;
      void refreshLive();
    });
  };

  const schedulePlayPoll = (): void => {
    if (playPoll || get().clock.speed === 0 || stopped) return;
    playPoll = schedule.setTimer(PLAY_POLL_MS, () => {
      playPoll = null;
      void refreshLive();
    });
  };

  const load = async (): Promise<void> => {
    const gen = ++generation;
    unsubscribe?.();
    unsubscribe = null;
    const info = await call('info');
    if (!info || gen !== generation || stopped) return;
    set((s) => ({
      clock: {
        ...s.clock,
        info,
        t: info.clock.t,
        seq: info.lastSeq,
        idle: info.clock.idle,
        speed: info.clock.speed,
      },
      journal:
        s.journal.runId === info.runId && s.journal.lastSeq <= info.lastSeq
          ? s.journal
          : initialJournal(info.runId, s.journal.applied),
    }));
    const from = Math.max(0, info.lastSeq - RECENT_ON_LOAD);
    const page =
      info.lastSeq > 0
        ? await call('journalPage', { afterSeq: from, limit: RECENT_ON_LOAD })
        : undefined;
    if (gen !== generation || stopped) return;
    if (page) set((s) => applyEvents(s, page.events));
    void loadActors();
    unsubscribe = api.subscribe(
      get().journal.lastSeq,
      onEvent(gen),
      info.runId ? { runId: info.runId } : {},
    );
    await refreshLive();
    // The engine builds its message index on the first list query of a run (seconds for a large
    // stored run): start it now, so the Messages view is ready when the user gets there.
    if (info.lastSeq > 0) void api.call('messages', { limit: 1 }).catch(() => undefined);
  };

  return {
    refreshLive,
    start() {
      stopped = false;
      const offStatus = connection?.onStatus((status) => {
        const wasLost = get().connection.everOpened && get().connection.status !== 'open';
        set((s) => ({
          connection: {
            ...s.connection,
            status,
            attempts: connection.attempts ?? 0,
            everOpened: s.connection.everOpened || status === 'open',
          },
        }));
        if (status === 'open' && wasLost) void refreshLive();
      });
      if (connection)
        set((s) => ({
          connection: {
            ...s.connection,
            status: connection.status,
            everOpened: connection.status === 'open',
          },
        }));
      else set((s) => ({ connection: { ...s.connection, status: 'open', everOpened: true } }));
      void load();
      return () => {
        stopped = true;
        offStatus?.();
        unsubscribe?.();
        refreshTimer?.cancel();
        playPoll?.cancel();
      };
    },
  };
}
