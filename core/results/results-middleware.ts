/**
 * Results (options `store_results`, default false; `result_ttl`, default 600000 ms): stores what
 * actors return, and the final failure of a dead-lettered message, so senders can wait for them.
 *
 * Contract (Dramatiq §7):
 * 1. Success: the value is stored in `afterProcessMessage` (the first after hook, since Results
 *    sits after Retries), so it exists before a pipeline's next step is enqueued.
 * 2. Failure: nothing while retries remain; when the message is dead-lettered, a failure record.
 * 3. A skip that is not a failure stores null. A message for an unknown actor stores nothing.
 * 4. A value that is not JSON fails inside the hook (CRITICAL log); the message is still acked.
 * Journal: `result_stored` with `result` or `error`.
 */
import type { Broker } from '../broker/broker.ts';
import type { MessageProxy } from '../broker/message-proxy.ts';
import { pyTruthy, resolveOption } from '../actor-options.ts';
import { errorInfo, RehearsalError } from '../errors.ts';
import type { Message } from '../message.ts';
import { Middleware, type ProcessOutcome } from '../middleware/middleware.ts';
import { ResultFailure, ResultMissing, ResultTimeout } from './errors.ts';
import { isStoredFailure, type ResultBackend, type StoredResult } from './result-backend.ts';

const LOGGER = 'dramatiq.results.middleware.Results';

/** Options of `getResult`. */
export type GetResultOptions = {
  /** Wait for the result (default false). */
  block?: boolean;
  /** How long to wait when blocking, ms (default 10000). */
  timeoutMs?: number;
};

export class Results extends Middleware {
  override readonly actorOptions = new Set(['store_results', 'result_ttl']);
  readonly storeResults: boolean;
  readonly resultTtlMs: number;
  private readonly backend: ResultBackend | null;

  constructor(
    opts: { backend?: ResultBackend; storeResults?: boolean; resultTtlMs?: number | null } = {},
  ) {
    super();
    this.backend = opts.backend ?? null;
    this.storeResults = opts.storeResults ?? false;
    this.resultTtlMs = opts.resultTtlMs ?? 600_000;
  }

  override optionDefaults(): Readonly<Record<string, unknown>> {
    return { store_results: this.storeResults, result_ttl: this.resultTtlMs };
  }

  /** The backend in use for `broker` (the given one, or the broker's own). */
  backendFor(broker: Broker): ResultBackend {
    return this.backend ?? broker.resultBackend();
  }

  private lookupOptions(broker: Broker, message: Message): { store: boolean; ttl: number } | null {
    const actor = broker.getActor(message.actorName);
    if (!actor) return null;
    return {
      store: pyTruthy(
        resolveOption('store_results', message.options, actor.options, this.storeResults),
      ),
      ttl: Number(
        resolveOption('result_ttl', message.options, actor.options, this.resultTtlMs) ??
          this.resultTtlMs,
      ),
    };
  }

  override afterProcessMessage(broker: Broker, p: MessageProxy, outcome: ProcessOutcome): void {
    if (!outcome.ok) return;
    const o = this.lookupOptions(broker, p.message);
    if (!o) return;
    if (o.store) this.save(broker, p, outcome.result ?? null, o.ttl);
    else if (outcome.result !== undefined && outcome.result !== null && !p.options.pipe_target) {
      broker.logger.log({
        level: 'WARNING',
        logger: LOGGER,
        message: `Actor '${p.actorName}' returned a value that is not stored: declare it with storeResults: true to keep it.`,
      });
    }
  }

  override afterSkipMessage(broker: Broker, p: MessageProxy): void {
    if (p.failed) return;
    const o = this.lookupOptions(broker, p.message);
    if (o?.store) this.save(broker, p, null, o.ttl);
  }

  override afterNack(broker: Broker, p: MessageProxy): void {
    const o = this.lookupOptions(broker, p.message);
    if (!o?.store || !p.failed) return;
    // Failed without an exception (a before hook called fail()): Dramatiq stores
    // Exception("unknown").
    const info =
      p.exception === undefined
        ? { type: 'Exception', message: 'unknown' }
        : errorInfo(p.exception);
    this.save(
      broker,
      p,
      { __t: 'dramatiq.results.Result', exn: { type: info.type, msg: info.message } },
      o.ttl,
      info,
    );
  }

