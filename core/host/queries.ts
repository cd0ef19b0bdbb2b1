/**
 * The Engine API's queries over one run: pure reads of its database (the index and time travel
 * write only their own derived state). Each function takes the run and the validated params.
 *
 * An empty run (no database opened yet) answers with empty lists, and with `MESSAGE_NOT_FOUND` or
 * `SEQ_OUT_OF_RANGE` where one thing is asked for.
 */
import { optionSpec } from '../actor-options.ts';
import { canonicalQueueName } from '../broker/queue-names.ts';
import { RehearsalError } from '../errors.ts';
import { emptyWorld, queueStates } from '../journal/world-state.ts';
import type { Message } from '../message.ts';
import { isStoredFailure } from '../results/result-backend.ts';
import { forkMeta, parseSet, type ForkStep } from '../sim/fork.ts';
import { computeStats } from '../sim/stats.ts';
import type { MethodResult, ParamsOut } from './api/methods.ts';
import { toWireEvent } from './event-feed.ts';
import type { RunSession } from './run-session.ts';

/** `queues`: per-queue counts now. */
export function queues(run: RunSession): MethodResult<'queues'> {
  return { queues: run.broker?.stats() ?? [] };
}

/** Options as JSON: functions (`retry_when`, `throws` classes) become `"<name>"`, Infinity null. */
function jsonOptions(options: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return JSON.parse(
    JSON.stringify(options, (_k, v: unknown) =>
      typeof v === 'function' ? `<${(v as { name?: string }).name || 'function'}>` : v,
    ),
  ) as Record<string, unknown>;
}

