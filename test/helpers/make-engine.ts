import { afterEach } from 'vitest';
import {
  MemoryLogger,
  SeededRng,
  SqliteBroker,
  VirtualClock,
  Worker,
  type JournalEvent,
  type Middleware,
  type WorkerOptions,
} from '../../core/index.ts';
import { tempDbPath } from './temp-db.ts';

const open: { broker: SqliteBroker; worker: Worker | null }[] = [];

export type TestEngine = {
  broker: SqliteBroker;
  clock: VirtualClock;
  logger: MemoryLogger;
  file: string;
  /** Starts a worker on the broker (virtual clock). */
  startWorker(opts?: WorkerOptions): Worker;
  /** Runs the virtual clock until nothing is queued, delayed or running. */
  drain(opts?: { untilMs?: number }): Promise<void>;
  /** Every journal event so far. */
  events(): JournalEvent[];
  /** Journal events of one message id. */
  history(messageId: string): JournalEvent[];
  /** Kinds of one message's events, in order. */
  kinds(messageId: string): string[];
};

/** A broker on a real SQLite file in a temp dir, under a virtual clock and a seeded rng. */
export function makeEngine(
  opts: { seed?: number; middleware?: Middleware[]; file?: string } = {},
): TestEngine {
  const clock = new VirtualClock();
  const logger = new MemoryLogger();
  const file = opts.file ?? tempDbPath();
  const broker = new SqliteBroker({
    file,
    clock,
    rng: new SeededRng(opts.seed ?? 1),
    logger,
    ...(opts.middleware ? { middleware: opts.middleware } : {}),
  });
  const entry: { broker: SqliteBroker; worker: Worker | null } = { broker, worker: null };
  open.push(entry);
  const engine: TestEngine = {
    broker,
    clock,
    logger,
    file,
    startWorker(wopts = {}) {
      const w = new Worker(broker, wopts);
      entry.worker = w;
      w.start();
      return w;
    },
    async drain(d = {}) {
      await clock.run(d.untilMs === undefined ? {} : { untilMs: d.untilMs, untilIdle: false });
    },
    events: () => [...broker.journal.iterate(0)],
    history: (id) => broker.journal.history(id),
    kinds: (id) => broker.journal.history(id).map((e) => e.kind),
  };
  return engine;
}

afterEach(async () => {
  for (const e of open.splice(0)) {
    if (e.worker) await e.worker.stop({ timeoutMs: 0 });
    e.broker.close();
  }
});
