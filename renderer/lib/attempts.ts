/**
 * A message's history as attempts: when each waited, ran and backed off, how it ended, and why
 * it was retried. Pure; the message detail draws it as a waterfall and the teaching panel quotes it.
 */
import type { JournalEventWire } from '../../core/host/api/index.ts';
import { explainBackoff, type BackoffExplanation, type RetryFact } from './backoff.ts';

/** A span of one attempt's life. */
export type Phase = {
  kind: 'waiting' | 'delayed' | 'running' | 'backoff';
  fromT: number;
  /** null: still going at `nowT`. */
  toT: number | null;
};

export type Attempt = {
  n: number;
  phases: Phase[];
  outcome:
    | 'succeeded'
    | 'failed'
    | 'skipped'
    | 'running'
    | 'waiting'
    | 'dead'
    | 'time_limited'
    | 'age_limited';
  error: { type: string; message: string } | null;
  /** The retry scheduled after this attempt, with the formula's numbers. */
  retry: (BackoffExplanation & { seq: number; maxRetries: number | null }) | null;
  startSeq: number | null;
};

/** Options that shape retries, from the message's options (numbers only). */
export type RetryOptions = { minBackoffMs?: number; maxBackoffMs?: number; maxRetries?: number };

const num = (o: Record<string, unknown> | undefined, k: string): number | undefined => {
  const v = o?.[k];
  return typeof v === 'number' ? v : undefined;
};

/** Reads retry options from message options (wire names). */
export function retryOptionsOf(options: Record<string, unknown> | undefined): RetryOptions {
  const out: RetryOptions = {};
  const minB = num(options, 'min_backoff');
  const maxB = num(options, 'max_backoff');
  const maxR = num(options, 'max_retries');
  if (minB !== undefined) out.minBackoffMs = minB;
  if (maxB !== undefined) out.maxBackoffMs = maxB;
  if (maxR !== undefined) out.maxRetries = maxR;
  return out;
}

/**
 * The retry options a message follows: its own options where it has the key (Dramatiq's
 * `present` rule), else its actor's effective options (the engine's `actors` query), else none
 * (then min_backoff is inferred from the delays).
 */
export function retryOptionsFor(
  messageOptions: Record<string, unknown> | undefined,
  actorOptions: Record<string, unknown> | undefined,
): RetryOptions {
  return retryOptionsOf({ ...actorOptions, ...messageOptions });
}

/**
 * An actor's effective options for an event at `seq`: in a fork, a step's change holds from right
 * after its event on (the `changes` of the `actors` query), before that the declared options.
 */
export function actorOptionsAt(
  actor:
    | {
        options: Record<string, unknown>;
        changes?: { atSeq: number; options: Record<string, unknown> }[] | undefined;
      }
    | undefined,
  seq: number,
): Record<string, unknown> | undefined {
  if (!actor) return undefined;
  let options = actor.options;
  for (const c of actor.changes ?? []) if (seq > c.atSeq) options = c.options;
  return options;
}

/** Every retry of a history, for inferring min_backoff. */
export function retryFacts(history: readonly JournalEventWire[]): RetryFact[] {
  const facts: RetryFact[] = [];
  let retries = 0;
  for (const e of history) {
    if (e.kind === 'retry_scheduled' && typeof e.delay === 'number') {
      facts.push({ retries, delayMs: e.delay });
      retries++;
    }
    if (e.kind === 'enqueued' && typeof e.options?.retries === 'number')
      retries = e.options.retries;
  }
  return facts;
}

/**
 * The attempts of a history (events of one message in seq order), up to `nowT`.
 */
