/**
 * Your own middleware: one log line for every step of every message, loaded from the module.
 *
 * Export `middleware` (an array of Middleware instances) next to your actors and
 * `rehearsal worker` adds it to its broker. This one logs each attempt's start (with its
 * arguments), its end (result or error, and how long it took by the broker's clock), retries
 * and callbacks the worker enqueues, skips, and dead letters: a readable trace of what your
 * actors do, without touching their code.
 *
 *   rehearsal worker examples/logging-middleware.ts
 *   rehearsal enqueue charge_card --args '[1001, 2500]'
 *   rehearsal enqueue charge_card --args '[1002, -5]'    # ValueError: dead-lettered at once
 */
import {
  actor,
  errorInfo,
  Middleware,
  type Broker,
  type Message,
  type MessageProxy,
  type ProcessOutcome,
} from '../core/index.ts';

/** Logs every step of every message through the broker's logger (the worker's stderr). */
export class RequestLogger extends Middleware {
  override afterEnqueue(broker: Broker, message: Message, delayMs: number | null): void {
    // Enqueues made in the worker: retries, callbacks, pipeline steps (a `rehearsal enqueue` runs
    // in its own process, with its own broker).
    const delay = delayMs === null ? '' : ` in ${delayMs} ms`;
    this.log(broker, `enqueued ${describe(message)}${delay}`);
  }

  override beforeProcessMessage(broker: Broker, p: MessageProxy): void {
    p.stash.set(this.name, broker.clock.now());
    this.log(broker, `start ${describe(p.message)} (attempt ${p.delivery.previousAttempts + 1})`);
  }

  override afterProcessMessage(broker: Broker, p: MessageProxy, outcome: ProcessOutcome): void {
    const started = p.stash.get(this.name);
    const took = typeof started === 'number' ? ` in ${broker.clock.now() - started} ms` : '';
    if (outcome.ok) {
      const value = outcome.result === undefined ? 'nothing' : json(outcome.result);
      this.log(broker, `done ${short(p.message)}${took}: returned ${value}`);
    } else {
      this.log(
        broker,
        `failed ${short(p.message)}${took}: ${errorText(outcome.exception)}`,
        'WARNING',
      );
    }
  }

  override afterSkipMessage(broker: Broker, p: MessageProxy): void {
    this.log(broker, `skipped ${short(p.message)}`);
  }

  override afterNack(broker: Broker, p: MessageProxy): void {
    const why = p.exception === undefined ? '' : `: ${errorText(p.exception)}`;
    this.log(broker, `dead-lettered ${short(p.message)}${why}`, 'WARNING');
  }

  private log(broker: Broker, message: string, level: 'INFO' | 'WARNING' = 'INFO'): void {
    broker.logger.log({ level, logger: 'examples.RequestLogger', message });
  }
}

/** `charge_card(1001, 2500) #3f2a9c1e` (long arguments cut at 80 characters). */
function describe(m: Message): string {
  const args = m.args.map(json).join(', ');
  const shown = args.length > 80 ? `${args.slice(0, 79)}…` : args;
  return `${m.actorName}(${shown}) #${m.messageId.slice(0, 8)}`;
}

/** `ValueError: amount must be positive`. */
function errorText(err: unknown): string {
  const e = errorInfo(err);
  return e.message ? `${e.type}: ${e.message}` : e.type;
}

/** `charge_card #3f2a9c1e`. */
function short(m: Message): string {
  return `${m.actorName} #${m.messageId.slice(0, 8)}`;
}

function json(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

/** The module's middleware: `rehearsal worker` adds it to its broker. */
export const middleware = [new RequestLogger()];

/** A bad amount no retry can fix. */
export class ValueError extends Error {
  override name = 'ValueError';
}

/**
 * Charges a card (simulated). The payment gateway times out on about a third of the calls, which
 * are retried; a non-positive amount raises ValueError, listed in `throws`: dead at once.
 */
export const charge_card = actor(
  (orderId: number, amountCents: number): string => {
    if (amountCents <= 0) throw new ValueError(`amount must be positive, got ${amountCents}`);
    if (Math.random() < 0.35) throw new Error('payment gateway timed out');
    return `ch_${orderId}`;
  },
  {
    actorName: 'charge_card',
    queueName: 'payments',
    maxRetries: 5,
    minBackoff: 200,
    throws: [ValueError],
    onSuccess: 'send_receipt',
  },
);

/** The on_success callback of charge_card: receives the message's data and the result. */
export const send_receipt = actor(
  (message: { args: unknown[] }, chargeId: string): void => {
    console.log(`receipt for order ${String(message.args[0])}: charge ${chargeId}`);
  },
  { actorName: 'send_receipt', queueName: 'payments' },
);
