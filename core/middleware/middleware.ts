/**
 * The middleware hook surface (Dramatiq's `Middleware`): every hook is a documented no-op that a
 * subclass may override. The broker calls *before* hooks in list order and *after* hooks in
 * reverse list order (spec §5.1).
 *
 * Contract:
 * 1. Hooks are synchronous and run inside the broker's write transaction for that state change,
 *    so anything they write (a retry enqueue, a journal row) commits atomically with it.
 * 2. An exception from a before hook escapes only if it is a `MiddlewareError` (such as
 *    `SkipMessage`); any other is logged CRITICAL and the remaining hooks still run. Exceptions
 *    from after hooks are always logged CRITICAL and swallowed.
 * 3. `actorOptions` lists the actor option wire names this middleware accepts; `optionDefaults()`
 *    gives the value each of them takes when neither the message nor the actor sets it.
 */
import type { Actor } from '../actor.ts';
import type { Broker } from '../broker/broker.ts';
import type { MessageProxy } from '../broker/message-proxy.ts';
import type { Message } from '../message.ts';

/** What a worker tells middleware about itself. */
export type WorkerInfo = {
  /** Worker process index (0 for the first process). */
  readonly index: number;
  /** Lease owner id, unique per worker. */
  readonly id: string;
};

/** What a worker thread slot tells middleware about itself. */
export type ThreadInfo = { readonly worker: WorkerInfo; readonly index: number };

/** How an attempt ended: a value or an exception. */
export type ProcessOutcome =
  | { readonly ok: true; readonly result: unknown }
  | { readonly ok: false; readonly exception: unknown };

export abstract class Middleware {
  /** Actor option wire names this middleware accepts (contract item 3). */
  readonly actorOptions: ReadonlySet<string> = new Set();

  /** The middleware's name in logs and errors (its class name). */
  get name(): string {
    return this.constructor.name;
  }

  /**
   * The default of each actor option this middleware owns, by wire name: the value used when
   * neither the message nor the actor sets it (contract item 3); `null` means none (no limit).
   * The Engine API's `actors` query reports them as the actor's effective options. Default: none.
   */
  optionDefaults(): Readonly<Record<string, unknown>> {
    return {};
  }

  /** Before an actor is registered on the broker. */
  beforeDeclareActor(_broker: Broker, _actor: Actor): void {}
  /** After an actor is registered on the broker. */
  afterDeclareActor(_broker: Broker, _actor: Actor): void {}
  /** Before a queue is declared for the first time. */
  beforeDeclareQueue(_broker: Broker, _queueName: string): void {}
  /** After a queue is declared for the first time. */
  afterDeclareQueue(_broker: Broker, _queueName: string): void {}
  /** Right after a queue's delay queue (`q.DQ`) is declared. */
  afterDeclareDelayQueue(_broker: Broker, _delayQueueName: string): void {}
  /** Before every enqueue (sends, retries, callbacks, pipeline steps); `delayMs` null = immediate. */
  beforeEnqueue(_broker: Broker, _message: Message, _delayMs: number | null): void {}
  /** After every enqueue committed. */
  afterEnqueue(_broker: Broker, _message: Message, _delayMs: number | null): void {}
  /** When a delayed message starts waiting for its `eta` (see README: fired at enqueue). */
  beforeDelayMessage(_broker: Broker, _message: Message): void {}
  /** Before the actor runs; may throw `SkipMessage`. */
  beforeProcessMessage(_broker: Broker, _message: MessageProxy): void {}
  /** After the actor returned or raised (not after a skip). */
  afterProcessMessage(_broker: Broker, _message: MessageProxy, _outcome: ProcessOutcome): void {}
  /** Instead of `afterProcessMessage` when the message was skipped. */
  afterSkipMessage(_broker: Broker, _message: MessageProxy): void {}
  /** Before a delivery is acked. */
  beforeAck(_broker: Broker, _message: MessageProxy): void {}
  /** After a delivery was acked. */
  afterAck(_broker: Broker, _message: MessageProxy): void {}
  /** Before a delivery is dead-lettered. */
  beforeNack(_broker: Broker, _message: MessageProxy): void {}
  /** After a delivery was dead-lettered. */
  afterNack(_broker: Broker, _message: MessageProxy): void {}
  /** Once per worker process, before its workers start. */
  afterProcessBoot(_broker: Broker): void {}
  /** Before a worker starts. */
  beforeWorkerBoot(_broker: Broker, _worker: WorkerInfo): void {}
  /** After a worker started. */
  afterWorkerBoot(_broker: Broker, _worker: WorkerInfo): void {}
  /** When a worker begins to stop. */
  beforeWorkerShutdown(_broker: Broker, _worker: WorkerInfo): void {}
  /** After a worker stopped. */
  afterWorkerShutdown(_broker: Broker, _worker: WorkerInfo): void {}
  /** After a worker thread slot started. */
  afterWorkerThreadBoot(_broker: Broker, _thread: ThreadInfo): void {}
  /** Before a worker thread slot stops. */
  beforeWorkerThreadShutdown(_broker: Broker, _thread: ThreadInfo): void {}
  /** After a consumer started. */
  afterConsumerThreadBoot(_broker: Broker, _thread: ThreadInfo): void {}
  /** Before a consumer stops. */
  beforeConsumerThreadShutdown(_broker: Broker, _thread: ThreadInfo): void {}
}

/** Names of every hook. */
export type HookName = {
  [K in keyof Middleware]: Middleware[K] extends (broker: Broker, ...rest: never[]) => void
    ? K
    : never;
}[keyof Middleware];

/** The arguments of a hook after the broker. */
export type HookArgs<K extends HookName> = Middleware[K] extends (
  broker: Broker,
  ...rest: infer A
) => void
  ? A
  : never;
