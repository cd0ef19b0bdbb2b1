/**
 * GroupCallbacks (barrier TTL default 86400000 ms): after a successful attempt of a message that
 * carries `group_completion_uuid` and `group_completion_callbacks`, arrive at the group's barrier;
 * the arrival that clears it enqueues every completion callback (as built, no arguments added).
 * Failed members never count. Journal: `group_completed`, then the callbacks' `enqueued` (reason
 * `group_completed`).
 */
import { freshFields, type Broker } from '../broker/broker.ts';
import type { MessageProxy } from '../broker/message-proxy.ts';
import { assertQueueName, canonicalQueueName } from '../broker/queue-names.ts';
import { fromMessageData } from '../message.ts';
import { Barrier } from '../rate-limits/rate-limiter.ts';
import { Middleware, type ProcessOutcome } from './middleware.ts';

/** The label of a group's completion message from a member's label (`g[2]` or `g[2][1]` → `g.on_complete`). */
export function groupCompletionLabel(label: string | null): string | null {
  if (label === null) return null;
  const base = label.replace(/(\[\d+\])+$/, '');
  return `${base}.on_complete`;
}

export class GroupCallbacks extends Middleware {
  readonly barrierTtlMs: number;

  constructor(opts: { barrierTtlMs?: number } = {}) {
    super();
    this.barrierTtlMs = opts.barrierTtlMs ?? 86_400_000;
  }

  override afterProcessMessage(broker: Broker, p: MessageProxy, outcome: ProcessOutcome): void {
    if (!outcome.ok || p.failed) return;
    const uuid = p.options.group_completion_uuid;
    const callbacks = p.options.group_completion_callbacks;
    if (typeof uuid !== 'string' || !Array.isArray(callbacks)) return;
    // Checked before anything is written: a callback that is not a message (or names a queue no
    // send could) fails on its own, without taking the worker's batch down with it.
    const messages = callbacks.map((data) => {
      const m = fromMessageData(data, freshFields(broker));
      assertQueueName(canonicalQueueName(m.queueName));
      return m;
    });
    broker.batch(() => {
      const barrier = new Barrier(uuid, {
        ttlMs: this.barrierTtlMs,
        backend: broker.rateLimiterBackend(),
      });
      if (!barrier.arrive()) return;
      broker.journal.append({
        kind: 'group_completed',
        messageId: p.messageId,
        label: p.label,
        actor: p.actorName,
        queue: p.queueName,
        attempt: p.attempt || null,
      });
      const label = groupCompletionLabel(p.label);
      for (const message of messages) {
        broker.enqueue(message, {
          reason: 'group_completed',
          parentId: p.messageId,
          label,
        });
      }
    });
  }
}
