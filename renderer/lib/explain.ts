/**
 * One journal event in words, linked to the rule that caused it — the teaching panel's text.
 * Pure: give it the event and, when known, the message's history and options.
 */
import type { JournalEventWire } from '../../core/host/api/index.ts';
import { retryFacts, retryOptionsOf } from './attempts.ts';
import { explainBackoff } from './backoff.ts';
import { formatDuration, formatNumber, formatRunTime, shortId, superscript } from './format.ts';

/** The rule behind an event: a Dramatiq middleware or broker behaviour, and what it says. */
export type Rule = { name: string; summary: string };

export type Explanation = {
  /** One line, e.g. "Retries scheduled retry 3 of 5 in 2 m 13 s". */
  headline: string;
  /** The full sentence(s). */
  text: string;
  /** The formula with its numbers, when there is one. */
  formula: string | null;
  rule: Rule;
};

const RULES = {
  send: { name: 'Broker.enqueue', summary: 'A sent message joins the back of its queue.' },
  delay: {
    name: 'Delay queue',
    summary: 'A message with a delay waits in QUEUE.DQ until its eta, then joins its queue.',
  },
  worker: {
    name: 'Worker',
    summary:
      'Each worker thread takes the next message from its local queue (actor priority first).',
  },
  actor: { name: 'Actor', summary: 'The actor function ran; its return value is the result.' },
  retries: {
    name: 'Retries',
    summary:
      'A failed attempt is retried after min_backoff × 2^retries × jitter (jitter in [1, 2)), capped at max_backoff, until max_retries.',
  },
  dead: {
    name: 'Dead letters',
    summary: 'A message that fails for good goes to QUEUE.XQ and stays 7 days; it can be requeued.',
  },
  ageLimit: {
    name: 'AgeLimit',
    summary: 'A message older than max_age when it is taken is skipped.',
  },
  timeLimit: {
    name: 'TimeLimit',
    summary: 'An attempt running longer than time_limit is interrupted with TimeLimitExceeded.',
  },
  callbacks: {
    name: 'Callbacks',
    summary: 'on_success / on_failure send a message to another actor when an attempt ends.',
  },
  pipelines: {
    name: 'Pipelines',
    summary: 'When a step succeeds, the next step is sent with the result appended to its args.',
  },
  groups: {
    name: 'GroupCallbacks',
    summary: 'When every child of a group has finished, its completion message is sent once.',
  },
  results: {
    name: 'Results',
    summary: 'With store_results, the result (or error) is stored for get_result.',
  },
  ack: {
    name: 'Ack',
    summary: 'The delivery is done: the broker forgets this copy of the message.',
  },
  lease: {
    name: 'Leases',
    summary: 'A claim expires after 60 s without renewal; the message goes back to its queue.',
  },
  skip: {
    name: 'SkipMessage',
    summary: 'A middleware skipped the message: it is acked, not retried.',
  },
} satisfies Record<string, Rule>;

/** What the explainer may know besides the event. */
export type ExplainContext = {
  /** The message's events in seq order (for retry numbers and min_backoff). */
  history?: readonly JournalEventWire[];
  /** The message's options (wire names). */
  options?: Record<string, unknown>;
};

const who = (e: JournalEventWire): string =>
  `${e.actor ?? 'a message'}${e.label ? ` “${e.label}”` : e.messageId ? ` ${shortId(e.messageId)}` : ''}`;
const err = (e: JournalEventWire): string =>
  e.error ? `${e.error.type}${e.error.message ? ` (“${e.error.message}”)` : ''}` : 'an error';

/** The retry formula for a `retry_scheduled` event. */
export function retryFormula(
  e: JournalEventWire,
  ctx: ExplainContext,
): {
  headline: string;
  formula: string;
  retryNumber: number;
  maxRetries: number | null;
} {
  const history = ctx.history ?? [e];
  const facts = retryFacts(history.filter((h) => h.seq <= e.seq));
  const fact = facts[facts.length - 1] ?? {
    retries: Math.max(0, (e.attempt ?? 1) - 1),
    delayMs: e.delay ?? 0,
  };
  const opts = retryOptionsOf(ctx.options);
  const x = explainBackoff(fact, {
    minBackoffMs: opts.minBackoffMs,
    maxBackoffMs: opts.maxBackoffMs,
    siblings: retryFacts(history),
  });
  const maxRetries = opts.maxRetries ?? null;
  const n = x.retries + 1;
  const of = maxRetries !== null ? ` of ${maxRetries}` : '';
  const formula = x.capped
    ? `capped: min(max_backoff, 7 d) = ${formatDuration(x.delayMs)} range, drawn ${formatDuration(x.delayMs)}`
    : `${formatDuration(x.minBackoffMs)} × 2${superscript(x.retries)} × jitter ${formatNumber(x.jitter)}${x.inferred ? ' (min_backoff inferred)' : ''}`;
  return {
    headline: `Retries scheduled retry ${n}${of} in ${formatDuration(x.delayMs)}`,
    formula,
    retryNumber: n,
    maxRetries,
  };
}

