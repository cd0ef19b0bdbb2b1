/**
 * The journal: the single record of history. Every state change appends one row in the same
 * transaction as the change (the broker calls `append` inside its write).
 *
 * Contract:
 * 1. `seq` is 1, 2, 3… in commit order across every process on the database file.
 * 2. `t` of an event is `at` minus the run's start time, stored once in `meta.start_at`.
 * 3. Nothing about history is stored anywhere else.
 * 4. `onAppend` listeners get each appended event in a microtask, in seq order, and never one
 *    whose write was rolled back (its seq is reused by the next event). `onAppendImmediate`
 *    listeners get it synchronously inside the write, before it is known to stick. Inside a
 *    worker's group commit (store contract item 3) an event is delivered once its own write is
 *    done, up to a few ms before the group commits; only a group whose COMMIT itself fails (a
 *    full disk) can take back events already delivered, and the broker logs that as an ERROR.
 */
import type { Clock } from '../clock/clock.ts';
import { wallNow } from '../clock/real-clock.ts';
import type { SqliteStore } from '../db/store.ts';
import type { EventRow } from '../db/statements/journal.ts';
import { jsonWithNonFinite, pyJsonParse } from '../message.ts';
import type { JournalEntry, JournalEvent, EventKind } from './journal-event.ts';

export class Journal {
  /** Engine time (epoch ms) at which this database's run started. */
  readonly startAt: number;
  private readonly listeners = new Set<(e: JournalEvent) => void>();
  private readonly immediate = new Set<(e: JournalEvent) => void>();
  /** Appended events not yet handed to `listeners` (contract item 4). */
  private outbox: JournalEvent[] = [];
  private deliveryQueued = false;
  /**
   * Root seq of each message id this process wrote or looked up (see migration 0006), so that a
   * message's later rows cost no lookup. Cleared on any rollback (a rolled-back root's seq is
   * reused) and when it grows large; a miss falls back to one indexed read.
   */
  private roots = new Map<string, number>();

  constructor(
    private readonly store: SqliteStore,
    private readonly clock: Clock,
    opts: { readonly?: boolean } = {},
  ) {
    // A read-only reader takes the stored start, or the first event's time, and writes nothing.
    this.startAt = opts.readonly
      ? Number(store.messages.getMeta('start_at') ?? store.journal.page(0, 1)[0]?.at ?? clock.now())
      : Number(store.write(() => store.messages.initMeta('start_at', String(clock.now()))));
    store.onRollback(() => this.dropRolledBack());
  }

  /**
   * Appends one event; must run inside the write of the state change it records. `root` says
   * where its message's first row is: `'first'` for the first row ever of a message id just
   * built here, a seq when the caller knows it; otherwise it is looked up (cached). `dataText`
   * is the row's `data` when the caller has already encoded it (a send: `encodeMessageParts`).
   */
  append(entry: JournalEntry, root?: 'first' | number, dataText?: string): number {
    const text = dataText ?? dataOf(entry);
    const at = this.clock.now();
    const messageId = entry.messageId ?? null;
    const msg =
      messageId === null || root === 'first'
        ? null
        : root !== undefined
          ? root
          : this.rootOf(messageId);
    const row = {
      at,
      wall: wallNow(),
      kind: entry.kind,
      message_id: messageId,
      label: entry.label ?? null,
      actor: entry.actor ?? null,
      queue: entry.queue ?? null,
      attempt: entry.attempt ?? null,
      parent_id: entry.parentId ?? null,
      reason: entry.reason ?? null,
      delay: entry.delay ?? null,
      worker: entry.worker ?? null,
      thread: entry.thread ?? null,
      data: text,
      msg,
    };
    const seq = this.store.journal.insert(row);
    // A new root is not cached: the message row keeps it (`knowRoot` at claim), and most sends
    // are claimed by a process of their own or long after.
    if (messageId !== null && entry.kind === 'acked') this.roots.delete(messageId);
    if (this.listeners.size > 0 || this.immediate.size > 0) {
      const event = rowToEvent({ seq, ...row }, this.startAt);
      for (const l of this.immediate) l(event);
      if (this.listeners.size > 0) this.post(event);
    }
    return seq;
  }

  /** Caches where a message's first row is, as its message row says (migration 8). */
  knowRoot(messageId: string, root: number | null): void {
    if (root !== null) this.remember(messageId, root);
  }

  /** Seq of the first row of a message id (cached), or null when it has none yet. */
  rootOf(messageId: string): number | null {
    const cached = this.roots.get(messageId);
    if (cached !== undefined) return cached;
    const root = this.store.journal.rootOf(messageId);
    if (root !== null) this.remember(messageId, root);
    return root;
  }

  private remember(messageId: string, root: number): void {
    if (this.roots.size >= 200_000) this.roots.clear();
    this.roots.set(messageId, root);
  }

