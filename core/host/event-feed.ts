/**
 * Gap-free, duplicate-free journal streams for subscribers.
 *
 * Contract:
 * 1. Each subscriber has a cursor: the last seq it was given. A pushed event is handed on only
 *    when it is the next one (seq = cursor + 1) and a stored one only when above the cursor, so it
 *    sees every event once and in order, whatever the timing.
 * 2. Two ways in, one rule: events this process appends arrive through `push` (from
 *    `journal.onAppend`) and are handed on directly when they are the next one; anything else —
 *    the replay after `subscribe(fromSeq)`, a subscriber that fell behind, events written by other
 *    processes (`poll`) — is read from the database by the subscriber's catch-up loop, page by
 *    page, yielding between pages so a long replay does not stall the engine.
 * 3. The race between replay and live: while a subscriber catches up, live pushes skip it; its
 *    catch-up loop ends only on reading an empty page, synchronously before it switches to live,
 *    so an event appended during the replay is either in a page it read or pushed after it went
 *    live (and a pushed event it already read is below its cursor and skipped).
 * 4. Live events are handed on in a microtask, never inside the journal's write transaction, so a
 *    subscriber may call back into the engine.
 * 5. `reset` switches to another run: every subscriber gets `run_changed` and restarts at 0.
 */
import type { JournalEvent } from '../journal/journal-event.ts';
import type { EngineEvent, JournalEventWire } from './api/events.ts';

/** Where the feed reads stored events. */
export type FeedSource = {
  page(afterSeq: number, limit: number): JournalEvent[];
  lastSeq(): number;
};

type Subscriber = {
  cursor: number;
  onEvent: (e: EngineEvent) => void;
  catching: boolean;
  closed: boolean;
};

/** Events read per catch-up page. */
const PAGE = 500;

/** The wire shape of a journal event: the same camelCase fields, nulls left out. */
export function toWireEvent(e: JournalEvent): JournalEventWire {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(e)) if (v !== undefined && v !== null) out[k] = v;
  // A null result is meaningful on `succeeded` / `result_stored` (an actor returned None).
  if (e.result === null && (e.kind === 'succeeded' || e.kind === 'result_stored'))
    out.result = null;
  return out as JournalEventWire;
}

export class EventFeed {
  private readonly subs = new Set<Subscriber>();
  private pending: JournalEvent[] = [];
  private flushQueued = false;
  private source: FeedSource | null;
  private runId: string | null;

  /**
   * @param source the current run's journal (null when there is no run yet)
   * @param yieldNow resolves after other work had a chance to run (between catch-up pages)
   * @param onError called when a subscriber's callback throws (the feed carries on)
   */
  constructor(
    source: FeedSource | null,
    runId: string | null,
    private readonly yieldNow: () => Promise<void>,
    private readonly onError: (err: unknown) => void = () => undefined,
  ) {
    this.source = source;
    this.runId = runId;
  }

  get currentRunId(): string | null {
    return this.runId;
  }

  /** Number of live subscriptions. */
  get size(): number {
    return this.subs.size;
  }

  /** A subscription from `fromSeq` (contract items 1–3); with a stale `runId`, from 0. */
  subscribe(fromSeq: number, onEvent: (e: EngineEvent) => void, runId?: string): () => void {
    const sub: Subscriber = {
      cursor: Math.max(0, Math.floor(fromSeq)),
      onEvent,
      catching: false,
      closed: false,
    };
    this.subs.add(sub);
    // Start in a microtask: nothing is delivered before `subscribe` has returned.
    sub.catching = true;
    queueMicrotask(() => {
      sub.catching = false;
      const stale = runId !== undefined && this.runId !== null && runId !== this.runId;
      if (stale && !sub.closed) {
        sub.cursor = 0;
        this.emit(sub, { seq: 0, kind: 'run_changed', runId: this.runId! });
      }
      void this.catchUp(sub);
    });
    return () => {
      sub.closed = true;
      this.subs.delete(sub);
    };
  }

  /** An event this process just appended (contract items 2 and 4). */
  push(e: JournalEvent): void {
    if (this.subs.size === 0) return;
    this.pending.push(e);
    if (this.flushQueued) return;
    this.flushQueued = true;
    queueMicrotask(() => this.flush());
  }

  /** Picks up events other processes wrote (contract item 2). */
  poll(): void {
    if (!this.source || this.subs.size === 0) return;
    const last = this.source.lastSeq();
    for (const sub of this.subs) if (!sub.catching && sub.cursor < last) void this.catchUp(sub);
  }

  /** Follows another run from now on (contract item 5). */
  reset(source: FeedSource | null, runId: string | null): void {
    this.source = source;
    this.runId = runId;
    this.pending = [];
    for (const sub of this.subs) {
      sub.cursor = 0;
      if (runId !== null) this.emit(sub, { seq: 0, kind: 'run_changed', runId });
      void this.catchUp(sub);
    }
  }

  /** Drops every subscriber. */
  close(): void {
    for (const sub of this.subs) sub.closed = true;
    this.subs.clear();
    this.pending = [];
  }

  private flush(): void {
    this.flushQueued = false;
    const batch = this.pending;
    this.pending = [];
    for (const sub of this.subs) {
      if (sub.catching) continue;
      for (const e of batch) {
        if (sub.closed) break;
        if (e.seq <= sub.cursor) continue;
        if (e.seq !== sub.cursor + 1) {
          void this.catchUp(sub);
          break;
        }
        sub.cursor = e.seq;
        this.emit(sub, toWireEvent(e));
      }
    }
  }

  /** Reads the events after the cursor from the database until none is left (contract item 3). */
  private async catchUp(sub: Subscriber): Promise<void> {
    if (sub.catching || sub.closed) return;
    sub.catching = true;
    try {
      for (;;) {
        const source = this.source;
        if (sub.closed || !source) return;
        const page = source.page(sub.cursor, PAGE);
        if (page.length === 0) return;
        for (const e of page) {
          if (sub.closed) return;
          if (e.seq <= sub.cursor) continue;
          sub.cursor = e.seq;
          this.emit(sub, toWireEvent(e));
        }
        await this.yieldNow();
      }
    } finally {
      sub.catching = false;
    }
  }

  private emit(sub: Subscriber, e: EngineEvent): void {
    try {
      sub.onEvent(e);
    } catch (err) {
      this.onError(err);
    }
  }
}