  private save(
    broker: Broker,
    p: MessageProxy,
    value: unknown,
    ttlMs: number,
    error?: { type: string; message: string },
  ): void {
    broker.batch(() => {
      this.backendFor(broker).store(p.message, value, ttlMs);
      const base = {
        kind: 'result_stored' as const,
        messageId: p.messageId,
        label: p.label,
        actor: p.actorName,
        queue: p.queueName,
        attempt: p.attempt || null,
      };
      broker.journal.append(error ? { ...base, error } : { ...base, result: value });
    });
  }

  /**
   * The result of `message` (Dramatiq's `message.get_result`).
   * @throws ResultMissing (not blocking, nothing stored), ResultTimeout (blocking, ran out),
   *   ResultFailure (dead-lettered), RehearsalError `RESULTS_NOT_STORED` when the actor does not
   *   store results (waiting would never end).
   */
  async getResult(broker: Broker, message: Message, opts: GetResultOptions = {}): Promise<unknown> {
    const o = this.lookupOptions(broker, message);
    if (o && !o.store) {
      throw new RehearsalError(
        'RESULTS_NOT_STORED',
        `actor \`${message.actorName}\` does not store results: declare it with storeResults: true (or send with storeResults: true) to wait for its result`,
        { actor: message.actorName },
      );
    }
    const backend = this.backendFor(broker);
    const timeoutMs = opts.timeoutMs ?? 10_000;
    const deadline = broker.clock.now() + timeoutMs;
    let attempt = 0;
    for (;;) {
      const found = lookupRaising(backend, message);
      if (found.found) return found.value;
      if (!opts.block) throw new ResultMissing(message.messageId);
      // Jittered back-off from 100–200 ms, capped at 1–2 s; give up as soon as the next sleep
      // would pass the deadline (Dramatiq quirk 12.9).
      const sleep = Math.min(100 * 2 ** attempt, 1000) * broker.rng.uniform(1, 2);
      attempt++;
      if (broker.clock.now() + sleep > deadline)
        throw new ResultTimeout(message.messageId, timeoutMs);
      await broker.clock.sleep(sleep);
    }
  }
}

/** The Results middleware of a broker. @throws RehearsalError `RESULTS_NOT_CONFIGURED`. */
export function resultsOf(broker: Broker): Results {
  const r = resultsOn(broker);
  if (!r)
    throw new RehearsalError(
      'RESULTS_NOT_CONFIGURED',
      'this broker has no Results middleware; add it (it is in the default stack) to store and read results',
      {},
    );
  return r;
}

/** The result backend in use on `broker`: its Results middleware's, else the broker's own. */
export function resultBackendOf(broker: Broker): ResultBackend {
  return resultsOn(broker)?.backendFor(broker) ?? broker.resultBackend();
}

/**
 * Whether `message` has a result now, as Dramatiq's `completed` properties ask it (a
 * non-blocking `get_result` that only catches `ResultMissing`).
 * @throws ResultFailure when the stored result is a failure (the message was dead-lettered).
 */
export function hasResult(broker: Broker, message: Message): boolean {
  return lookupRaising(resultBackendOf(broker), message).found;
}

/** A lookup that raises a stored failure as `ResultFailure`, as Dramatiq's `get_result` does. */
function lookupRaising(backend: ResultBackend, message: Message): StoredResult {
  const found = backend.lookup(message);
  if (found.found && isStoredFailure(found.value))
    throw new ResultFailure(message.messageId, found.value.exn.type, found.value.exn.msg);
  return found;
}

/** The Results middleware on `broker`, or null when it has none. */
export function resultsOn(broker: Broker): Results | null {
  return broker.middleware.find((m): m is Results => m instanceof Results) ?? null;
}

/** Shortcut: `resultsOf(broker).getResult(broker, message, opts)`. */
export function getResult(
  broker: Broker,
  message: Message,
  opts: GetResultOptions = {},
): Promise<unknown> {
  return resultsOf(broker).getResult(broker, message, opts);
}
