/**
 * The Engine API contract: ONE map from method name to its params and result schemas.
 *
 * Contract:
 * 1. Every method the UI can call is a key of {@link methods}; `kind` says whether it changes the
 *    engine (`command`) or only reads it (`query`). Params and results are JSON.
 * 2. Params objects are strict: an unknown key is a `BAD_REQUEST` naming it, so a typo never
 *    silently does nothing. Methods without params take `{}` (or nothing).
 * 3. Times: `t`/`…T` fields are ms since the start of the run (the journal's `t`); `now`/`at` are
 *    engine epoch ms; durations end in `Ms`. Actor options and message options keep Dramatiq's
 *    wire names (`max_retries`, `retries`, `eta`) because they are data, not API fields.
 * 4. Adding a method or an optional param is a minor version bump (version.ts).
 */
import { z } from 'zod';
import { badRequest, zodProblems, type EngineApiError } from './api-error.ts';
import { ErrorInfoSchema, JournalEventSchema } from './events.ts';

// ---------------------------------------------------------------------------------------------
// Shared shapes.

const Json = z.unknown();
const Args = z.array(Json);
const Kwargs = z.record(z.string(), Json);
/** Actor/message options by Dramatiq wire name (`max_retries`) or camelCase (`maxRetries`). */
const Options = z.record(z.string(), Json);
const Name = z.string().min(1).max(200);
const Seq = z.number().int().nonnegative();
const Count = z.number().int().nonnegative();
const DelayMs = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
const Nothing = z.strictObject({});

/** One message to send: actor name, arguments, options. */
export const StepSchema = z.strictObject({
  actor: Name,
  args: Args.optional(),
  kwargs: Kwargs.optional(),
  options: Options.optional(),
});

/** A group child: one message, or a pipeline of messages. */
export const GroupChildSchema = z.union([
  StepSchema,
  z.strictObject({ pipeline: z.array(StepSchema).min(1) }),
]);

/** Where a message stands (the journal fold's statuses). */
export const MessageStatusSchema = z.enum([
  'ready',
  'delayed',
  'running',
  'succeeded',
  'failed',
  'skipped',
  'dead',
]);

/** Counts of one queue now. */
export const QueueCountsSchema = z.object({
  queue: z.string(),
  ready: Count,
  delayed: Count,
  inFlight: Count,
  dead: Count,
  paused: z.boolean(),
});

/**
 * One actor of the run with the options that apply to its messages: `options` are the effective
 * ones (the actor's own over its middleware's defaults; `null` = none, e.g. no `max_age`), by wire
 * name, with functions shown as `"<name>"`; `declared` are the ones the actor sets itself. A
 * message's own options still win over both (Dramatiq's per-option precedence).
 */
export const ActorInfoSchema = z.object({
  name: z.string(),
  queue: z.string(),
  priority: z.number(),
  options: Options,
  declared: Options,
  /**
   * Since 1.2, in a fork: the effective options from right after event `atSeq` on, one entry per
   * fork step that changed this actor's options (`options` is what held before the first).
   */
  changes: z.array(z.object({ atSeq: Count, options: Options })).optional(),
});

/** The workers of the current run. */
export const WorkerStateSchema = z.object({
  /** Worker processes (a scenario may declare several). */
  workers: Count,
  started: z.boolean(),
  paused: z.boolean(),
  /** Attempts running now. */
  busy: Count,
});

/** Where the clock stands after a clock command. */
export const ClockStateSchema = z.object({
  kind: z.enum(['virtual', 'real']),
  /** Engine time, epoch ms. */
  now: z.number(),
  /** ms since the start of the run. */
  t: z.number(),
  /** Last journal seq written. */
  seq: Seq,
  /** Nothing queued, delayed, running or scheduled (virtual clock only; false on the real one). */
  idle: z.boolean(),
  /** Virtual ms per wall ms while playing; 0 = paused. */
  speed: z.number().nonnegative(),
});

