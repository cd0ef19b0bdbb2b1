/**
 * Pipelines (options `pipe_target`, `pipe_ignore`): after a successful attempt of a message that
 * carries `pipe_target`, enqueue that next message — with the result appended as its last
 * positional argument unless `pipe_ignore` applies (the next message's option if truthy, else the
 * option of the actor that produced the result) — with the delay in its own `delay` option.
 * A failed step stops the chain. Journal: `pipeline_step` on the finished step, then the next
 * step's `enqueued` (reason `pipeline_step`).
 */
import { freshFields, type Broker } from '../broker/broker.ts';
import type { MessageProxy } from '../broker/message-proxy.ts';
import { assertQueueName, canonicalQueueName } from '../broker/queue-names.ts';
import { pyTruthy } from '../actor-options.ts';
import { fromMessageData } from '../message.ts';
import { Middleware, type ProcessOutcome } from './middleware.ts';

/** `p[0]` → `p[1]`, `g[2][0]` → `g[2][1]`; other labels get `[next]` appended. */
export function nextStepLabel(label: string | null): string | null {
  if (label === null) return null;
  const m = /\[(\d+)\]$/.exec(label);
  if (!m) return `${label}[next]`;
  return `${label.slice(0, m.index)}[${Number(m[1]) + 1}]`;
}

export class Pipelines extends Middleware {
  override readonly actorOptions = new Set(['pipe_ignore', 'pipe_target']);

  override afterProcessMessage(broker: Broker, p: MessageProxy, outcome: ProcessOutcome): void {
    if (!outcome.ok || p.failed) return;
    const target = p.options.pipe_target;
    if (!target) return;
    // Checked before anything is written (a hand-written `pipe_target` may be anything).
    const next = fromMessageData(target, freshFields(broker));
    assertQueueName(canonicalQueueName(next.queueName));
    const actor = broker.getActor(p.actorName);
    const ignore = pyTruthy(next.options.pipe_ignore) || pyTruthy(actor?.options.pipe_ignore);
    const message = ignore ? next : { ...next, args: [...next.args, outcome.result ?? null] };
    const delay = typeof next.options.delay === 'number' ? next.options.delay : null;
    broker.batch(() => {
      broker.journal.append({
        kind: 'pipeline_step',
        messageId: p.messageId,
        label: p.label,
        actor: p.actorName,
        queue: p.queueName,
        attempt: p.attempt || null,
      });
      broker.enqueue(message, {
        delayMs: delay,
        reason: 'pipeline_step',
        parentId: p.messageId,
        label: nextStepLabel(p.label),
      });
    });
  }
}
