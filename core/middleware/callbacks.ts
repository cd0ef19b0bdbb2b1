/**
 * Callbacks (options `on_success`, `on_failure`: actor names). After an attempt: on success send
 * `on_success(message_data, result)`; on an exception send `on_failure(message_data, {type,
 * message})` — on every failed attempt, not only the last (Dramatiq quirk, kept). Skipped messages
 * get no callback. An unknown target logs CRITICAL; the message keeps its fate.
 */
import type { Broker } from '../broker/broker.ts';
import type { MessageProxy } from '../broker/message-proxy.ts';
import { resolveOption } from '../actor-options.ts';
import { errorInfo } from '../errors.ts';
import { Middleware, type ProcessOutcome } from './middleware.ts';
import { sendCallback } from './callback-send.ts';

const LOGGER = 'dramatiq.middleware.callbacks.Callbacks';

export class Callbacks extends Middleware {
  override readonly actorOptions = new Set(['on_success', 'on_failure']);

  override afterProcessMessage(broker: Broker, p: MessageProxy, outcome: ProcessOutcome): void {
    const actorOpts = broker.getActor(p.actorName)?.options ?? {};
    if (outcome.ok) {
      const target = resolveOption('on_success', p.options, actorOpts);
      if (typeof target === 'string' && target)
        sendCallback(broker, p, 'on_success', target, outcome.result ?? null, LOGGER);
    } else {
      const target = resolveOption('on_failure', p.options, actorOpts);
      if (typeof target === 'string' && target)
        sendCallback(broker, p, 'on_failure', target, errorInfo(outcome.exception), LOGGER);
    }
  }
}
