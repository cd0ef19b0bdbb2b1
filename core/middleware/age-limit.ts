/**
 * AgeLimit (option `max_age`, default none): drops messages older than `max_age` ms, measured from
 * `message_timestamp` (time spent delayed or between retries counts). The message is marked failed
 * (→ dead letter) and skipped; the journal gets `age_limited`.
 */
import type { Broker } from '../broker/broker.ts';
import type { MessageProxy } from '../broker/message-proxy.ts';
import { resolveOption } from '../actor-options.ts';
import { SkipMessage } from '../errors.ts';
import { Middleware } from './middleware.ts';

export class AgeLimit extends Middleware {
  override readonly actorOptions = new Set(['max_age']);
  /** Default max age in ms; null = unlimited. */
  readonly maxAgeMs: number | null;

  constructor(opts: { maxAgeMs?: number | null } = {}) {
    super();
    this.maxAgeMs = opts.maxAgeMs ?? null;
  }

  override optionDefaults(): Readonly<Record<string, unknown>> {
    return { max_age: this.maxAgeMs };
  }

  override beforeProcessMessage(broker: Broker, p: MessageProxy): void {
    const actor = broker.getActor(p.actorName);
    const maxAge = resolveOption('max_age', p.options, actor?.options ?? {}, this.maxAgeMs);
    if (typeof maxAge !== 'number' || !maxAge) return;
    const age = broker.clock.now() - p.message.messageTimestamp;
    if (age < maxAge) return;
    broker.logger.log({
      level: 'WARNING',
      logger: 'dramatiq.middleware.age_limit.AgeLimit',
      message: `Message '${p.messageId}' has exceeded its age limit.`,
    });
    broker.batch(() =>
      broker.journal.append({
        kind: 'age_limited',
        messageId: p.messageId,
        label: p.label,
        actor: p.actorName,
        queue: p.queueName,
        attempt: p.delivery.previousAttempts + 1,
      }),
    );
    p.fail();
    throw new SkipMessage('Message age limit exceeded');
  }
}