/** A message in a list: what the journal says about it, without its history. */
export const MessageSummarySchema = z.object({
  messageId: z.string(),
  label: z.string().nullable(),
  actor: z.string(),
  queue: z.string(),
  status: MessageStatusSchema,
  /** True once acked for good (succeeded, skipped, or failed without a retry pending). */
  finished: z.boolean(),
  /** Deliveries started so far. */
  attempts: Count,
  enqueuedT: z.number(),
  updatedT: z.number(),
  /** When a delayed message becomes due (ms since start), else null. */
  etaT: z.number().nullable(),
  firstSeq: Seq,
  lastSeq: Seq,
  parentId: z.string().nullable(),
  /** Why it was first enqueued (`send`, `arrival`, `retry`, `on_success`, `pipeline_step`…). */
  reason: z.string().nullable(),
  error: ErrorInfoSchema.nullable(),
});

/** One message as the world fold keeps it (core's `MessageState`). */
export const MessageStateSchema = z.looseObject({
  messageId: z.string(),
  label: z.string().nullable(),
  actor: z.string(),
  queue: z.string(),
  status: MessageStatusSchema,
  attempt: Count,
  args: Args,
  kwargs: Kwargs,
  options: Options,
  etaT: z.number().nullable(),
  enqueuedT: z.number(),
  updatedT: z.number(),
  worker: z.number().nullable(),
  thread: z.number().nullable(),
  result: Json.optional(),
  error: ErrorInfoSchema.optional(),
});

const SummaryStatsSchema = z.object({
  count: Count,
  mean: z.number(),
  p50: z.number(),
  p95: z.number(),
  p99: z.number(),
  max: z.number(),
});

const GroupStatsSchema = z.looseObject({
  name: z.string(),
  arrivals: Count,
  completions: Count,
  deadLetters: Count,
  retries: Count,
  arrivalRate: z.number(),
  throughput: z.number(),
  wait: SummaryStatsSchema,
  waitAllAttempts: SummaryStatsSchema,
  service: SummaryStatsSchema,
  latency: SummaryStatsSchema,
  meanQueueLength: z.number(),
  littleLambdaW: z.number(),
  utilization: z.number(),
});

/** Which engine this is and what it runs. */
export const InfoSchema = z.object({
  apiVersion: z.string(),
  /**
   * `empty`: no run yet (load a scenario); `scenario`: a live simulation on the virtual clock,
   * driven by the clock commands; `inspect`: a stored run, read only; `module`: user actors on
   * the real clock with a worker.
   */
  mode: z.enum(['empty', 'scenario', 'inspect', 'module']),
  /** The current run (its database file name), or null when empty. */
  runId: z.string().nullable(),
  /** Absolute path of the current run's database file. */
  db: z.string(),
  clock: ClockStateSchema,
  lastSeq: Seq,
  scenario: z
    .object({ name: z.string().nullable(), title: z.string(), description: z.string() })
    .nullable(),
  module: z.string().nullable(),
  workers: WorkerStateSchema,
});

// ---------------------------------------------------------------------------------------------
// The map.

/** One entry of the map. */
export type MethodSpec = {
  kind: 'command' | 'query';
  params: z.ZodType;
  result: z.ZodType;
  /** One sentence for docs and the command palette. */
  summary: string;
};

