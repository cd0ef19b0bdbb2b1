/**
 * The message list behind the `messages` query: one summary per message id of a run, live and
 * finished, folded from the journal.
 *
 * Contract:
 * 1. Derived only from the journal (the single source of truth): the index keeps a cursor and,
 *    before answering, folds the events written since (`catchUp`), so it is never stale and never
 *    needs hooks into the engine; events of other processes are picked up the same way.
 * 2. One small summary per message (no history, arguments cut to a short preview for text search),
 *    in first-enqueue order. A page is a filter pass over that array plus a slice: O(messages) per
 *    query, a few ms for 100k messages, without any extra table or write to the run's database.
 * 3. Children: messages enqueued with `parent_id` = a message (callbacks, pipeline steps, behaviour
 *    fan-out), by parent id.
 */
import type { JournalEvent } from '../journal/journal-event.ts';
import type { MessageStatus } from '../journal/world-state.ts';

/** The index's view of one message (the API's `MessageSummary`). */
export type MessageSummary = {
  messageId: string;
  label: string | null;
  actor: string;
  queue: string;
  status: MessageStatus;
  finished: boolean;
  attempts: number;
  enqueuedT: number;
  updatedT: number;
  etaT: number | null;
  firstSeq: number;
  lastSeq: number;
  parentId: string | null;
  reason: string | null;
  error: { type: string; message: string } | null;
};

type Entry = MessageSummary & { search: string };

/** Filters of `query`. */
export type MessageFilter = {
  queue?: string | undefined;
  actor?: string | undefined;
  status?: MessageStatus | readonly MessageStatus[] | undefined;
  label?: string | undefined;
  text?: string | undefined;
  finished?: boolean | undefined;
  order?: 'asc' | 'desc' | undefined;
};

const PAGE = 5000;
const PREVIEW_CHARS = 200;

function preview(v: unknown): string {
  if (v === undefined) return '';
  try {
    const s = JSON.stringify(v) ?? '';
    return s.length > PREVIEW_CHARS ? s.slice(0, PREVIEW_CHARS) : s;
  } catch {
    return '';
  }
}

export class MessageIndex {
  private cursor = 0;
  private readonly entries: Entry[] = [];
  private readonly byId = new Map<string, Entry>();
  private readonly children = new Map<string, string[]>();

  constructor(private readonly read: (afterSeq: number, limit: number) => JournalEvent[]) {}

  /** The last seq folded in. */
  get seq(): number {
    return this.cursor;
  }

  /** Folds the events written since the last call (contract item 1). */
  catchUp(): void {
    for (;;) {
      const page = this.read(this.cursor, PAGE);
      if (page.length === 0) return;
      for (const e of page) this.apply(e);
      this.cursor = page[page.length - 1]!.seq;
    }
  }

  /** A filtered page, in first-enqueue order (`desc`: newest first) (contract item 2). */
  query(
    filter: MessageFilter,
    offset: number,
    limit: number,
    nowT: number,
  ): { total: number; items: MessageSummary[] } {
    this.catchUp();
    const statuses =
      filter.status === undefined
        ? null
        : new Set(typeof filter.status === 'string' ? [filter.status] : filter.status);
    const text = filter.text?.toLowerCase();
    const matches = (e: Entry): boolean =>
      (filter.queue === undefined || e.queue === filter.queue) &&
      (filter.actor === undefined || e.actor === filter.actor) &&
      (filter.finished === undefined || e.finished === filter.finished) &&
      (statuses === null || statuses.has(this.statusAt(e, nowT))) &&
      (filter.label === undefined || (e.label !== null && e.label.startsWith(filter.label))) &&
      (text === undefined || e.search.includes(text));
    const desc = filter.order === 'desc';
    const n = this.entries.length;
    const items: MessageSummary[] = [];
    let total = 0;
    for (let k = 0; k < n; k++) {
      const e = this.entries[desc ? n - 1 - k : k]!;
      if (!matches(e)) continue;
      if (total >= offset && items.length < limit) items.push(this.summary(e, nowT));
      total++;
    }
    return { total, items };
  }

  /** One message's summary, or undefined when the journal never saw it. */
  get(messageId: string, nowT: number): MessageSummary | undefined {
    this.catchUp();
    const e = this.byId.get(messageId);
    return e ? this.summary(e, nowT) : undefined;
  }

  /** Ids of the messages enqueued with `messageId` as their parent (contract item 3). */
  childrenOf(messageId: string): string[] {
    this.catchUp();
    return [...(this.children.get(messageId) ?? [])];
  }

  /** A delayed message whose eta has passed counts as ready (as in world-state). */
  private statusAt(e: Entry, nowT: number): MessageStatus {
    return e.status === 'delayed' && e.etaT !== null && e.etaT <= nowT ? 'ready' : e.status;
  }

  private summary(e: Entry, nowT: number): MessageSummary {
    const { search: _search, ...rest } = e;
    return { ...rest, status: this.statusAt(e, nowT) };
  }

  private apply(ev: JournalEvent): void {
    const id = ev.messageId;
    if (!id) return;
    let e = this.byId.get(id);
    if (ev.kind === 'enqueued') {
      const delayed = ev.delay !== undefined && ev.delay !== null;
      if (!e) {
        e = {
          messageId: id,
          label: ev.label ?? null,
          actor: ev.actor ?? '',
          queue: ev.queue ?? '',
          status: 'ready',
          finished: false,
          attempts: 0,
          enqueuedT: ev.t,
          updatedT: ev.t,
          etaT: null,
          firstSeq: ev.seq,
          lastSeq: ev.seq,
          parentId: ev.parentId ?? null,
          reason: ev.reason ?? null,
          error: null,
          search: '',
        };
        e.search = [id, e.label ?? '', e.actor, e.queue, preview(ev.args), preview(ev.kwargs)]
          .join('\u0000')
          .toLowerCase();
        this.byId.set(id, e);
        this.entries.push(e);
        if (e.parentId !== null) {
          const list = this.children.get(e.parentId);
          if (list) list.push(id);
          else this.children.set(e.parentId, [id]);
        }
      }
      e.status = delayed ? 'delayed' : 'ready';
      e.etaT = delayed ? ev.t + (ev.delay ?? 0) : null;
      e.finished = false;
    } else if (!e) return;
    e.lastSeq = ev.seq;
    e.updatedT = ev.t;
    if (e.label === null && ev.label) e.label = ev.label;
    switch (ev.kind) {
      case 'started':
        e.status = 'running';
        e.attempts = ev.attempt ?? e.attempts + 1;
        e.etaT = null;
        break;
      case 'succeeded':
        e.status = 'succeeded';
        break;
      case 'failed':
        e.status = 'failed';
        if (ev.error) this.setError(e, ev.error);
        break;
      case 'skipped':
        e.status = 'skipped';
        break;
      case 'dead_lettered':
        e.status = 'dead';
        if (ev.error) this.setError(e, ev.error);
        break;
      case 'requeued':
        e.status = 'ready';
        e.etaT = null;
        break;
      case 'acked':
        // A retry re-enqueues the id before the failed attempt's ack: that delivery goes on.
        if (e.status === 'succeeded' || e.status === 'failed' || e.status === 'skipped')
          e.finished = true;
        break;
      default:
        break;
    }
  }

  private setError(e: Entry, error: { type: string; message: string }): void {
    const first = e.error === null;
    e.error = { type: error.type, message: error.message };
    if (first) e.search += `\u0000${error.type}\u0000${error.message}`.toLowerCase();
  }
}
