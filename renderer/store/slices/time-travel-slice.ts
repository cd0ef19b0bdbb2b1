/**
 * Time travel: move a cursor over the journal and fetch the world after that event
 * (`stateAt`) with the event itself. While dragging, requests are coalesced: one in flight, and
 * only the latest target waits behind it.
 */
import { initialTimeTravel } from './initial.ts';
import type { SliceContext } from './context.ts';
import type { AppActions } from '../types.ts';

type TimeTravelActions = Pick<AppActions, 'travelTo' | 'stepBack' | 'stepForward' | 'goLive'>;

export function timeTravelActions(ctx: SliceContext): TimeTravelActions {
  const { set, get, call } = ctx;
  let inFlight = false;
  let queued: number | null = null;
  let epoch = 0;

  const fetchAt = async (seq: number): Promise<void> => {
    inFlight = true;
    const my = epoch;
    const [snapshot, page] = await Promise.all([
      call('stateAt', { seq }),
      seq > 0 ? call('journalPage', { afterSeq: seq - 1, limit: 1 }) : Promise.resolve(undefined),
    ]);
    inFlight = false;
    if (my === epoch && get().timeTravel.cursor === seq && queued === null) {
      set(() => ({
        timeTravel: {
          cursor: seq,
          snapshot: snapshot ?? null,
          event: page?.events[0] ?? null,
          loading: false,
        },
      }));
    }
    if (queued !== null && my === epoch) {
      const next = queued;
      queued = null;
      void fetchAt(next);
    }
  };

  const travelTo = (target: number): void => {
    const last = get().journal.lastSeq;
    const seq = Math.max(0, Math.min(last, Math.round(target)));
    set((s) => ({ timeTravel: { ...s.timeTravel, cursor: seq, loading: true } }));
    if (inFlight) queued = seq;
    else void fetchAt(seq);
  };

  const goLive = (): void => {
    if (get().timeTravel.cursor === null) return;
    epoch++;
    queued = null;
    set(() => ({ timeTravel: initialTimeTravel() }));
  };

  return {
    travelTo,
    goLive,
    stepBack: () => {
      const { cursor } = get().timeTravel;
      const from = cursor ?? get().journal.lastSeq;
      if (from > 0) travelTo(from - 1);
    },
    stepForward: async () => {
      const { cursor } = get().timeTravel;
      if (cursor === null) return get().actions.step();
      if (cursor + 1 >= get().journal.lastSeq) goLive();
      else travelTo(cursor + 1);
    },
  };
}