/** Every Engine API method (contract items 1–4). */
export const methods = {
  // ---- commands ----
  enqueue: {
    kind: 'command',
    summary:
      'Sends one message to a declared actor, now or after delayMs (unknown message options travel unchanged, as in Dramatiq).',
    params: z.strictObject({
      actor: Name,
      args: Args.optional(),
      kwargs: Kwargs.optional(),
      delayMs: DelayMs.optional(),
      options: Options.optional(),
      /** A label for the journal (like a scenario message `id`). */
      label: Name.optional(),
    }),
    result: z.object({ messageId: z.string() }),
  },
  sendPipeline: {
    kind: 'command',
    summary: 'Sends a pipeline: each step runs after the previous one, getting its result.',
    params: z.strictObject({
      steps: z.array(StepSchema).min(1),
      delayMs: DelayMs.optional(),
      label: Name.optional(),
    }),
    result: z.object({ messageIds: z.array(z.string()) }),
  },
  sendGroup: {
    kind: 'command',
    summary:
      'Sends a group of messages or pipelines in parallel, with an optional completion message.',
    params: z.strictObject({
      children: z.array(GroupChildSchema).min(1),
      onComplete: StepSchema.optional(),
      delayMs: DelayMs.optional(),
      label: Name.optional(),
    }),
    result: z.object({
      /** Message ids of each child (one for a message, the steps for a pipeline). */
      children: z.array(z.object({ messageIds: z.array(z.string()) })),
      onCompleteId: z.string().nullable(),
    }),
  },
  loadScenario: {
    kind: 'command',
    summary:
      'Starts a new simulated run of a scenario (a JSON object, or the name of a gallery file), paused at t=0.',
    params: z
      .strictObject({
        scenario: z.record(z.string(), Json).optional(),
        name: z
          .string()
          .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/, 'expected a gallery file name like "age-limit"')
          .max(200)
          .optional(),
        seed: z.number().int().nonnegative().max(0xffffffff).optional(),
      })
      .refine((p) => (p.scenario === undefined) !== (p.name === undefined), {
        message: 'give exactly one of `scenario` (a scenario object) or `name` (a gallery file)',
        path: ['scenario'],
      }),
    result: z.object({ runId: z.string(), title: z.string(), lastSeq: Seq }),
  },
  openRun: {
    kind: 'command',
    summary: 'Opens a stored run (e.g. a fork) of this engine for inspection.',
    params: z.strictObject({ runId: z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]*\.db$/) }),
    result: z.object({ runId: z.string(), mode: InfoSchema.shape.mode, lastSeq: Seq }),
  },
  'worker.start': {
    kind: 'command',
    summary: 'Starts the workers (idempotent).',
    params: Nothing,
    result: WorkerStateSchema,
  },
  'worker.pause': {
    kind: 'command',
    summary: 'Stops the workers taking new messages; running attempts finish.',
    params: Nothing,
    result: WorkerStateSchema,
  },
  'worker.resume': {
    kind: 'command',
    summary: 'Lets paused workers take messages again.',
    params: Nothing,
    result: WorkerStateSchema,
  },
  'clock.step': {
    kind: 'command',
    summary:
      'Virtual clock: fires everything due at the next instant and returns it (nothing when idle).',
    params: Nothing,
    result: ClockStateSchema.extend({ fired: z.boolean() }),
  },
  'clock.runUntil': {
    kind: 'command',
    summary: 'Virtual clock: runs to a time (ms since start) or until idle.',
    params: z
      .strictObject({
        timeMs: z.number().int().nonnegative().optional(),
        idle: z.literal(true).optional(),
      })
      .refine((p) => (p.timeMs === undefined) !== (p.idle === undefined), {
        message: 'give exactly one of `timeMs` (ms since start) or `idle: true`',
        path: ['timeMs'],
      }),
    result: ClockStateSchema,
  },
  'clock.setSpeed': {
    kind: 'command',
    summary:
      'Virtual clock: plays virtual time at factor × wall speed (0 pauses); stops by itself when idle.',
    params: z.strictObject({ factor: z.number().nonnegative().max(1_000_000) }),
    result: ClockStateSchema,
  },
  'dlq.requeue': {
    kind: 'command',
    summary: 'Moves dead letters back to their queues: some (by id or message id) or all.',
    params: z
      .strictObject({
        /** Dead-letter ids as listed by `deadLetters`. */
        ids: z.array(z.number().int().positive()).min(1).optional(),
        messageIds: z.array(z.string().min(1)).min(1).optional(),
        all: z.literal(true).optional(),
        /** With `all`: only this queue's dead letters. */
        queue: Name.optional(),
      })
      .refine(
        (p) =>
          [p.ids, p.messageIds, p.all].filter((x) => x !== undefined).length === 1 &&
          (p.queue === undefined || p.all === true),
        {
          message:
            'give exactly one of `ids`, `messageIds` or `all: true` (`queue` only with `all`)',
          path: ['ids'],
        },
      ),
    result: z.object({ requeued: Count }),
  },
  'queue.purge': {
    kind: 'command',
    summary: 'Drops the ready and delayed messages of a queue (not the running ones).',
    params: z.strictObject({ queue: Name }),
    result: z.object({ purged: Count }),
  },
  'queue.pause': {
    kind: 'command',
    summary: 'Stops every worker consuming a queue.',
    params: z.strictObject({ queue: Name }),
    result: z.object({ queue: z.string(), paused: z.boolean() }),
  },
  'queue.resume': {
    kind: 'command',
    summary: 'Lets workers consume a paused queue again.',
    params: z.strictObject({ queue: Name }),
    result: z.object({ queue: z.string(), paused: z.boolean() }),
  },
  fork: {
    kind: 'command',
    summary:
      'Re-runs the scenario into a new run that changes PATH=VALUE settings right after event atSeq.',
    params: z.strictObject({
      atSeq: Seq,
      sets: z.array(z.string().min(3).max(1000)).max(50).default([]),
    }),
    result: z.object({ runId: z.string(), sharedEvents: Count, events: Count }),
  },

  // ---- queries ----
  info: {
    kind: 'query',
    summary: 'Which engine this is: mode, run, clock, last seq, API version.',
    params: Nothing,
    result: InfoSchema,
  },
  queues: {
    kind: 'query',
    summary: 'Per-queue counts now.',
    params: Nothing,
    result: z.object({ queues: z.array(QueueCountsSchema) }),
  },
  actors: {
    kind: 'query',
    summary:
      'The actors of the run: queue, priority and effective options (the actor’s own over the middleware defaults), by name.',
    params: Nothing,
    result: z.object({ actors: z.array(ActorInfoSchema) }),
  },
  messages: {
    kind: 'query',
    summary: 'Every message of the run, live and finished, filtered and paged in enqueue order.',
    params: z.strictObject({
      queue: Name.optional(),
      actor: Name.optional(),
      status: z.union([MessageStatusSchema, z.array(MessageStatusSchema).min(1)]).optional(),
      /** Labels starting with this (so `order-7` also finds `order-7[0]`). */
      label: z.string().min(1).max(200).optional(),
      /** Case-insensitive text in the id, label, actor, queue, error or arguments. */
      text: z.string().min(1).max(200).optional(),
      /** `live` = not finished (ready, delayed, running, dead). */
      finished: z.boolean().optional(),
      order: z.enum(['asc', 'desc']).default('asc'),
      offset: Count.default(0),
      limit: z.number().int().min(1).max(1000).default(100),
    }),
    result: z.object({
      total: Count,
      offset: Count,
      items: z.array(MessageSummarySchema),
      /** The journal seq the list reflects. */
      seq: Seq,
    }),
  },
  message: {
    kind: 'query',
    summary: 'One message in full: its journal history, options, result, error and links.',
    params: z.strictObject({ messageId: z.string().min(1).max(200) }),
    result: MessageSummarySchema.extend({
      args: Args,
      kwargs: Kwargs,
      /** The latest wire options (`retries`, `eta`, `traceback`…). */
      options: Options,
      result: Json.optional(),
      history: z.array(JournalEventSchema),
      /** Messages enqueued with this one as their parent (retries excluded: same id). */
      children: z.array(z.string()),
    }),
  },
  result: {
    kind: 'query',
    summary: "A message's result: from the result backend when stored, else from the journal.",
    params: z.strictObject({ messageId: z.string().min(1).max(200) }),
    result: z.object({
      messageId: z.string(),
      /** `succeeded`/`failed`: it has one; `pending`: not finished; `none`: finished without. */
      state: z.enum(['succeeded', 'failed', 'pending', 'none']),
      value: Json.optional(),
      error: ErrorInfoSchema.optional(),
      source: z.enum(['backend', 'journal']).nullable(),
    }),
  },
  stateAt: {
    kind: 'query',
    summary: 'Time travel: the world (live messages, slots, totals, queue counts) after event seq.',
    params: z.strictObject({ seq: Seq }),
    result: z.object({
      seq: Seq,
      t: z.number(),
      messages: z.record(z.string(), MessageStateSchema),
      slots: z.record(z.string(), z.string()),
      totals: z.record(z.string(), z.number()),
      queues: z.array(
        z.object({
          queue: z.string(),
          ready: Count,
          delayed: Count,
          inFlight: Count,
          dead: Count,
        }),
      ),
    }),
  },
  journalPage: {
    kind: 'query',
    summary: 'Journal events with seq > afterSeq, at most limit.',
    params: z.strictObject({
      afterSeq: Seq.default(0),
      limit: z.number().int().min(1).max(5000).default(500),
    }),
    result: z.object({ events: z.array(JournalEventSchema), lastSeq: Seq }),
  },
  stats: {
    kind: 'query',
    summary: 'Queueing statistics of the run so far (waits, latency, utilisation, Little’s law).',
    params: Nothing,
    result: z.looseObject({
      spanMs: z.number(),
      events: Count,
      slots: Count,
      queues: z.array(GroupStatsSchema),
      actors: z.array(GroupStatsSchema),
      /** Every finished message's latency, all queues together. */
      latency: SummaryStatsSchema,
      queueLength: z.record(z.string(), z.array(z.tuple([z.number(), z.number()]))),
    }),
  },
  deadLetters: {
    kind: 'query',
    summary: 'Dead letters, oldest first (ids for dlq.requeue).',
    params: z.strictObject({
      queue: Name.optional(),
      limit: z.number().int().min(1).max(10_000).default(1000),
    }),
    result: z.object({
      deadLetters: z.array(
        z.object({
          id: z.number().int(),
          messageId: z.string(),
          actor: z.string(),
          queue: z.string(),
          label: z.string().nullable(),
          deadT: z.number(),
          attempts: Count,
          args: Args,
          options: Options,
        }),
      ),
    }),
  },
  scenarios: {
    kind: 'query',
    summary: 'The scenario gallery: name (for loadScenario), title and description.',
    params: Nothing,
    result: z.object({
      scenarios: z.array(
        z.object({ name: z.string(), title: z.string(), description: z.string() }),
      ),
    }),
  },
  runs: {
    kind: 'query',
    summary: 'Run databases next to the current one (runs, forks), for openRun.',
    params: Nothing,
    result: z.object({
      runs: z.array(
        z.object({
          runId: z.string(),
          current: z.boolean(),
          bytes: Count,
          /** Since 1.2, absent when the file cannot be read: its journal's last seq. */
          events: Count.optional(),
          /** Since 1.2: the scenario's name, when the run came from one. */
          title: z.string().nullable().optional(),
          /** Since 1.2: the run it is a fork of (a file name), at which event, with which changes. */
          forkOf: z
            .object({ run: z.string(), atSeq: Count, sets: z.array(z.string()) })
            .nullable()
            .optional(),
        }),
      ),
    }),
  },
} as const satisfies Record<string, MethodSpec>;

