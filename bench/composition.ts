/**
 * Composition and middleware figures (issue 4): pipelines and groups end to end, and the cost of
 * the default middleware stack. Same conditions as the e2e section: a real file, `RealClock`,
 * the journal on, a `Worker` with 8 threads, no-op actors.
 */
import { join } from 'node:path';
import {
  actor,
  group,
  pipeline,
  RealClock,
  SqliteBroker,
  Worker,
  type Middleware,
} from '../core/index.ts';
import { nowMs, sleep, stopwatch, type Timed } from './lib.ts';

type Step = (...a: unknown[]) => null;

async function drain(
  broker: SqliteBroker,
  timeoutMs: number,
): Promise<{ seconds: number; cpuSeconds: number }> {
  const worker = new Worker(broker, { threads: 8 });
  const stop = stopwatch();
  worker.start();
  const deadline = nowMs() + timeoutMs;
  while (broker.hasPending()) {
    if (nowMs() > deadline) throw new Error(`timed out with ${broker.pendingCount()} pending`);
    await sleep(20);
  }
  const t = stop();
  await worker.stop({ timeoutMs: 5000 });
  return t;
}

function open(dir: string, name: string, middleware?: Middleware[]): SqliteBroker {
  return new SqliteBroker({
    file: join(dir, name),
    clock: new RealClock(),
    ...(middleware ? { middleware } : {}),
  });
}

/** `engine_pipeline3_msgs_per_s`: n/3 pipelines of three no-op steps; messages (steps) per second. */
export async function enginePipeline3(dir: string, n: number): Promise<Timed> {
  const broker = open(dir, 'pipeline.db');
  try {
    const step = actor<Step>(() => null, { actorName: 'step', broker });
    const count = Math.max(1, Math.floor(n / 3));
    broker.batch(() => {
      for (let i = 0; i < count; i++)
        pipeline([step.message(i), step.message(), step.message()], { broker }).run();
    });
    const t = await drain(broker, 180_000);
    return { messages: count * 3, ...t };
  } finally {
    broker.close();
  }
}

/** `engine_group100_msgs_per_s`: n/100 groups of 100 no-op children with a completion callback. */
export async function engineGroup100(dir: string, n: number): Promise<Timed> {
  const broker = open(dir, 'group.db');
  try {
    const child = actor<Step>(() => null, { actorName: 'child', broker });
    const done = actor<Step>(() => null, { actorName: 'done', broker });
    const groups = Math.max(1, Math.floor(n / 101));
    for (let g = 0; g < groups; g++) {
      group(
        Array.from({ length: 100 }, (_, i) => child.message(i)),
        { broker },
      )
        .addCompletionCallback(done.message(g))
        .run();
    }
    const t = await drain(broker, 180_000);
    return { messages: groups * 101, ...t };
  } finally {
    broker.close();
  }
}

/** e2e of n no-op messages with the default middleware stack, or with none (`bare`). */
export async function engineE2eMiddleware(dir: string, n: number, bare: boolean): Promise<Timed> {
  const broker = open(dir, bare ? 'bare.db' : 'full.db', bare ? [] : undefined);
  try {
    const noop = actor<Step>(() => null, { actorName: 'noop', broker });
    for (let i = 0; i < n; i += 1000) {
      broker.batch(() => {
        for (let j = i; j < Math.min(n, i + 1000); j++) noop.send(j);
      });
    }
    const t = await drain(broker, 180_000);
    return { messages: n, ...t };
  } finally {
    broker.close();
  }
}