export function buildAttempts(
  history: readonly JournalEventWire[],
  opts: RetryOptions,
  nowT: number,
): Attempt[] {
  const facts = retryFacts(history);
  const attempts: Attempt[] = [];
  let readyAt: number | null = null;
  let delayedFrom: number | null = null;
  let current: Attempt | null = null;
  let pendingBackoff: Phase | null = null;
  let retries = 0;
  let retryIndex = 0;

  const close = (t: number): void => {
    if (current) for (const p of current.phases) if (p.toT === null) p.toT = t;
  };

  for (const e of history) {
    switch (e.kind) {
      case 'enqueued': {
        if (typeof e.options?.retries === 'number') retries = e.options.retries;
        const delay = typeof e.delay === 'number' ? e.delay : 0;
        if (pendingBackoff) {
          pendingBackoff.toT = e.t + delay;
          pendingBackoff = null;
          readyAt = e.t + delay;
          delayedFrom = null;
        } else if (delay > 0) {
          delayedFrom = e.t;
          readyAt = e.t + delay;
        } else readyAt = e.t;
        break;
      }
      case 'requeued':
        readyAt = e.t;
        break;
      case 'started': {
        close(e.t);
        const phases: Phase[] = [];
        if (delayedFrom !== null && readyAt !== null) {
          phases.push({ kind: 'delayed', fromT: delayedFrom, toT: readyAt });
          delayedFrom = null;
        }
        if (readyAt !== null && e.t > readyAt)
          phases.push({ kind: 'waiting', fromT: readyAt, toT: e.t });
        phases.push({ kind: 'running', fromT: e.t, toT: null });
        current = {
          n: e.attempt ?? attempts.length + 1,
          phases,
          outcome: 'running',
          error: null,
          retry: null,
          startSeq: e.seq,
        };
        attempts.push(current);
        readyAt = null;
        break;
      }
      case 'succeeded':
      case 'failed':
      case 'skipped':
        if (current) {
          close(e.t);
          current.outcome = e.kind;
          if (e.error) current.error = { type: e.error.type, message: e.error.message };
        }
        break;
      case 'time_limited':
      case 'age_limited':
        if (current) {
          close(e.t);
          current.outcome = e.kind;
          if (e.error) current.error = { type: e.error.type, message: e.error.message };
        } else if (e.kind === 'age_limited') {
          // Never ran: the age limit dropped it while waiting.
          attempts.push({
            n: 0,
            phases: readyAt !== null ? [{ kind: 'waiting', fromT: readyAt, toT: e.t }] : [],
            outcome: 'age_limited',
            error: e.error ? { type: e.error.type, message: e.error.message } : null,
            retry: null,
            startSeq: null,
          });
        }
        break;
      case 'retry_scheduled': {
        const fact = facts[retryIndex++] ?? { retries, delayMs: e.delay ?? 0 };
        const explained = explainBackoff(fact, {
          minBackoffMs: opts.minBackoffMs,
          maxBackoffMs: opts.maxBackoffMs,
          siblings: facts,
        });
        pendingBackoff = { kind: 'backoff', fromT: e.t, toT: null };
        if (current) {
          current.retry = { ...explained, seq: e.seq, maxRetries: opts.maxRetries ?? null };
          if (!current.error && e.error)
            current.error = { type: e.error.type, message: e.error.message };
          current.phases.push(pendingBackoff);
        }
        break;
      }
      case 'dead_lettered':
        if (current) {
          current.outcome = 'dead';
          if (e.error && !current.error)
            current.error = { type: e.error.type, message: e.error.message };
        } else
          attempts.push({
            n: 0,
            phases: [],
            outcome: 'dead',
            error: e.error ? { type: e.error.type, message: e.error.message } : null,
            retry: null,
            startSeq: null,
          });
        break;
      default:
        break;
    }
  }
  // Still waiting for a first (or next) start.
  if (readyAt !== null && (!current || current.outcome !== 'running')) {
    const phases: Phase[] = [];
    if (delayedFrom !== null) phases.push({ kind: 'delayed', fromT: delayedFrom, toT: readyAt });
    if (readyAt < nowT) phases.push({ kind: 'waiting', fromT: readyAt, toT: null });
    if (phases.length > 0 && !pendingBackoff)
      attempts.push({
        n: attempts.length + 1,
        phases,
        outcome: 'waiting',
        error: null,
        retry: null,
        startSeq: null,
      });
  }
  return attempts;
}
