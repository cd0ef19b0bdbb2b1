/**
 * Driving a profiled load until every message is finished, on either clock.
 *
 * Contract:
 * 1. Real clock: looks at `broker.pendingCount()` every `pollMs` (default 50) of real time and
 *    resolves `drained` when nothing is ready, delayed or in flight.
 * 2. Virtual clock: runs the clock until idle; an actor that awaits real time (a module's actor
 *    under `--clock virtual`) keeps its worker busy after the clock went idle, so the clock runs
 *    again once it has settled, until nothing is pending and no worker is busy.
 * 3. `stopped()` is asked between steps (every instant on the virtual clock); once it is true the
 *    drive resolves `stopped` and leaves the workers to the caller.
 * 4. `onProgress(pending)` is called at most every 100 ms of real time.
 */
import type { Broker } from '../broker/broker.ts';
import type { Clock } from '../clock/clock.ts';
import { monotonicMs, RealClock } from '../clock/real-clock.ts';
import { VirtualClock } from '../clock/virtual-clock.ts';
import type { Worker } from '../worker/worker.ts';

/** Options of `drain`. */
export type DrainOptions = {
  /** The broker to count pending messages on (the real one, so the count is not profiled). */
  broker: Broker;
  workers: readonly Worker[];
  clock: Clock;
  /** Real clock: ms between two looks (default 50). */
  pollMs?: number;
  onProgress?: (pending: number) => void;
  /** True once the run should stop (contract item 3). */
  stopped: () => boolean;
};

/** Thrown from the virtual clock's instant callback to stop its run. */
class Stop extends Error {}

/** Runs until drained or stopped (contract items 1–4). */
export async function drain(o: DrainOptions): Promise<'drained' | 'stopped'> {
  let lastProgress = -Infinity;
  const progress = (force: boolean): void => {
    if (!o.onProgress) return;
    const now = monotonicMs();
    if (!force && now - lastProgress < 100) return;
    lastProgress = now;
    o.onProgress(o.broker.pendingCount());
  };
  if (o.clock instanceof VirtualClock) {
    const clock = o.clock;
    const real = new RealClock();
    for (;;) {
      try {
        await clock.run({
          onInstant: () => {
            if (o.stopped()) throw new Stop();
            progress(false);
          },
        });
      } catch (err) {
        if (err instanceof Stop) return 'stopped';
        throw err;
      }
      if (o.stopped()) return 'stopped';
      progress(true);
      if (!o.broker.hasPending() && o.workers.every((w) => w.busy === 0)) return 'drained';
      await real.sleep(1);
    }
  }
  for (;;) {
    if (o.stopped()) return 'stopped';
    const pending = o.broker.pendingCount();
    o.onProgress?.(pending);
    if (pending === 0) return 'drained';
    await o.clock.sleep(o.pollMs ?? 50);
  }
}
