/**
 * Actors: a named function bound to a queue, with options, that is run by workers when a message
 * names it.
 *
 * Contract:
 * 1. `actor(fn, { actorName, queueName, priority, ...options })` validates the queue name and the
 *    options (camelCase or snake_case names) at once; unknown options are an error naming the
 *    actor, the option and the closest known option.
 * 2. An actor is declared on a broker (`broker.declareActor`, or `{ broker }` here); `send` and
 *    friends use that broker. A module-level actor is declared by the worker that loads the module.
 * 3. The function receives the message's `args` positionally; when `kwargs` is not empty it is
 *    passed as one more, final argument (an object). Calling `actor.fn` directly runs it with no
 *    middleware, like calling a Dramatiq actor.
 * 4. Lower `priority` numbers run first, only among messages already in one worker's memory.
 */
import { markFresh } from './fresh-messages.ts';
import { assertQueueName } from './broker/queue-names.ts';
import type { Broker } from './broker/broker.ts';
import { ACTOR_OPTIONS, toWireOptions, validateActorOptions } from './actor-options.ts';
import { RehearsalError } from './errors.ts';
import type { Message, MessageOptions } from './message.ts';

/** Any actor function. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ActorFn = (...args: any[]) => unknown;

/** Declaration options of `actor()`: identity plus any actor option (camelCase or snake_case). */
export type ActorDeclaration = {
  /** Default: the function's name. */
  actorName?: string;
  /** Default `"default"`. */
  queueName?: string;
  /** Default 0; lower runs first. */
  priority?: number;
  /** Declare on this broker now. */
  broker?: Broker;
  maxRetries?: number | null;
  minBackoff?: number;
  maxBackoff?: number;
  retryWhen?: (retries: number, error: unknown) => boolean;
  throws?: readonly (string | (abstract new (...a: never[]) => Error))[];
  onRetryExhausted?: string | Actor;
  maxAge?: number | null;
  timeLimit?: number | null;
  notifyShutdown?: boolean;
  onSuccess?: string | Actor;
  onFailure?: string | Actor;
  pipeIgnore?: boolean;
  storeResults?: boolean;
  resultTtl?: number;
  [option: string]: unknown;
};

/** Options of `sendWithOptions` / `messageWithOptions`. */
export type SendOptions = {
  args?: readonly unknown[];
  kwargs?: Record<string, unknown>;
  /** ms; null/undefined = immediate; 0 still goes through the delay queue. */
  delayMs?: number | null;
  [option: string]: unknown;
};

/** Option names accepted when no broker is known yet (the default stack plus Results). */
export const DEFAULT_ACCEPTED_OPTIONS: ReadonlySet<string> = new Set(
  ACTOR_OPTIONS.map((o) => o.wire),
);

export class Actor<F extends ActorFn = ActorFn> {
  readonly fn: F;
  readonly actorName: string;
  readonly queueName: string;
  readonly priority: number;
  /** Actor options by wire name. */
  readonly options: Readonly<Record<string, unknown>>;
  private boundBroker: Broker | null = null;

  constructor(fn: F, decl: ActorDeclaration = {}) {
    const { actorName, queueName, priority, broker, ...rest } = decl;
    const name = actorName ?? fn.name;
    if (!name)
      throw new RehearsalError(
        'ACTOR_NAME_MISSING',
        'an actor needs a name: pass { actorName } or use a named function',
        {},
      );
    this.fn = fn;
    this.actorName = name;
    this.queueName = queueName ?? 'default';
    assertQueueName(this.queueName, { actor: name });
    if (priority !== undefined && !Number.isInteger(priority)) {
      throw new RehearsalError(
        'INVALID_ACTOR_PRIORITY',
        `priority of actor \`${name}\` must be an integer, got ${String(priority)}`,
        { actor: name },
      );
    }
    this.priority = priority ?? 0;
    const accepted = broker?.actorOptions ?? DEFAULT_ACCEPTED_OPTIONS;
    validateActorOptions(name, rest, accepted);
    this.options = normalizeCallbacks(name, toWireOptions(rest, accepted));
    if (broker) broker.declareActor(this);
  }

  /** The broker this actor is declared on. */
  get broker(): Broker {
    if (!this.boundBroker) {
      throw new RehearsalError(
        'ACTOR_NOT_DECLARED',
        `actor \`${this.actorName}\` is not declared on a broker: pass { broker } to actor(), or load the module with \`rehearsal worker\``,
        { actor: this.actorName },
      );
    }
    return this.boundBroker;
  }

