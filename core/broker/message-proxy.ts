/**
 * A message as one worker holds it during one delivery: the message itself, its mutable options,
 * the failed mark and what the worker learned (result or exception).
 *
 * Contract:
 * 1. Only the failed mark decides between ack and nack (Dramatiq §4.4): an exception alone does not
 *    dead-letter a message.
 * 2. `options` is the message's own map; middleware writes into it in place (Retries does).
 */
import type { Message, MessageOptions } from '../message.ts';

/** Where a delivery came from and who holds it. */
export type Delivery = {
  /** Broker-specific handle of the stored row. */
  readonly rowId: number;
  /** Lease owner (worker id) holding this delivery. */
  readonly owner: string;
  /** Deliveries that started before this one. */
  readonly previousAttempts: number;
  /** Scenario label of the message, if any. */
  readonly label: string | null;
  /**
   * The row's `ready_at` when it was claimed. A reclaim (lease ran out) or requeue moves it, so
   * it tells this delivery from a later one of the same row (see `Broker.holdsLease`).
   */
  readonly readyAt?: number;
  /**
   * The lease's end as set by the claim (engine ms). Renewals only push the real end later, and
   * only an expired lease can be taken, so before this time the lease is certainly still held.
   */
  readonly leaseUntil?: number;
};

export class MessageProxy {
  /** The message with its canonical queue (a released delayed message has no `eta`). */
  readonly message: Message;
  readonly delivery: Delivery;
  /** 1 for the first delivery; set when the attempt starts. */
  attempt = 0;
  /** Worker process index and thread slot that ran the attempt. */
  worker: number | null = null;
  thread: number | null = null;
  /** Set by whatever marks the message failed (Retries, AgeLimit, unknown actor...). */
  failed = false;
  /** The exception of the latest attempt, if it raised. */
  exception: unknown = undefined;
  /** The value the actor returned, if it did. */
  result: unknown = undefined;
  /** Per-delivery scratch space for middleware (keyed by middleware name). */
  readonly stash = new Map<string, unknown>();

  constructor(message: Message, delivery: Delivery) {
    this.message = message;
    this.delivery = delivery;
  }

  get messageId(): string {
    return this.message.messageId;
  }
  get actorName(): string {
    return this.message.actorName;
  }
  get queueName(): string {
    return this.message.queueName;
  }
  get options(): MessageOptions {
    return this.message.options;
  }
  get label(): string | null {
    return this.delivery.label;
  }

  /** Marks the message failed: it will be dead-lettered instead of acked. */
  fail(): void {
    this.failed = true;
  }
}