/** The name of an Engine API method. */
export type MethodName = keyof typeof methods;

/** Params of `M` as a caller writes them (defaults may be left out). */
export type ParamsIn<M extends MethodName> = z.input<(typeof methods)[M]['params']>;
/** Params of `M` after validation (defaults applied). */
export type ParamsOut<M extends MethodName> = z.output<(typeof methods)[M]['params']>;
/** Result of `M`. */
export type MethodResult<M extends MethodName> = z.output<(typeof methods)[M]['result']>;

/** Every method name, in map order. */
export const METHOD_NAMES = Object.keys(methods) as MethodName[];

/** True when `name` is an Engine API method. */
export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(methods, name);
}

/**
 * Validates the params of `method` (`undefined` counts as `{}`).
 * @returns the parsed params, or a `BAD_REQUEST` {@link EngineApiError} listing every problem.
 */
export function parseParams<M extends MethodName>(
  method: M,
  params: unknown,
): { ok: true; params: ParamsOut<M> } | { ok: false; error: EngineApiError } {
  const parsed = methods[method].params.safeParse(params ?? {});
  if (parsed.success) return { ok: true, params: parsed.data as ParamsOut<M> };
  return {
    ok: false,
    error: badRequest(`bad params for ${method}`, zodProblems(parsed.error), {
      where: 'params',
      method,
    }),
  };
}

/**
 * Validates the result of `method`.
 * @returns the parsed result, or the problems when it does not match (a bug on the engine side).
 */
export function parseResult<M extends MethodName>(
  method: M,
  result: unknown,
): { ok: true; result: MethodResult<M> } | { ok: false; problems: ReturnType<typeof zodProblems> } {
  const parsed = methods[method].result.safeParse(result);
  if (parsed.success) return { ok: true, result: parsed.data as MethodResult<M> };
  return { ok: false, problems: zodProblems(parsed.error) };
}
