import { sleepOn, type Clock, type Timer, type TimerOptions } from './clock.ts';

/**
 * Wall-clock time: the only file in core allowed to read the system clock or schedule host
 * timers (STYLE.md habit 3).
 */
export class RealClock implements Clock {
  readonly kind = 'real' as const;

  now(): number {
    return Date.now();
  }

  setTimer(delayMs: number, fn: () => void, opts?: TimerOptions): Timer {
    // A timer past Node's 2^31−1 ms limit (or infinite) would fire at once: it never fires.
    if (!(delayMs <= 2_147_483_647)) return NEVER;
    return new RealTimer(Math.max(0, delayMs), fn, opts?.background === true);
  }

  defer(fn: () => void): void {
    setImmediate(fn);
  }

  sleep(delayMs: number, signal?: AbortSignal): Promise<void> {
    return sleepOn(this, delayMs, signal);
  }
}

/** A timer that never fires. */
const NEVER: Timer = { cancel: () => undefined };

/**
 * One wall-clock timer. A class, not closures: the engine sets one per attempt (its time limit),
 * and tsx (which runs the sources) names every closure it creates with `Object.defineProperty`,
 * which cost ≈ 3 % of a worker's time on its own.
 */
class RealTimer implements Timer {
  private readonly due: number;
  private handle: NodeJS.Timeout;

  constructor(
    delayMs: number,
    private readonly fn: () => void,
    private readonly background: boolean,
  ) {
    // Node's timers run on the monotonic clock while `now()` is wall time, which clock sync can
    // set back meanwhile (on this VM a 300 ms time limit read as 296 ms between its journal
    // rows). Fire no earlier than `delayMs` of `now()`: re-arm for what is left.
    this.due = Date.now() + delayMs;
    this.handle = this.arm(delayMs);
  }

  private arm(ms: number): NodeJS.Timeout {
    const h = setTimeout(fireRealTimer, ms, this);
    if (this.background) h.unref();
    return h;
  }

  fire(): void {
    const left = this.due - Date.now();
    if (left > 0) this.handle = this.arm(left);
    else this.fn();
  }

  cancel(): void {
    clearTimeout(this.handle);
  }
}

function fireRealTimer(t: RealTimer): void {
  t.fire();
}

/** Wall time in epoch ms, for journal `wall` columns even when the engine runs on virtual time. */
export function wallNow(): number {
  return Date.now();
}

/** High-resolution monotonic ms, for profiling only (never for engine decisions). */
export function monotonicMs(): number {
  return performance.now();
}

/**
 * Resolves after every pending promise callback has run: one host macrotask hop. The virtual
 * clock uses it to know that the engine has nothing left to do at the current instant.
 */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
