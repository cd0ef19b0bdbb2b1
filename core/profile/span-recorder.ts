/**
 * Self-time accounting of nested synchronous spans: where a process's time went, step by step.
 *
 * Contract:
 * 1. `time(label, fn)` runs `fn` and charges its duration, minus the duration of the spans nested
 *    inside it, to `label` (its self time). Nested spans are charged to their own labels, so the
 *    self times of all labels add up to the time spent inside outermost spans (`trackedMs`), and
 *    nothing is counted twice.
 * 2. Only synchronous work is charged: for a function that returns a promise, the time until it
 *    returned (its first `await`). What runs later is charged to whatever span it runs in, or to
 *    nothing.
 * 3. Time comes from the injected monotonic `now` (ms, fractional): `monotonicMs` of core/clock
 *    in production, a fake in tests. A span that throws is charged like one that returns.
 * 4. After `pause()` nothing more is charged (the work after a measured phase, such as a shutdown,
 *    stays out of its account).
 */

/** What one label was charged. */
export type SpanTotals = {
  /** Spans recorded under this label. */
  calls: number;
  /** Self time, ms (contract item 1). */
  selfMs: number;
};

export class SpanRecorder {
  private readonly now: () => number;
  private readonly totals = new Map<string, SpanTotals>();
  /** Per open span, the inclusive time of its finished children so far (a stack). */
  private readonly children: number[] = [];
  private outerMs = 0;
  private paused = false;

  constructor(now: () => number) {
    this.now = now;
  }

  /** Runs `fn` inside a span labelled `label` (contract items 1–3). */
  time<T>(label: string, fn: () => T): T {
    if (this.paused) return fn();
    const t0 = this.now();
    this.children.push(0);
    try {
      return fn();
    } finally {
      const total = this.now() - t0;
      const nested = this.children.pop()!;
      const depth = this.children.length;
      if (depth > 0) this.children[depth - 1]! += total;
      else this.outerMs += total;
      let t = this.totals.get(label);
      if (!t) this.totals.set(label, (t = { calls: 0, selfMs: 0 }));
      t.calls++;
      t.selfMs += total - nested;
    }
  }

  /** Time spent inside outermost spans, ms: the sum of every label's self time. */
  get trackedMs(): number {
    return this.outerMs;
  }

  /** A copy of the totals, by label. */
  snapshot(): Map<string, SpanTotals> {
    return new Map([...this.totals].map(([k, v]) => [k, { ...v }]));
  }

  /** Stops charging: from now on `time` only runs its function (the measured phase is over). */
  pause(): void {
    this.paused = true;
  }

  /** Forgets everything recorded so far (spans still open keep running). */
  reset(): void {
    this.totals.clear();
    this.outerMs = 0;
  }
}
