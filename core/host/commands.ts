/**
 * The Engine API's commands that change a live run by hand: sending messages, dead letters,
 * queues and workers. (Clock, scenario and run commands live in the host, which owns the runs.)
 *
 * Contract:
 * 1. Only a live run (`scenario` or `module`) can be changed: anything else is `RUN_READ_ONLY`
 *    (a stored run) or `NO_RUN` (nothing loaded yet).
 * 2. Every change goes through the same broker, actors and middleware as the engine's own sends,
 *    so the journal records it like any other (`reason: send`, `requeue`…).
 * 3. A change to a scenario run marks the first seq it can affect (`firstManualSeq`): forks replay
 *    the scenario alone, so they must branch off before that.
 */
import type { Actor } from '../actor.ts';
import type { SqliteBroker } from '../broker/sqlite-broker.ts';
import { group as makeGroup, type GroupChild } from '../composition/group.ts';
import { pipeline as makePipeline } from '../composition/pipeline.ts';
import { closest, RehearsalError } from '../errors.ts';
import type { Message } from '../message.ts';
import { FIRST_MANUAL_SEQ_META } from '../sim/fork.ts';
import type { MethodResult, ParamsOut } from './api/methods.ts';
import type { RunSession } from './run-session.ts';

type Step = ParamsOut<'sendPipeline'>['steps'][number];

/** The broker of a run that may be changed (contract item 1). */
export function writable(run: RunSession): SqliteBroker {
  if (run.mode === 'empty' || !run.broker)
    throw new RehearsalError(
      'NO_RUN',
      'nothing is loaded yet; load a scenario first (`loadScenario`)',
      {},
    );
  if (run.mode === 'inspect')
    throw new RehearsalError(
      'RUN_READ_ONLY',
      `${run.runId} is a stored run, opened for inspection only; load a scenario to run one`,
      { runId: run.runId },
    );
  return run.broker;
}

/**
 * Makes a hand-made change (contract item 3): marks the first seq it can affect, runs `change`,
 * and, once the change went through, stores that seq with a scenario run, so that a fork made
 * later from the file alone (openRun, `rehearsal fork`) knows it too. A refused change writes
 * nothing.
 */
function manual<T>(run: RunSession, change: () => T): T {
  const broker = writable(run);
  const first = run.firstManualSeq === null;
  run.firstManualSeq ??= broker.journal.lastSeq() + 1;
  const out = change();
  if (first && run.mode === 'scenario') {
    const seq = String(run.firstManualSeq);
    broker.store.write(() => broker.store.messages.setMeta(FIRST_MANUAL_SEQ_META, seq));
  }
  return out;
}

function actorOf(broker: SqliteBroker, name: string): Actor {
  const a = broker.getActor(name);
  if (a) return a;
  const names = broker.actors.map((x) => x.actorName).sort();
  const hint = closest(name, names);
  throw new RehearsalError(
    'UNKNOWN_ACTOR',
    `no actor "${name}" on this engine${hint ? ` — did you mean "${hint}"?` : ''} (actors: ${names.join(', ') || 'none'})`,
    { actor: name, actors: names, ...(hint ? { suggestion: hint } : {}) },
  );
}

/** A message for one step, built by its actor (options validated by the actor). */
function build(broker: SqliteBroker, step: Step): Message {
  return actorOf(broker, step.actor).messageWithOptions({
    ...(step.options ?? {}),
    args: step.args ?? [],
    kwargs: step.kwargs ?? {},
  });
}

/** `enqueue`. @throws `UNKNOWN_ACTOR`, `UNKNOWN_ACTOR_OPTION`, `NOT_JSON_SERIALIZABLE`. */
export function enqueue(run: RunSession, p: ParamsOut<'enqueue'>): MethodResult<'enqueue'> {
  const broker = writable(run);
  const m = build(broker, p);
  const sent = manual(run, () =>
    broker.enqueue(m, {
      delayMs: p.delayMs ?? null,
      reason: 'send',
      label: p.label ?? null,
    }),
  );
  return { messageId: sent.messageId };
}

/** `sendPipeline`. */
export function sendPipeline(
  run: RunSession,
  p: ParamsOut<'sendPipeline'>,
): MethodResult<'sendPipeline'> {
  const broker = writable(run);
  const pipe = makePipeline(
    p.steps.map((s) => build(broker, s)),
    { broker },
  );
  manual(run, () => pipe.run({ delayMs: p.delayMs ?? null, label: p.label ?? null }));
  return { messageIds: pipe.messages.map((m) => m.messageId) };
}