/** Explains one event. */
export function explainEvent(e: JournalEventWire, ctx: ExplainContext = {}): Explanation {
  const at = `at ${formatRunTime(e.t)}`;
  const plain = (headline: string, text: string, rule: Rule): Explanation => ({
    headline,
    text,
    formula: null,
    rule,
  });
  switch (e.kind) {
    case 'enqueued': {
      const reason = e.reason ?? 'send';
      const delay = typeof e.delay === 'number' && e.delay > 0 ? e.delay : 0;
      const why =
        reason === 'retry'
          ? 'as a retry (same message id)'
          : reason === 'requeue'
            ? 'again from the dead letters'
            : reason === 'arrival'
              ? 'by the scenario’s arrival process'
              : reason === 'send'
                ? 'by a send'
                : `by ${reason.replace(/_/g, ' ')}`;
      const text = `${who(e)} was enqueued on ${e.queue ?? 'its queue'} ${why} ${at}${
        delay > 0
          ? `, with a delay of ${formatDuration(delay)}: it waits in ${e.queue}.DQ until ${formatRunTime(e.t + delay)}`
          : ''
      }.`;
      return plain(
        `Enqueued ${who(e)}${delay > 0 ? ` (delay ${formatDuration(delay)})` : ''}`,
        text,
        reason === 'retry'
          ? RULES.retries
          : delay > 0
            ? RULES.delay
            : reason === 'pipeline_step'
              ? RULES.pipelines
              : reason.startsWith('on_')
                ? RULES.callbacks
                : RULES.send,
      );
    }
    case 'delayed':
      return plain(
        `Delayed ${formatDuration(e.delay ?? 0)}`,
        `${who(e)} waits in the delay queue ${e.queue}.DQ until ${formatRunTime(e.t + (e.delay ?? 0))}; then it joins the back of ${e.queue}.`,
        RULES.delay,
      );
    case 'started':
      return plain(
        `Attempt ${e.attempt ?? '?'} started`,
        `Worker ${e.worker ?? '?'} thread ${e.thread ?? '?'} started attempt ${e.attempt ?? '?'} of ${who(e)} ${at}.`,
        RULES.worker,
      );
    case 'succeeded':
      return plain(
        `Attempt ${e.attempt ?? '?'} succeeded`,
        `Attempt ${e.attempt ?? '?'} of ${who(e)} returned${e.result !== undefined ? ` ${JSON.stringify(e.result)?.slice(0, 80)}` : ''} ${at}.`,
        RULES.actor,
      );
    case 'failed':
      return plain(
        `Attempt ${e.attempt ?? '?'} failed with ${e.error?.type ?? 'an error'}`,
        `Attempt ${e.attempt ?? '?'} of ${who(e)} failed with ${err(e)} ${at}. Retries decides next: retry after a backoff, or give up.`,
        RULES.retries,
      );
    case 'retry_scheduled': {
      const f = retryFormula(e, ctx);
      const failed = [...(ctx.history ?? [])]
        .reverse()
        .find((h) => h.kind === 'failed' && h.seq < e.seq);
      const type = e.error?.type ?? failed?.error?.type ?? 'an error';
      return {
        headline: f.headline,
        text: `attempt ${e.attempt ?? f.retryNumber} failed with ${type}; ${f.headline}: ${f.formula}.`,
        formula: f.formula,
        rule: RULES.retries,
      };
    }
    case 'dead_lettered':
      return plain(
        `Dead-lettered ${who(e)}`,
        `${who(e)} failed for good with ${err(e)} ${at} (retries exhausted, or the error is listed in throws): it moved to ${e.queue}.XQ, where it stays 7 days unless requeued.`,
        RULES.dead,
      );
    case 'skipped':
      return plain(
        `Skipped ${who(e)}`,
        `${who(e)} was skipped ${at}: acked without running, not retried.`,
        RULES.skip,
      );
    case 'age_limited':
      return plain(
        `Too old: ${who(e)}`,
        `${who(e)} was older than its max_age when a worker took it ${at}, so AgeLimit skipped it.`,
        RULES.ageLimit,
      );
    case 'time_limited':
      return plain(
        `Time limit hit by attempt ${e.attempt ?? '?'}`,
        `Attempt ${e.attempt ?? '?'} of ${who(e)} ran past its time_limit and was interrupted with TimeLimitExceeded ${at}.`,
        RULES.timeLimit,
      );
    case 'callback_enqueued':
      return plain(
        `Callback ${e.reason ?? ''} sent`,
        `${e.reason ?? 'A callback'} of ${e.parentId ? shortId(e.parentId) : 'a message'} sent ${who(e)} ${at}.`,
        RULES.callbacks,
      );
    case 'pipeline_step':
      return plain(
        'Pipeline moved on',
        `A pipeline step finished, so its next step ${who(e)} was sent with the result appended ${at}.`,
        RULES.pipelines,
      );
    case 'group_completed':
      return plain(
        'Group completed',
        `Every child of the group finished ${at}; its completion message is sent once.`,
        RULES.groups,
      );
    case 'requeued':
      return plain(
        `Requeued ${who(e)}`,
        e.reason === 'lease_expired'
          ? `${who(e)}’s claim expired without renewal ${at} (its worker died?), so it went back to ${e.queue}.`
          : `${who(e)} went back to ${e.queue} ${at}.`,
        e.reason === 'lease_expired' ? RULES.lease : RULES.dead,
      );
    case 'result_stored':
      return plain(
        'Result stored',
        `The ${e.error ? 'error' : 'result'} of ${who(e)} was stored in the result backend ${at}.`,
        RULES.results,
      );
    case 'acked':
      return plain(
        `Acked ${who(e)}`,
        `The delivery of attempt ${e.attempt ?? '?'} of ${who(e)} is done ${at}: the broker forgets this copy.`,
        RULES.ack,
      );
    default:
      return plain(e.kind, `${e.kind} ${at}.`, { name: e.kind, summary: '' });
  }
}
