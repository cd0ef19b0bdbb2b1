/**
 * The one door to time for everything in core.
 *
 * Contract:
 * 1. `now()` is epoch milliseconds (integer) as the engine sees it: wall time for `RealClock`,
 *    simulated time for `VirtualClock`.
 * 2. Timers fire in due-time order; timers due at the same time fire in the order they were set.
 * 3. A `background` timer (like Node's `unref`) never keeps a virtual run from being idle: lease
 *    heartbeats and maintenance use it, so `runUntilIdle` ends when only they remain.
 * 4. `defer(fn)` runs `fn` soon, after the current synchronous work and its promise callbacks
 *    (a macrotask on the real clock, a zero-delay timer on the virtual clock).
 */
export interface Clock {
  /** `real` for wall time, `virtual` for discrete-event simulated time. */
  readonly kind: 'real' | 'virtual';
  /** Current time, epoch ms, integer. */
  now(): number;
  /** Calls `fn` once after `delayMs` (clamped to >= 0). */
  setTimer(delayMs: number, fn: () => void, opts?: TimerOptions): Timer;
  /** Runs `fn` after the current task and its microtasks; see contract item 4. */
  defer(fn: () => void): void;
  /** Resolves after `delayMs`; rejects with the signal's reason when `signal` aborts first. */
  sleep(delayMs: number, signal?: AbortSignal): Promise<void>;
}

/** Options of `Clock.setTimer`. */
export type TimerOptions = {
  /** A background timer does not keep a virtual run busy (see the Clock contract). Default false. */
  background?: boolean;
};

/** A scheduled timer; `cancel` is idempotent. */
export interface Timer {
  cancel(): void;
}

/** Shared implementation of `sleep` over `setTimer`, used by both clocks. */
export function sleepOn(clock: Clock, delayMs: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason as Error);
      return;
    }
    // A listener object, not a closure: tsx (which runs the sources) names every closure it
    // creates with a property definition, and simulated actors sleep once per attempt.
    const onAbort = {
      handleEvent(): void {
        timer.cancel();
        reject(signal?.reason as Error);
      },
    };
    const timer = clock.setTimer(delayMs, () => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    });
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