/** `sendGroup`. */
export function sendGroup(run: RunSession, p: ParamsOut<'sendGroup'>): MethodResult<'sendGroup'> {
  const broker = writable(run);
  const ids: { messageIds: string[] }[] = [];
  const children: GroupChild[] = p.children.map((c) => {
    if ('pipeline' in c) {
      const pipe = makePipeline(
        c.pipeline.map((s) => build(broker, s)),
        { broker },
      );
      ids.push({ messageIds: pipe.messages.map((m) => m.messageId) });
      return pipe;
    }
    const m = build(broker, c);
    ids.push({ messageIds: [m.messageId] });
    return m;
  });
  const barrierTtlMs = run.scenarioData?.middleware.barrier_ttl;
  const g = makeGroup(children, {
    broker,
    ...(barrierTtlMs !== undefined ? { barrierTtlMs } : {}),
  });
  const done = p.onComplete ? build(broker, p.onComplete) : null;
  if (done) g.addCompletionCallback(done);
  manual(run, () => g.run({ delayMs: p.delayMs ?? null, label: p.label ?? null }));
  return { children: ids, onCompleteId: done?.messageId ?? null };
}

/** `dlq.requeue`. @throws `DEAD_LETTER_NOT_FOUND`. */
export function requeueDead(
  run: RunSession,
  p: ParamsOut<'dlq.requeue'>,
): MethodResult<'dlq.requeue'> {
  const broker = writable(run);
  let ids: number[] | 'all';
  if (p.all) ids = 'all';
  else if (p.ids) ids = p.ids;
  else {
    const wanted = new Set(p.messageIds ?? []);
    const found = broker
      .deadLetters(null, Number.MAX_SAFE_INTEGER)
      .filter((d) => wanted.has(d.message.messageId));
    const missing = [...wanted].filter((id) => !found.some((d) => d.message.messageId === id));
    if (missing.length > 0)
      throw new RehearsalError(
        'DEAD_LETTER_NOT_FOUND',
        `no dead letter for message ${missing.join(', ')}; list them with the \`deadLetters\` query`,
        { messageIds: missing },
      );
    ids = found.map((d) => d.id);
  }
  const requeued = manual(run, () => broker.requeueDead(ids, p.all ? (p.queue ?? null) : null));
  return { requeued };
}

function declaredQueue(broker: SqliteBroker, queue: string): string {
  const known = broker.knownQueues();
  if (known.includes(queue)) return queue;
  const hint = closest(queue, known);
  throw new RehearsalError(
    'QUEUE_NOT_FOUND',
    `queue \`${queue}\` is not declared${hint ? ` — did you mean \`${hint}\`?` : ''} (queues: ${known.join(', ') || 'none'})`,
    { queue, ...(hint ? { suggestion: hint } : {}) },
  );
}

/**
 * `queue.purge`: drops ready and delayed messages. The broker writes no journal event for this
 * yet, so the journal (and the lists derived from it) still shows them as waiting.
 */
export function purgeQueue(
  run: RunSession,
  p: ParamsOut<'queue.purge'>,
): MethodResult<'queue.purge'> {
  const broker = writable(run);
  const queue = declaredQueue(broker, p.queue);
  return { purged: manual(run, () => broker.flush(queue)) };
}

/** `queue.pause` / `queue.resume`. */
export function setQueuePaused(
  run: RunSession,
  queue: string,
  paused: boolean,
): { queue: string; paused: boolean } {
  const broker = writable(run);
  const q = declaredQueue(broker, queue);
  manual(run, () => broker.setQueuePaused(q, paused));
  return { queue: q, paused: broker.isQueuePaused(q) };
}

/** The workers' state. */
export function workerState(run: RunSession): MethodResult<'worker.start'> {
  return {
    workers: run.workers.length,
    started: run.workersStarted,
    paused: run.workersPaused,
    busy: run.workers.reduce((n, w) => n + w.busy, 0),
  };
}

/** `worker.start` / `worker.pause` / `worker.resume`. */
export function workerCommand(
  run: RunSession,
  what: 'start' | 'pause' | 'resume',
): MethodResult<'worker.start'> {
  writable(run);
  if (what === 'start') {
    if (!run.workersStarted) {
      manual(run, () => {
        for (const w of run.workers) w.start();
        run.workersStarted = true;
      });
    }
  } else {
    manual(run, () => {
      for (const w of run.workers) {
        if (what === 'pause') w.pause();
        else w.resume();
      }
    });
  }
  return workerState(run);
}