  /**
   * Queues `event` for the `onAppend` listeners. Delivery waits for a microtask: a write is
   * synchronous, so by then it has committed or rolled back (a held group commit only ever
   * rolls back a nested write, synchronously too), and `dropRolledBack` has taken out the events
   * that did not stick.
   */
  private post(event: JournalEvent): void {
    this.outbox.push(event);
    if (this.deliveryQueued) return;
    this.deliveryQueued = true;
    queueMicrotask(() => {
      this.deliveryQueued = false;
      const batch = this.outbox;
      this.outbox = [];
      for (const e of batch) for (const l of this.listeners) l(e);
    });
  }

  /** After a rollback: events above the last seq still written were undone (contract item 4). */
  private dropRolledBack(): void {
    this.roots.clear();
    if (this.outbox.length === 0) return;
    let last: number;
    try {
      last = this.store.journal.lastSeq();
    } catch {
      // The connection itself failed: drop them all rather than mask the write's own error
      // (a listener that misses events finds them in the database; one fed a ghost cannot).
      this.outbox = [];
      return;
    }
    this.outbox = this.outbox.filter((e) => e.seq <= last);
  }

  /** Events with seq > `afterSeq`, at most `limit`. */
  page(afterSeq: number, limit = 1000): JournalEvent[] {
    return this.store.journal.page(afterSeq, limit).map((r) => rowToEvent(r, this.startAt));
  }

  /** Every event of one message id. */
  history(messageId: string): JournalEvent[] {
    return this.store.journal.byMessage(messageId).map((r) => rowToEvent(r, this.startAt));
  }

  /** Iterates all events after `afterSeq` in order. */
  *iterate(afterSeq = 0): Generator<JournalEvent> {
    for (const r of this.store.journal.iterate(afterSeq)) yield rowToEvent(r, this.startAt);
  }

  lastSeq(): number {
    return this.store.journal.lastSeq();
  }

  /** Epoch ms of the last event, or null when the journal is empty. */
  lastAt(): number | null {
    const last = this.store.journal.lastSeq();
    return last > 0 ? (this.store.journal.page(last - 1, 1)[0]?.at ?? null) : null;
  }

  /**
   * Calls `listener` for each event this process appends, in a microtask, in seq order, leaving
   * out events whose write was rolled back (contract item 4).
   */
  onAppend(listener: (e: JournalEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Calls `listener` synchronously as each event is appended, inside its write: for engine code
   * that must act at that exact point of history (a fork applies its change right after its
   * event). The write may still roll back.
   */
  onAppendImmediate(listener: (e: JournalEvent) => void): () => void {
    this.immediate.add(listener);
    return () => this.immediate.delete(listener);
  }
}

/**
 * The `data` text of an entry: its JSON fields (args, kwargs, options, result, error), null when
 * it has none. Non-finite numbers keep their value (Python tokens), so `args` read back as the
 * actor got them.
 */
function dataOf(entry: JournalEntry): string | null {
  const hasResult = Object.prototype.hasOwnProperty.call(entry, 'result');
  if (
    entry.args === undefined &&
    entry.kwargs === undefined &&
    entry.options === undefined &&
    entry.error === undefined
  ) {
    if (!hasResult) return null;
    // An actor that returns nothing: every succeeded row of a no-op actor.
    if (entry.result === null || entry.result === undefined) return '{"result":null}';
  }
  const data: Record<string, unknown> = {};
  if (entry.args !== undefined) data.args = entry.args;
  if (entry.kwargs !== undefined) data.kwargs = entry.kwargs;
  if (entry.options !== undefined) data.options = entry.options;
  if (hasResult) data.result = entry.result ?? null;
  if (entry.error !== undefined) data.error = entry.error;
  try {
    return jsonWithNonFinite(data);
  } catch {
    // Only a result is unchecked (sends check their args, errors are text): a BigInt or a cycle
    // that JSON cannot hold is recorded as null, as the Results middleware stores none of it.
    data.result = null;
    return jsonWithNonFinite(data);
  }
}

/** Converts a stored row to an event. */
export function rowToEvent(r: EventRow, startAt: number): JournalEvent {
  const e: JournalEvent = {
    seq: r.seq,
    at: r.at,
    t: r.at - startAt,
    wall: r.wall,
    kind: r.kind as EventKind,
  };
  if (r.message_id !== null) e.messageId = r.message_id;
  if (r.label !== null) e.label = r.label;
  if (r.actor !== null) e.actor = r.actor;
  if (r.queue !== null) e.queue = r.queue;
  if (r.attempt !== null) e.attempt = r.attempt;
  if (r.parent_id !== null) e.parentId = r.parent_id;
  if (r.reason !== null) e.reason = r.reason;
  if (r.delay !== null) e.delay = r.delay;
  if (r.worker !== null) e.worker = r.worker;
  if (r.thread !== null) e.thread = r.thread;
  if (r.data !== null) {
    const d = pyJsonParse(r.data) as Record<string, unknown>;
    if (d.args !== undefined) e.args = d.args as unknown[];
    if (d.kwargs !== undefined) e.kwargs = d.kwargs as Record<string, unknown>;
    if (d.options !== undefined) e.options = d.options as Record<string, unknown>;
    if ('result' in d) e.result = d.result;
    if (d.error !== undefined) e.error = d.error as JournalEvent['error'] & object;
  }
  return e;
}