/** The `middleware` section of the run's scenario, live or stored with the run; else null. */
function scenarioMiddleware(run: RunSession): Record<string, unknown> | null {
  if (run.scenarioData) return run.scenarioData.middleware as Record<string, unknown>;
  const stored = run.broker?.store.messages.getMeta('scenario');
  if (stored === undefined) return null;
  try {
    const m = (JSON.parse(stored) as { middleware?: unknown }).middleware;
    return m !== null && typeof m === 'object' ? (m as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/**
 * `actors`: every actor of the run by name, with its effective options. The actors this process
 * declared are read live (a fork may have changed their options mid-run); the others (a stored
 * run, actors of other processes) from the database's actor table. Defaults come from this
 * broker's middleware and, for a scenario run (live or stored, whose broker here is the default
 * stack), from the scenario's `middleware` section, without the options of disabled middleware.
 */
export function actors(run: RunSession): MethodResult<'actors'> {
  const broker = run.broker;
  if (!broker) return { actors: [] };
  const defaults: Record<string, unknown> = {};
  for (const m of broker.middleware) Object.assign(defaults, jsonOptions(m.optionDefaults()));
  const settings = scenarioMiddleware(run);
  if (settings) {
    for (const [k, v] of Object.entries(settings)) if (optionSpec(k)) defaults[k] = v;
    const off = new Set(Array.isArray(settings.disable) ? (settings.disable as unknown[]) : []);
    for (const k of Object.keys(defaults))
      if (off.has(optionSpec(k)?.owner ?? '')) delete defaults[k];
  }
  const byName = new Map<
    string,
    { queue: string; priority: number; declared: Record<string, unknown> }
  >();
  for (const k of broker.knownActors())
    byName.set(k.name, { queue: k.queue, priority: k.priority, declared: k.options });
  for (const a of broker.actors)
    byName.set(a.actorName, {
      queue: a.queueName,
      priority: a.priority,
      declared: jsonOptions(a.options),
    });
  const steps = forkSteps(broker.store.messages.getMeta('fork_of'));
  return {
    actors: [...byName.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, x]) => {
        // A fork's actors are declared as the scenario had them; its steps change them later.
        let declared = x.declared;
        const changes: { atSeq: number; options: Record<string, unknown> }[] = [];
        for (const step of steps) {
          const set = step.options.get(name);
          if (!set) continue;
          declared = { ...declared, ...set };
          changes.push({ atSeq: step.atSeq, options: { ...defaults, ...declared } });
        }
        const live = broker.actors.some((a) => a.actorName === name);
        return {
          name,
          queue: x.queue,
          priority: x.priority,
          // A live actor already has every change; a stored one starts from its declaration.
          options: { ...defaults, ...(live ? declared : x.declared) },
          declared: live ? declared : x.declared,
          ...(changes.length > 0 && !live ? { changes } : {}),
        };
      }),
  };
}

/** The actor option changes of a fork's steps (`fork_of` meta), in order, by actor. */
function forkSteps(
  meta: string | undefined,
): { atSeq: number; options: Map<string, Record<string, unknown>> }[] {
  if (meta === undefined) return [];
  let chain: ForkStep[];
  try {
    chain = forkMeta(meta).chain;
  } catch {
    return [];
  }
  return chain.map((step) => {
    const options = new Map<string, Record<string, unknown>>();
    for (const text of step.sets) {
      const set = parseSet(text);
      const m = /^actors\.([^.]+)\.options\.([^.]+)$/.exec(set.path);
      if (!m || !optionSpec(m[2]!)) continue;
      options.set(m[1]!, { ...options.get(m[1]!), [m[2]!]: set.value });
    }
    return { atSeq: step.atSeq, options };
  });
}

/** `messages`: a filtered page of the run's messages, live and finished. */
export function messages(run: RunSession, p: ParamsOut<'messages'>): MethodResult<'messages'> {
  if (!run.index) return { total: 0, offset: p.offset, items: [], seq: 0 };
  const { total, items } = run.index.query(
    {
      queue: p.queue,
      actor: p.actor,
      status: p.status,
      label: p.label,
      text: p.text,
      finished: p.finished,
      order: p.order,
    },
    p.offset,
    p.limit,
    run.t,
  );
  return { total, offset: p.offset, items, seq: run.index.seq };
}

function notFound(messageId: string): RehearsalError {
  return new RehearsalError(
    'MESSAGE_NOT_FOUND',
    `no message ${messageId} in this run's journal; find ids with the \`messages\` query`,
    { messageId },
  );
}

/** `message`: one message with its whole history. @throws `MESSAGE_NOT_FOUND`. */
export function message(run: RunSession, p: ParamsOut<'message'>): MethodResult<'message'> {
  const summary = run.index?.get(p.messageId, run.t);
  if (!run.broker || !run.index || !summary) throw notFound(p.messageId);
  const history = run.broker.journal.history(p.messageId);
  let args: unknown[] = [];
  let kwargs: Record<string, unknown> = {};
  let options: Record<string, unknown> = {};
  let result: { value: unknown } | null = null;
  for (const e of history) {
    if (e.kind === 'enqueued') {
      args = [...(e.args ?? [])];
      kwargs = { ...(e.kwargs ?? {}) };
    }
    if (e.options !== undefined) options = { ...e.options };
    if ((e.kind === 'succeeded' || e.kind === 'result_stored') && 'result' in e && !e.error)
      result = { value: e.result ?? null };
  }
  return {
    ...summary,
    args,
    kwargs,
    options,
    ...(result ? { result: result.value } : {}),
    history: history.map(toWireEvent),
    children: run.index.childrenOf(p.messageId),
  };
}

/** `result`: from the result backend when stored, else from the journal. */
export function result(run: RunSession, p: ParamsOut<'result'>): MethodResult<'result'> {
  const summary = run.index?.get(p.messageId, run.t);
  if (!run.broker || !summary) throw notFound(p.messageId);
  const key: Message = {
    queueName: summary.queue,
    actorName: summary.actor,
    messageId: summary.messageId,
    args: [],
    kwargs: {},
    options: {},
    messageTimestamp: 0,
  };
  const stored = run.broker.resultBackend().lookup(key);
  if (stored.found) {
    return isStoredFailure(stored.value)
      ? {
          messageId: p.messageId,
          state: 'failed',
          error: { type: stored.value.exn.type, message: stored.value.exn.msg },
          source: 'backend',
        }
      : { messageId: p.messageId, state: 'succeeded', value: stored.value, source: 'backend' };
  }
  const history = run.broker.journal.history(p.messageId);
  for (let i = history.length - 1; i >= 0; i--) {
    const e = history[i]!;
    if (e.kind === 'succeeded')
      return {
        messageId: p.messageId,
        state: 'succeeded',
        value: e.result ?? null,
        source: 'journal',
      };
    if (e.kind === 'dead_lettered' || (e.kind === 'result_stored' && e.error))
      return {
        messageId: p.messageId,
        state: 'failed',
        ...(e.error ? { error: e.error } : {}),
        source: 'journal',
      };
  }
  return {
    messageId: p.messageId,
    state: summary.finished ? 'none' : 'pending',
    source: null,
  };
}

/** `stateAt`: the world after event `seq`. @throws `SEQ_OUT_OF_RANGE`. */
export function stateAt(run: RunSession, p: ParamsOut<'stateAt'>): MethodResult<'stateAt'> {
  if (run.travel) return run.travel.stateAt(p.seq);
  if (p.seq !== 0)
    throw new RehearsalError(
      'SEQ_OUT_OF_RANGE',
      `seq ${p.seq} is not in this journal, which has no events yet`,
      { seq: p.seq, last: 0 },
    );
  const w = emptyWorld();
  return { ...w, queues: queueStates(w) };
}

/** `journalPage`: events after `afterSeq`. */
export function journalPage(
  run: RunSession,
  p: ParamsOut<'journalPage'>,
): MethodResult<'journalPage'> {
  if (!run.broker) return { events: [], lastSeq: 0 };
  return {
    events: run.broker.journal.page(p.afterSeq, p.limit).map(toWireEvent),
    lastSeq: run.broker.journal.lastSeq(),
  };
}

/** Worker slots of the run, for utilisation (scenario workers, or the module's worker). */
function slotsOf(run: RunSession): number | undefined {
  const s = run.scenarioData;
  if (s) return s.workers.reduce((n, w) => n + w.threads * w.processes, 0);
  const n = run.workers.reduce((k, w) => k + w.threads, 0);
  return n > 0 ? n : undefined;
}

const statsCache = new WeakMap<RunSession, { seq: number; stats: MethodResult<'stats'> }>();

/** `stats`: queueing statistics of the journal so far (recomputed only when it grew). */
export function stats(run: RunSession): MethodResult<'stats'> {
  const seq = run.lastSeq;
  const cached = statsCache.get(run);
  if (cached && cached.seq === seq) return cached.stats;
  const slots = slotsOf(run);
  const s = computeStats(
    run.broker ? run.broker.journal.iterate(0) : [],
    slots === undefined ? {} : { slots },
  );
  statsCache.set(run, { seq, stats: s });
  return s;
}

/** `deadLetters`: oldest first. */
export function deadLetters(
  run: RunSession,
  p: ParamsOut<'deadLetters'>,
): MethodResult<'deadLetters'> {
  if (!run.broker) return { deadLetters: [] };
  const startAt = run.startAt;
  return {
    deadLetters: run.broker.deadLetters(p.queue ?? null, p.limit).map((d) => ({
      id: d.id,
      messageId: d.message.messageId,
      actor: d.message.actorName,
      queue: canonicalQueueName(d.message.queueName),
      label: d.label,
      deadT: d.deadAt - startAt,
      attempts: d.attempts,
      args: [...d.message.args],
      options: { ...d.message.options },
    })),
  };
}
