/**
 * Retries (spec §6): on a failed attempt, either dead-letter the message (throws, retries
 * exhausted) or enqueue the same message again with an exponential, jittered backoff.
 *
 * Options: `max_retries` (default 20), `min_backoff` (15000), `max_backoff` (604800000),
 * `retry_when(retries, error)` (replaces the max_retries test), `throws` (error classes or names
 * that fail at once), `on_retry_exhausted` (actor sent `(message_data, {retries, max_retries})`).
 *
 * Journal: `retry_scheduled` (delay, error) then the retry's `enqueued` (reason `retry`).
 */
import type { Broker } from '../broker/broker.ts';
import type { MessageProxy } from '../broker/message-proxy.ts';
import { resolveOption } from '../actor-options.ts';
import { computeBackoff } from '../backoff.ts';
import { errorInfo, formatTraceback, Retry, typeNames } from '../errors.ts';
import { Middleware, type ProcessOutcome } from './middleware.ts';
import { sendCallback } from './callback-send.ts';

const LOGGER = 'dramatiq.middleware.retries.Retries';

/** Constructor options of `Retries`. A 0 or null backoff means "use the default" (as Dramatiq). */
export type RetriesOptions = {
  maxRetries?: number | null;
  minBackoffMs?: number | null;
  maxBackoffMs?: number | null;
  retryWhen?: ((retries: number, error: unknown) => boolean) | null;
};

type ThrowsEntry = string | (abstract new (...a: never[]) => unknown);

/**
 * True when `err` matches a `throws` list entry: a class it is an instance of, or the name of its
 * type or of any class it inherits from (as `isinstance` matches subclasses).
 */
export function matchesThrows(err: unknown, list: unknown): boolean {
  if (!list) return false;
  const entries = (Array.isArray(list) ? list : [list]) as ThrowsEntry[];
  let names: string[] | null = null;
  return entries.some((e) => {
    if (typeof e === 'function') return err instanceof e;
    if (typeof e !== 'string') return false;
    names ??= typeNames(err);
    return names.includes(e);
  });
}

export class Retries extends Middleware {
  override readonly actorOptions = new Set([
    'max_retries',
    'min_backoff',
    'max_backoff',
    'retry_when',
    'throws',
    'on_retry_exhausted',
  ]);
  readonly maxRetries: number | null;
  readonly minBackoffMs: number;
  readonly maxBackoffMs: number;
  readonly retryWhen: ((retries: number, error: unknown) => boolean) | null;

  constructor(opts: RetriesOptions = {}) {
    super();
    this.maxRetries = opts.maxRetries === undefined ? 20 : opts.maxRetries;
    this.minBackoffMs = opts.minBackoffMs || 15_000;
    this.maxBackoffMs = opts.maxBackoffMs || 604_800_000;
    this.retryWhen = opts.retryWhen ?? null;
  }

  override optionDefaults(): Readonly<Record<string, unknown>> {
    return {
      max_retries: this.maxRetries,
      min_backoff: this.minBackoffMs,
      max_backoff: this.maxBackoffMs,
    };
  }

  override afterProcessMessage(broker: Broker, p: MessageProxy, outcome: ProcessOutcome): void {
    if (outcome.ok) return;
    const err = outcome.exception;
    const actorOpts = broker.getActor(p.actorName)?.options ?? {};
    if (matchesThrows(err, resolveOption('throws', p.options, actorOpts))) {
      broker.logger.log({
        level: 'INFO',
        logger: LOGGER,
        message: `Aborting message '${p.messageId}'.`,
      });
      p.fail();
      return;
    }
    const retries = typeof p.options.retries === 'number' ? p.options.retries : 0;
    p.options.retries = retries + 1;
    p.options.traceback = formatTraceback(err);
    p.options.requeue_timestamp = Math.trunc(broker.clock.now());

    const retryWhen = resolveOption('retry_when', p.options, actorOpts, this.retryWhen) as
      ((r: number, e: unknown) => boolean) | null;
    const maxRetries = resolveOption('max_retries', p.options, actorOpts, this.maxRetries) as
      number | null;
    const giveUp =
      typeof retryWhen === 'function'
        ? !retryWhen(retries, err)
        : maxRetries !== null && maxRetries !== undefined && retries >= maxRetries;
    if (giveUp) {
      broker.logger.log({
        level: 'WARNING',
        logger: LOGGER,
        message: `Retries exceeded for message '${p.messageId}'.`,
      });
      p.fail();
      const target = resolveOption('on_retry_exhausted', p.options, actorOpts);
      if (typeof target === 'string' && target) {
        sendCallback(
          broker,
          p,
          'on_retry_exhausted',
          target,
          { retries, max_retries: maxRetries ?? null },
          LOGGER,
        );
      }
      return;
    }

    let delayMs: number;
    if (err instanceof Retry && err.delayMs !== null)
      delayMs = Math.max(0, Math.trunc(err.delayMs));
    else {
      const minB = resolveOption('min_backoff', p.options, actorOpts, this.minBackoffMs) as number;
      const maxB = resolveOption('max_backoff', p.options, actorOpts, this.maxBackoffMs) as number;
      delayMs = computeBackoff(
        retries,
        minB ?? this.minBackoffMs,
        maxB ?? this.maxBackoffMs,
        broker.rng,
      ).delayMs;
    }
    broker.logger.log({
      level: 'INFO',
      logger: LOGGER,
      message: `Retrying message '${p.messageId}' in ${delayMs} milliseconds.`,
    });
    broker.batch(() => {
      broker.journal.append({
        kind: 'retry_scheduled',
        messageId: p.messageId,
        label: p.label,
        actor: p.actorName,
        queue: p.queueName,
        attempt: p.attempt || null,
        delay: delayMs,
        error: errorInfo(err),
      });
      broker.enqueue(p.message, { delayMs, reason: 'retry', label: p.label, attempts: p.attempt });
    });
  }
}
