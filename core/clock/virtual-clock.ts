import { sleepOn, type Clock, type Timer, type TimerOptions } from './clock.ts';
import { settle } from './real-clock.ts';
import { RehearsalError } from '../errors.ts';

type Entry = {
  due: number;
  order: number;
  fn: () => void;
  background: boolean;
  cancelled: boolean;
  inHeap: boolean;
};

/** Options of `VirtualClock.run`. */
const noop = (): void => undefined;

export type RunOptions = {
  /** Stop before firing a timer due after this epoch ms; `now` is left at `untilMs`. */
  untilMs?: number;
  /** Stop when no foreground timer is left (default true). */
  untilIdle?: boolean;
  /** Runaway guard: at most this many timers fire (default 50 million). */
  maxTimers?: number;
  /** Called after each instant is fully settled, for progress reporting. */
  onInstant?: (nowMs: number) => void;
};

/**
 * The handle of one virtual timer: a class rather than a closure per timer (tsx, which runs the
 * sources, names each closure with a property definition; see real-clock.ts).
 */
class VirtualTimer implements Timer {
  constructor(
    private readonly clock: VirtualClock,
    private readonly entry: Entry,
  ) {}

  cancel(): void {
    this.clock.cancelEntry(this.entry);
  }
}

/**
 * A discrete-event clock: time stands still while the engine works and jumps to the next due
 * timer when everything has settled, so a 7-day backoff schedule runs in milliseconds.
 *
 * Contract:
 * 1. Timers fire by due time, then by the order they were set (insertion order).
 * 2. Between two timers the clock waits for all promise callbacks to settle (`settle()`), so the
 *    engine has reacted fully to one event before the next one fires: runs are deterministic.
 * 3. `run()` returns when only background timers remain (idle), or at `untilMs`.
 */
export class VirtualClock implements Clock {
  readonly kind = 'virtual' as const;
  private current: number;
  private readonly heap: Entry[] = [];
  private counter = 0;
  private foreground = 0;
  /** Cancelled entries still in the heap (they leave it when they reach the top, or compaction). */
  private cancelledInHeap = 0;

  /** @param startMs the epoch ms the run starts at (default 1_767_225_600_000, 2026-01-01 UTC). */
  constructor(startMs = 1_767_225_600_000) {
    this.current = startMs;
  }

  now(): number {
    return this.current;
  }

  setTimer(delayMs: number, fn: () => void, opts?: TimerOptions): Timer {
    const delay = Number.isFinite(delayMs)
      ? Math.max(0, Math.floor(delayMs))
      : Number.MAX_SAFE_INTEGER;
    const entry: Entry = {
      due: Math.min(this.current + delay, Number.MAX_SAFE_INTEGER),
      order: this.counter++,
      fn,
      background: opts?.background === true,
      cancelled: false,
      inHeap: true,
    };
    if (!entry.background) this.foreground++;
    this.push(entry);
    return new VirtualTimer(this, entry);
  }

  /** `Timer.cancel` of `entry` (see VirtualTimer). */
  cancelEntry(entry: Entry): void {
    if (entry.cancelled) return;
    entry.cancelled = true;
    // A cancelled timer can sit in the heap until its due time (a 10-minute time limit per
    // message): drop what it holds on to, and compact when they are the majority.
    entry.fn = noop;
    if (!entry.background) this.foreground--;
    if (!entry.inHeap) return;
    this.cancelledInHeap++;
    if (this.cancelledInHeap > 1024 && this.cancelledInHeap * 2 > this.heap.length) this.compact();
  }

  /** Runs `fn` as a microtask: same instant, after the current code (cheaper than a timer). */
  defer(fn: () => void): void {
    queueMicrotask(fn);
  }

  sleep(delayMs: number, signal?: AbortSignal): Promise<void> {
    return sleepOn(this, delayMs, signal);
  }

  /** Number of pending foreground timers. */
  get pending(): number {
    return this.foreground;
  }

  /** Due time of the next pending timer (foreground or background), or null. */
  nextDue(): number | null {
    this.dropCancelled();
    return this.heap[0]?.due ?? null;
  }

  /** Moves time forward to `ms` without firing anything (only when nothing is due earlier). */
  advanceTo(ms: number): void {
    if (ms > this.current) this.current = ms;
  }

  /**
   * Fires timers in order until idle or `untilMs` (see the contract). Resolves with the number of
   * timers fired.
   * @throws RehearsalError `CLOCK_RUNAWAY` when `maxTimers` is exceeded.
   */
  async run(opts: RunOptions = {}): Promise<number> {
    const untilIdle = opts.untilIdle ?? true;
    const maxTimers = opts.maxTimers ?? 50_000_000;
    let fired = 0;
    await settle();
    for (;;) {
      this.dropCancelled();
      const next = this.heap[0];
      if (!next) break;
      if (untilIdle && this.foreground === 0) break;
      if (opts.untilMs !== undefined && next.due > opts.untilMs) break;
      const instant = next.due;
      if (instant > this.current) this.current = instant;
      // Fire every timer due at this instant in insertion order, then let their reactions settle;
      // timers those reactions set for the same instant fire in the next round.
      for (;;) {
        this.dropCancelled();
        const head = this.heap[0];
        if (!head || head.due > this.current) break;
        const round: Entry[] = [];
        while (this.heap.length > 0 && this.heap[0]!.due <= this.current) {
          const e = this.pop()!;
          if (!e.cancelled) round.push(e);
        }
        for (const e of round) {
          if (e.cancelled) continue;
          e.cancelled = true;
          if (!e.background) this.foreground--;
          fired++;
          if (fired > maxTimers) {
            throw new RehearsalError(
              'CLOCK_RUNAWAY',
              `virtual clock fired more than ${maxTimers} timers; is something rescheduling itself forever?`,
              { maxTimers },
            );
          }
          e.fn();
        }
        await settle();
      }
      opts.onInstant?.(this.current);
    }
    // Reaching the time bound (rather than going idle) leaves the clock at the bound.
    const idle = untilIdle && this.foreground === 0;
    if (opts.untilMs !== undefined && !idle && this.current < opts.untilMs)
      this.current = opts.untilMs;
    return fired;
  }

  /**
   * Fires every timer of the next instant (and what their reactions schedule for that same
   * instant), then returns that instant, or null when no timer is pending. For stepping a
   * simulation one event time at a time (the UI's "step").
   */
  async step(): Promise<number | null> {
    await settle();
    const due = this.nextDue();
    if (due === null) return null;
    await this.run({ untilMs: due, untilIdle: false });
    return due;
  }

  private dropCancelled(): void {
    while (this.heap.length > 0 && this.heap[0]!.cancelled) this.pop();
  }

  /** Rebuilds the heap without cancelled entries (a sorted array is a valid heap). */
  private compact(): void {
    const live = this.heap.filter((e) => !e.cancelled);
    live.sort((a, b) => a.due - b.due || a.order - b.order);
    this.heap.length = 0;
    for (const e of live) this.heap.push(e);
    this.cancelledInHeap = 0;
  }

  private less(a: Entry, b: Entry): boolean {
    return a.due < b.due || (a.due === b.due && a.order < b.order);
  }

  private push(e: Entry): void {
    const h = this.heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }

  private pop(): Entry | undefined {
    const h = this.heap;
    const top = h[0];
    if (top) {
      top.inHeap = false;
      if (top.cancelled) this.cancelledInHeap--;
    }
    const last = h.pop();
    if (h.length > 0 && last) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.less(h[l]!, h[m]!)) m = l;
        if (r < h.length && this.less(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }
}