  /** Called by `Broker.declareActor`; an actor belongs to the broker that declared it last. */
  bind(broker: Broker): void {
    validateActorOptions(this.actorName, this.options, broker.actorOptions);
    this.boundBroker = broker;
  }

  get isDeclared(): boolean {
    return this.boundBroker !== null;
  }

  /** Builds a message with no options (nothing is enqueued). */
  message(...args: Parameters<F>): Message {
    return this.messageWithOptions({ args });
  }

  /**
   * Builds a message with options (camelCase or wire names); nothing is enqueued. `delayMs`
   * becomes the `delay` option, which a pipeline step is enqueued with (Dramatiq's
   * `message_with_options(delay=…)`). Arguments are checked for JSON when the message is sent,
   * after the `before_enqueue` hooks, as Dramatiq encodes it then.
   * @throws RehearsalError `INVALID_CALLBACK`.
   */
  messageWithOptions(opts: SendOptions = {}): Message {
    const { args = [], kwargs = {}, delayMs, ...rest } = opts;
    const b = this.broker;
    if (delayMs !== undefined && delayMs !== null && rest.delay === undefined) rest.delay = delayMs;
    const options: MessageOptions = normalizeCallbacks(
      this.actorName,
      toWireOptions(rest, b.actorOptions),
    );
    return markFresh({
      queueName: this.queueName,
      actorName: this.actorName,
      args: [...args],
      kwargs: { ...kwargs },
      options,
      messageId: b.rng.uuid4(),
      messageTimestamp: Math.trunc(b.clock.now()),
    });
  }

  /** Builds and enqueues a message with these arguments; returns the message as enqueued. */
  send(...args: Parameters<F>): Message {
    return this.sendWithOptions({ args });
  }

  /**
   * Builds a message with options and enqueues it after `delayMs` (or `delay`, Dramatiq's name);
   * the delay is how it is sent, not an option of the message. Returns it as enqueued.
   * @throws RehearsalError `NOT_JSON_SERIALIZABLE` (arguments), `INVALID_CALLBACK`.
   */
  sendWithOptions(opts: SendOptions = {}): Message {
    const { delayMs, delay, ...rest } = opts;
    const message = this.messageWithOptions(rest);
    const d = delayMs ?? (typeof delay === 'number' ? delay : null);
    return this.broker.enqueue(message, { delayMs: d, reason: 'send' });
  }

  /**
   * Changes actor options from now on (what-if forks change a running simulation this way).
   * Given options are merged over the current ones; `undefined` removes one.
   * @throws RehearsalError `UNKNOWN_ACTOR_OPTION`.
   */
  reconfigure(changes: Record<string, unknown>): void {
    const accepted = this.boundBroker?.actorOptions ?? DEFAULT_ACCEPTED_OPTIONS;
    validateActorOptions(this.actorName, changes, accepted);
    const next: Record<string, unknown> = { ...this.options };
    for (const [k, v] of Object.entries(changes)) {
      const wire = Object.keys(toWireOptions({ [k]: 1 }, accepted))[0] ?? k;
      if (v === undefined) delete next[wire];
      else next[wire] = v;
    }
    (this as { options: Readonly<Record<string, unknown>> }).options = normalizeCallbacks(
      this.actorName,
      next,
    );
  }

  toString(): string {
    return `Actor(${this.actorName})`;
  }
}

/** Declares an actor (see the module contract). */
export function actor<F extends ActorFn>(fn: F, decl: ActorDeclaration = {}): Actor<F> {
  return new Actor(fn, decl);
}

/** True for an `Actor` instance (also across module copies). */
export function isActor(v: unknown): v is Actor {
  return (
    v instanceof Actor ||
    (typeof v === 'object' && v !== null && 'actorName' in v && 'fn' in v && 'queueName' in v)
  );
}

function normalizeCallbacks(actorName: string, opts: MessageOptions): MessageOptions {
  for (const key of ['on_success', 'on_failure', 'on_retry_exhausted']) {
    const v = opts[key];
    if (v === undefined || v === null || typeof v === 'string') continue;
    if (isActor(v)) opts[key] = v.actorName;
    else
      throw new RehearsalError(
        'INVALID_CALLBACK',
        `${key} of actor \`${actorName}\` must be an actor or an actor name`,
        { actor: actorName, option: key },
      );
  }
  return opts;
}
