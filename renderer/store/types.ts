/**
 * The shapes of the app's state: one object built from slices (connection, clock, journal,
 * queues, messages, time travel, ui), all plain data, plus the actions that change it.
 */
import type {
  EngineApiError,
  JournalEventWire,
  MethodResult,
  ParamsIn,
  TransportStatus,
} from '../../core/host/api/index.ts';

export type Info = MethodResult<'info'>;
export type QueueCounts = MethodResult<'queues'>['queues'][number];
export type WorldSnapshot = MethodResult<'stateAt'>;
export type ClockState = MethodResult<'clock.runUntil'>;
export type MessageStatus = MethodResult<'messages'>['items'][number]['status'];
export type MessageSummary = MethodResult<'messages'>['items'][number];
export type MessageDetail = MethodResult<'message'>;
export type ActorInfo = MethodResult<'actors'>['actors'][number];

/** The views of the main area, in navigation order. */
export const VIEWS = [
  'queues',
  'messages',
  'enqueue',
  'pipelines',
  'profiler',
  'scenarios',
  'journal',
] as const;
export type ViewId = (typeof VIEWS)[number];

/** Where the engine connection stands (the banner reads it). */
export type ConnectionSlice = {
  status: TransportStatus;
  /** Failed reconnect attempts since the connection was lost. */
  attempts: number;
  everOpened: boolean;
  /** Set when the page cannot reach any engine at all (no token): shown instead of the app. */
  fatal: string | null;
};

/** The run and its clock. `t`/`seq` move with every event; the rest with `info`. */
export type ClockSlice = {
  info: Info | null;
  t: number;
  seq: number;
  idle: boolean;
  /** Virtual ms per wall ms while playing; 0 = paused. */
  speed: number;
  /** The factor Play uses. */
  playSpeed: number;
  /** A clock command is running (step, run until…). */
  busy: boolean;
};

/** Per-queue flow since the start of the run, counted from the journal. */
export type QueueFlow = {
  /** First enqueues (sends, arrivals, callbacks), retries excluded. */
  arrived: number;
  retried: number;
  started: number;
  succeeded: number;
  failed: number;
  dead: number;
};

/** The journal as the store has seen it. */
export type JournalSlice = {
  runId: string | null;
  lastSeq: number;
  lastT: number;
  /** The latest events, oldest first (at most RECENT_CAP). */
  recent: readonly JournalEventWire[];
  /** Events seen per kind. */
  kinds: Readonly<Record<string, number>>;
  /** Journal events applied since the store started (all runs). */
  applied: number;
};

/** A sample of the flow counters, for rates over virtual time. */
export type FlowSample = { t: number; flow: Readonly<Record<string, QueueFlow>> };

export type QueuesSlice = {
  /** Counts from the engine (`queues`), refreshed as events arrive. */
  counts: readonly QueueCounts[];
  /** The journal seq `counts` reflect (the engine's last seq when they were read). */
  asOfSeq: number;
  flow: Readonly<Record<string, QueueFlow>>;
  samples: readonly FlowSample[];
};

/** Filters of the message list (all optional; empty strings mean "any"). */
export type MessageFilter = {
  queue: string;
  actor: string;
  status: MessageStatus | 'retrying' | 'live' | '';
  label: string;
  text: string;
};

export type MessagesSlice = {
  filter: MessageFilter;
  selectedId: string | null;
  /** Actor name → queue, from every `enqueued` event seen. */
  actors: Readonly<Record<string, string>>;
  /**
   * Actor name → queue, priority and effective options (the engine's `actors` query): loaded
   * with the run, and again when an actor it does not list shows up in the journal.
   */
  actorInfo: Readonly<Record<string, ActorInfo>>;
  /** Bumped by every batch that touched a message, so lists refetch. */
  touched: number;
};

/** Time travel: `cursor` null means live. */
export type TimeTravelSlice = {
  cursor: number | null;
  snapshot: WorldSnapshot | null;
  /** The event at the cursor. */
  event: JournalEventWire | null;
  loading: boolean;
};

export type Toast = {
  id: number;
  kind: 'error' | 'info';
  code: string;
  message: string;
};

/** What the enqueue form starts from ("duplicate" fills it from a message). */
export type EnqueueDraft = {
  actor: string;
  args: string;
  kwargs: string;
  delayMs: string;
  priority: string;
  maxRetries: string;
  minBackoffMs: string;
  label: string;
  /** Bumped on every fill, so the form reloads its fields. */
  rev: number;
};

export type Theme = 'dark' | 'light';

export type UiSlice = {
  view: ViewId;
  theme: Theme;
  paletteOpen: boolean;
  toasts: readonly Toast[];
  draft: EnqueueDraft;
  /** The event the teaching panel explains when not time travelling (null: the latest). */
  focusSeq: number | null;
};

/** Everything but the actions. */
export type AppData = {
  connection: ConnectionSlice;
  clock: ClockSlice;
  journal: JournalSlice;
  queues: QueuesSlice;
  messages: MessagesSlice;
  timeTravel: TimeTravelSlice;
  ui: UiSlice;
};

/** The outcome of an action whose caller shows errors inline (forms). */
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: EngineApiError };

export type AppActions = {
  /** Loads the run and follows its journal; returns the stopper. */
  start(): () => void;
  refreshLive(): Promise<void>;
  // clock
  togglePlay(): Promise<void>;
  setPlaySpeed(factor: number): Promise<void>;
  step(): Promise<void>;
  runUntilIdle(): Promise<void>;
  runUntil(timeMs: number): Promise<void>;
  // time travel
  travelTo(seq: number): void;
  stepBack(): void;
  stepForward(): Promise<void>;
  goLive(): void;
  // queues
  pauseQueue(queue: string): Promise<void>;
  resumeQueue(queue: string): Promise<void>;
  requeueDead(target: { queue?: string } | { messageIds: string[] }): Promise<void>;
  // messages
  selectMessage(id: string | null): void;
  setFilter(patch: Partial<MessageFilter>): void;
  enqueue(params: ParamsIn<'enqueue'>): Promise<Outcome<{ messageId: string }>>;
  duplicate(detail: Pick<MessageDetail, 'actor' | 'args' | 'kwargs' | 'options' | 'label'>): void;
  // runs
  loadScenario(params: ParamsIn<'loadScenario'>): Promise<Outcome<MethodResult<'loadScenario'>>>;
  fork(atSeq: number, sets: string[]): Promise<Outcome<MethodResult<'fork'>>>;
  openRun(runId: string): Promise<void>;
  // ui
  setView(view: ViewId): void;
  setTheme(theme: Theme): void;
  toggleTheme(): void;
  setPalette(open: boolean): void;
  focusEvent(seq: number | null): void;
  toast(t: Omit<Toast, 'id'>): void;
  dismissToast(id: number): void;
  /** Shows an Engine API error as a toast with its code. */
  fail(err: unknown): void;
};

export type AppState = AppData & { actions: AppActions };
