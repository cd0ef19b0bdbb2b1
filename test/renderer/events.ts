/**
 * Journal events for store tests: a synthetic run of `messages` messages through `queues`
 * queues, each enqueued, started, and succeeded or failed-then-retried, in seq order.
 */
import type { EngineEvent, JournalEventWire } from '../../core/host/api/index.ts';

export function syntheticJournal(messages: number, queues = 4): JournalEventWire[] {
  const out: JournalEventWire[] = [];
  let seq = 0;
  let t = 0;
  const ev = (e: Omit<JournalEventWire, 'seq' | 'at' | 'wall' | 't'>): void => {
    seq++;
    t += 3;
    out.push({
      seq,
      t,
      at: 1_767_225_600_000 + t,
      wall: 1_767_225_600_000 + t,
      ...e,
    } as JournalEventWire);
  };
  for (let i = 0; i < messages; i++) {
    const messageId = `m-${i}`;
    const queue = `q${i % queues}`;
    const actor = `actor_${i % queues}`;
    const base = { messageId, queue, actor, label: `job-${i}` };
    ev({ ...base, kind: 'enqueued', reason: 'send', args: [i], kwargs: {}, options: {} });
    ev({ ...base, kind: 'started', attempt: 1, worker: 0, thread: i % 8 });
    if (i % 5 === 0) {
      ev({
        ...base,
        kind: 'failed',
        attempt: 1,
        error: { type: 'ConnectionError', message: 'refused' },
      });
      ev({ ...base, kind: 'retry_scheduled', attempt: 1, delay: 1500 });
      ev({
        ...base,
        kind: 'enqueued',
        reason: 'retry',
        args: [i],
        kwargs: {},
        options: { retries: 1 },
        delay: 1500,
      });
      ev({ ...base, kind: 'acked', attempt: 1 });
    } else {
      ev({ ...base, kind: 'succeeded', attempt: 1, result: i });
      ev({ ...base, kind: 'acked', attempt: 1 });
    }
  }
  return out;
}

/** Deep-freezes a value, so any mutation by the code under test throws. */
export function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const k of Object.keys(v)) deepFreeze((v as Record<string, unknown>)[k]);
  }
  return v;
}

export const runChanged = (runId: string): EngineEvent => ({ seq: 0, kind: 'run_changed', runId });
