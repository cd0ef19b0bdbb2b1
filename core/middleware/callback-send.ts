/**
 * Sending a callback message (on_success, on_failure, on_retry_exhausted) on behalf of a message:
 * shared by Callbacks and Retries so every callback is journaled the same way.
 */
import type { Broker, EnqueueReason } from '../broker/broker.ts';
import type { MessageProxy } from '../broker/message-proxy.ts';
import { toMessageData } from '../message.ts';

/**
 * Sends `targetName(message_data, extra)` with no delay; journals `callback_enqueued` on the
 * parent and `enqueued` (reason = `kind`, parent_id, derived label) on the callback.
 * An unknown target logs CRITICAL and sends nothing (the parent keeps its fate).
 */
export function sendCallback(
  broker: Broker,
  p: MessageProxy,
  kind: EnqueueReason & ('on_success' | 'on_failure' | 'on_retry_exhausted'),
  targetName: string,
  extra: unknown,
  loggerName: string,
): void {
  const target = broker.getActor(targetName);
  if (!target) {
    broker.logger.log({
      level: 'CRITICAL',
      logger: loggerName,
      message: `Unexpected failure in after_process_message: ${kind} actor \`${targetName}\` of message '${p.messageId}' is not declared.`,
    });
    return;
  }
  const callback = target.messageWithOptions({ args: [toMessageData(p.message), extra] });
  broker.batch(() => {
    broker.journal.append({
      kind: 'callback_enqueued',
      messageId: p.messageId,
      label: p.label,
      actor: p.actorName,
      queue: p.queueName,
      attempt: p.attempt || null,
      reason: kind,
    });
    broker.enqueue(callback, {
      reason: kind,
      parentId: p.messageId,
      label: p.label === null ? null : `${p.label}.${kind}`,
    });
  });
}
