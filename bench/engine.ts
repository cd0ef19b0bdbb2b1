/**
 * The engine as a user runs it: `SqliteBroker` on a real file (WAL, default pragmas), `RealClock`,
 * the default middleware stack and the journal, a no-op actor, and `Worker`.
 */
import { join } from 'node:path';
import { actor, RealClock, SqliteBroker, Worker, type Actor } from '../core/index.ts';
import { ACTOR, nowMs, QUEUE, sleep, stopwatch, timeSync, type Timed } from './lib.ts';

type NoopFn = (i: number) => undefined;

/** How the e2e section notices that every message is acked. */
export type E2eWait = 'poll' | 'join';

function openEngine(dir: string, name: string): { broker: SqliteBroker; noop: Actor<NoopFn> } {
  const broker = new SqliteBroker({ file: join(dir, name), clock: new RealClock() });
  const noop = actor<NoopFn>((_i: number) => undefined, {
    actorName: ACTOR,
    queueName: QUEUE,
    broker,
  });
  return { broker, noop };
}

function sendBatched(broker: SqliteBroker, noop: Actor<NoopFn>, n: number, batch: number): void {
  for (let i = 0; i < n; i += batch) {
    const end = Math.min(n, i + batch);
    broker.batch(() => {
      for (let j = i; j < end; j++) noop.send(j);
    });
  }
}

/** `engine_enqueue_single_per_s`: `actor.send()` one at a time, each its own transaction. */
export function engineEnqueueSingle(dir: string, n: number): Timed {
  const { broker, noop } = openEngine(dir, 'enqueue-single.db');
  try {
    return timeSync(n, () => {
      for (let i = 0; i < n; i++) noop.send(i);
    });
  } finally {
    broker.close();
  }
}

/** `engine_enqueue_batched_per_s`: `broker.batch(() => 1000 × actor.send())`. */
export function engineEnqueueBatched(dir: string, n: number): Timed {
  const { broker, noop } = openEngine(dir, 'enqueue-batched.db');
  try {
    return timeSync(n, () => sendBatched(broker, noop, n, 1000));
  } finally {
    broker.close();
  }
}

/** Result of the e2e section: the timing plus what the journal recorded. */
export type E2eResult = Timed & { pendingAfter: number; journalRows: number; timedOut: boolean };

/**
 * `engine_e2e_msgs_per_s`: prefill `n` messages (batched, untimed), then start a Worker with 8
 * threads and time until nothing is pending. `wait: 'poll'` checks `broker.hasPending()` every
 * `pollMs` of real time; `wait: 'join'` awaits `worker.join()`.
 */
export async function engineE2e(
  dir: string,
  n: number,
  opts: {
    wait: E2eWait;
    pollMs: number;
    timeoutMs: number;
    /** Worker threads (the figure uses 8). */
    threads?: number;
    /** Worker prefetch (default: the engine's, min(threads × 2, 65535)). */
    prefetch?: number;
  },
): Promise<E2eResult> {
  const { broker, noop } = openEngine(dir, 'e2e.db');
  let worker: Worker | null = null;
  try {
    sendBatched(broker, noop, n, 1000);
    worker = new Worker(broker, {
      threads: opts.threads ?? 8,
      ...(opts.prefetch === undefined ? {} : { prefetch: opts.prefetch }),
    });
    const w = worker;
    const deadline = nowMs() + opts.timeoutMs;
    const stop = stopwatch();
    w.start();
    let timedOut = false;
    if (opts.wait === 'join') {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), opts.timeoutMs);
      });
      timedOut = (await Promise.race([w.join(), timeout])) === 'timeout';
      clearTimeout(timer);
    } else {
      while (broker.hasPending()) {
        if (nowMs() > deadline) {
          timedOut = true;
          break;
        }
        await sleep(opts.pollMs);
      }
    }
    const { seconds, cpuSeconds } = stop();
    const pendingAfter = broker.pendingCount();
    await w.stop({ timeoutMs: 5000 });
    worker = null;
    return {
      messages: n - pendingAfter,
      seconds,
      cpuSeconds,
      pendingAfter,
      journalRows: broker.store.journal.count(),
      timedOut,
    };
  } finally {
    if (worker) await worker.stop({ timeoutMs: 5000 });
    broker.close();
  }
}
