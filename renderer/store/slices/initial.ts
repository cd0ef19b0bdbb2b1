/**
 * The initial value of every slice, and the reset a run change applies.
 */
import type {
  AppData,
  ClockSlice,
  ConnectionSlice,
  EnqueueDraft,
  JournalSlice,
  MessagesSlice,
  QueuesSlice,
  Theme,
  TimeTravelSlice,
  UiSlice,
} from '../types.ts';

export const initialConnection = (): ConnectionSlice => ({
  status: 'connecting',
  attempts: 0,
  everOpened: false,
  fatal: null,
});

export const initialClock = (): ClockSlice => ({
  info: null,
  t: 0,
  seq: 0,
  idle: true,
  speed: 0,
  playSpeed: 1,
  busy: false,
});

export const initialJournal = (runId: string | null = null, applied = 0): JournalSlice => ({
  runId,
  lastSeq: 0,
  lastT: 0,
  recent: [],
  kinds: {},
  applied,
});

export const initialQueues = (): QueuesSlice => ({ counts: [], asOfSeq: 0, flow: {}, samples: [] });

export const initialMessages = (): MessagesSlice => ({
  filter: { queue: '', actor: '', status: '', label: '', text: '' },
  selectedId: null,
  actors: {},
  actorInfo: {},
  touched: 0,
});

export const initialTimeTravel = (): TimeTravelSlice => ({
  cursor: null,
  snapshot: null,
  event: null,
  loading: false,
});

export const emptyDraft = (rev = 0): EnqueueDraft => ({
  actor: '',
  args: '[]',
  kwargs: '{}',
  delayMs: '',
  priority: '',
  maxRetries: '',
  minBackoffMs: '',
  label: '',
  rev,
});

export const initialUi = (theme: Theme = 'dark'): UiSlice => ({
  view: 'queues',
  theme,
  paletteOpen: false,
  toasts: [],
  draft: emptyDraft(),
  focusSeq: null,
});

/** The whole initial state. */
export function initialData(theme: Theme = 'dark'): AppData {
  return {
    connection: initialConnection(),
    clock: initialClock(),
    journal: initialJournal(),
    queues: initialQueues(),
    messages: initialMessages(),
    timeTravel: initialTimeTravel(),
    ui: initialUi(theme),
  };
}
