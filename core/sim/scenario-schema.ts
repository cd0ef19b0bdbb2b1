/**
 * The zod schema of scenario format v1 (`../shared/spec/scenario-format.md`).
 *
 * Contract:
 * 1. Every object is strict: an unknown key is an error (with a "did you mean" from the loader).
 * 2. Defaults are the spec's: seed 0, virtual clock, one worker (all queues, 8 threads, 1
 *    process), until idle.
 * 3. Sizes that cost memory when a run starts are bounded: at most 1024 threads and 64 processes
 *    per worker, 1,000,000 arrivals per arrival entry.
 * 4. `seed` is 0..4294967295: the generator keeps 32 bits (`seed >>> 0` in core/random/rng.ts), so a
 *    larger seed would silently equal a smaller one.
 * 5. A `behavior.result` object whose only key is `op` names a known op (`RESULT_OPS`); it is never
 *    a literal, since core/sim/behaviour.ts computes such an object instead of returning it.
 */
import { DEFAULT_MIDDLEWARE_NAMES } from '../middleware/default-middleware.ts';
import { z } from 'zod';
import { closest } from '../errors.ts';

/**
 * Upper bounds of sizes that cost memory up front (contract item 3): a worker allocates its thread
 * slots and a burst schedules all its sends when the run starts, so `threads: 1e9` in a hostile
 * file would exhaust the engine's memory instead of being reported.
 */
export const MAX_THREADS = 1024;
export const MAX_PROCESSES = 64;
export const MAX_ARRIVALS = 1_000_000;
/** Largest `seed` (contract item 4): the random generator uses 32 bits. */
export const MAX_SEED = 0xffff_ffff;

const nonNegInt = z
  .number()
  .int('expected an integer')
  .nonnegative('expected a non-negative integer');
const nonNeg = z.number().nonnegative('expected a non-negative number');
const positive = z.number().positive('expected a positive number');
const json: z.ZodType<unknown> = z.lazy(() =>
  z.union([
    z.null(),
    z.boolean(),
    z.number(),
    z.string(),
    z.array(json),
    z.record(z.string(), json),
  ]),
);

export const DurationSchema = z.discriminatedUnion('dist', [
  z.strictObject({ dist: z.literal('constant'), ms: nonNeg }),
  z
    .strictObject({ dist: z.literal('uniform'), min: nonNeg, max: nonNeg })
    .refine((d) => d.max >= d.min, { message: 'max must be >= min', path: ['max'] }),
  z.strictObject({ dist: z.literal('exponential'), mean: nonNeg }),
  z.strictObject({ dist: z.literal('normal'), mean: nonNeg, sd: nonNeg }),
  z.strictObject({ dist: z.literal('lognormal'), median: positive, sigma: nonNeg }),
]);
export type Duration = z.infer<typeof DurationSchema>;

const errorName = z.string().min(1, 'expected an error name such as "ConnectionError"');
const FailRuleSchema = z.union([
  z.strictObject({ first: nonNegInt, error: errorName, message: z.string().optional() }),
  z.strictObject({
    probability: z
      .number()
      .min(0, 'expected a probability in [0, 1]')
      .max(1, 'expected a probability in [0, 1]'),
    error: errorName,
    message: z.string().optional(),
  }),
  z.strictObject({
    attempts: z.array(z.number().int().positive('attempts count from 1')),
    error: errorName,
    message: z.string().optional(),
  }),
]);
export type FailRule = z.infer<typeof FailRuleSchema>;

/** The ops of `behavior.result: { "op": ... }`, computed by core/sim/behaviour.ts. */
export const RESULT_OPS = ['sum', 'product', 'square', 'first_arg'] as const;

/** A literal, `"args"`, or `{ "op": one of RESULT_OPS }` (contract item 5). */
const ResultSchema = json.superRefine((r, ctx) => {
  if (typeof r !== 'object' || r === null || Array.isArray(r)) return;
  const keys = Object.keys(r);
  if (keys.length !== 1 || keys[0] !== 'op') return;
  const op = (r as { op: unknown }).op;
  if (typeof op === 'string' && (RESULT_OPS as readonly string[]).includes(op)) return;
  const hint = typeof op === 'string' ? closest(op, RESULT_OPS) : null;
  ctx.addIssue({
    code: 'custom',
    path: ['op'],
    message: `unknown op ${JSON.stringify(op)}: expected one of ${RESULT_OPS.map((o) => `"${o}"`).join(', ')}${hint ? ` — did you mean "${hint}"?` : ''}`,
  });
});

/** A send: a message, a pipeline, a group or a raw message (recursive through `behavior.enqueue`). */
export type SendEntry = {
  actor?: string | undefined;
  args?: unknown[] | undefined;
  kwargs?: Record<string, unknown> | undefined;
  at?: number | undefined;
  delay?: number | undefined;
  options?: Record<string, unknown> | undefined;
  id?: string | undefined;
  pipeline?:
    | {
        actor: string;
        args?: unknown[] | undefined;
        kwargs?: Record<string, unknown> | undefined;
        options?: Record<string, unknown> | undefined;
      }[]
    | undefined;
  group?:
    | (
        | {
            actor: string;
            args?: unknown[] | undefined;
            kwargs?: Record<string, unknown> | undefined;
            options?: Record<string, unknown> | undefined;
          }
        | {
            pipeline: {
              actor: string;
              args?: unknown[] | undefined;
              kwargs?: Record<string, unknown> | undefined;
              options?: Record<string, unknown> | undefined;
            }[];
          }
      )[]
    | undefined;
  on_complete?:
    | { actor: string; args?: unknown[] | undefined; kwargs?: Record<string, unknown> | undefined }
    | undefined;
  raw?:
    | {
        actor_name: string;
        queue_name: string;
        args?: unknown[] | undefined;
        kwargs?: Record<string, unknown> | undefined;
        options?: Record<string, unknown> | undefined;
      }
    | undefined;
};

const StepSchema = z.strictObject({
  actor: z.string().min(1),
  args: z.array(json).optional(),
  kwargs: z.record(z.string(), json).optional(),
  options: z.record(z.string(), z.unknown()).optional(),
});

export const SendSchema: z.ZodType<SendEntry> = z
  .strictObject({
    actor: z.string().min(1).optional(),
    args: z.array(json).optional(),
    kwargs: z.record(z.string(), json).optional(),
    at: nonNeg.optional(),
    delay: nonNeg.optional(),
    options: z.record(z.string(), z.unknown()).optional(),
    id: z.string().min(1).optional(),
    pipeline: z.array(StepSchema).min(1, 'a pipeline needs at least one step').optional(),
    group: z
      .array(
        z.union([
          StepSchema,
          z.strictObject({
            pipeline: z.array(StepSchema).min(1, 'a pipeline needs at least one step'),
          }),
        ]),
      )
      .min(1, 'a group needs at least one child')
      .optional(),
    on_complete: z
      .strictObject({
        actor: z.string().min(1),
        args: z.array(json).optional(),
        kwargs: z.record(z.string(), json).optional(),
      })
      .optional(),
    raw: z
      .strictObject({
        actor_name: z.string().min(1),
        queue_name: z.string().min(1),
        args: z.array(json).optional(),
        kwargs: z.record(z.string(), json).optional(),
        options: z.record(z.string(), json).optional(),
      })
      .optional(),
  })
  .superRefine((s, ctx) => {
    const kinds = ['actor', 'pipeline', 'group', 'raw'].filter(
      (k) => (s as Record<string, unknown>)[k] !== undefined,
    );
    if (kinds.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        message:
          kinds.length === 0
            ? 'expected one of "actor", "pipeline", "group" or "raw"'
            : `expected only one of "actor", "pipeline", "group" or "raw", got ${kinds.join(' and ')}`,
      });
    }
    if (s.on_complete && !s.group)
      ctx.addIssue({
        code: 'custom',
        message: '"on_complete" only goes with "group"',
        path: ['on_complete'],
      });
  });

export const BehaviorSchema = z.strictObject({
  duration: DurationSchema.optional(),
  fail: z.union([FailRuleSchema, z.array(FailRuleSchema)]).optional(),
  retry: z.strictObject({ first: nonNegInt, delay: nonNeg }).optional(),
  skip: z.strictObject({ first: nonNegInt }).optional(),
  result: ResultSchema.optional(),
  enqueue: z.array(SendSchema).optional(),
});
export type Behavior = z.infer<typeof BehaviorSchema>;

const RetryWhenSchema = z.strictObject({
  errors: z.array(errorName).optional(),
  retries_below: nonNegInt.optional(),
});

/** Actor options of a scenario: Dramatiq's names, each with its type. */
export const ActorOptionsSchema = z.strictObject({
  max_retries: nonNegInt.nullable().optional(),
  min_backoff: nonNeg.optional(),
  max_backoff: nonNeg.optional(),
  retry_when: RetryWhenSchema.optional(),
  throws: z.array(errorName).optional(),
  on_retry_exhausted: z.string().min(1).optional(),
  max_age: nonNeg.nullable().optional(),
  time_limit: nonNeg.nullable().optional(),
  notify_shutdown: z.boolean().optional(),
  on_success: z.string().min(1).optional(),
  on_failure: z.string().min(1).optional(),
  pipe_ignore: z.boolean().optional(),
  store_results: z.boolean().optional(),
  result_ttl: nonNeg.optional(),
});
export type ScenarioActorOptions = z.infer<typeof ActorOptionsSchema>;

export const ActorSchema = z.strictObject({
  name: z.string().min(1, 'an actor needs a name'),
  queue: z.string().min(1).default('default'),
  priority: z.number().int('expected an integer').default(0),
  options: ActorOptionsSchema.default({}),
  behavior: BehaviorSchema.default({}),
});

export const ArrivalSchema = z
  .strictObject({
    actor: z.string().min(1),
    process: z.enum(['poisson', 'uniform', 'burst']),
    rate: positive.optional(),
    count: z
      .number()
      .int()
      .positive('expected a positive integer')
      .max(MAX_ARRIVALS, `expected at most ${MAX_ARRIVALS} arrivals per entry`),
    at: nonNeg.optional(),
    /** Dramatiq's delay option of every message sent, as on `messages` entries. */
    delay: nonNeg.optional(),
    args: z.array(json).optional(),
    kwargs: z.record(z.string(), json).optional(),
    options: z.record(z.string(), z.unknown()).optional(),
    id: z.string().min(1).optional(),
  })
  .superRefine((a, ctx) => {
    if (a.process !== 'burst' && a.rate === undefined)
      ctx.addIssue({
        code: 'custom',
        message: `a ${a.process} arrival needs "rate" (messages per second)`,
        path: ['rate'],
      });
  });

export const WorkerSchema = z.strictObject({
  queues: z.array(z.string().min(1)).optional(),
  threads: z
    .number()
    .int()
    .positive('expected a positive integer')
    .max(MAX_THREADS, `expected at most ${MAX_THREADS} threads per worker process`)
    .default(8),
  processes: z
    .number()
    .int()
    .positive('expected a positive integer')
    .max(MAX_PROCESSES, `expected at most ${MAX_PROCESSES} processes per worker`)
    .default(1),
});

export const MiddlewareSettingsSchema = z.strictObject({
  max_age: nonNeg.nullable().optional(),
  time_limit: nonNeg.nullable().optional(),
  notify_shutdown: z.boolean().optional(),
  max_retries: nonNegInt.nullable().optional(),
  min_backoff: nonNeg.optional(),
  max_backoff: nonNeg.optional(),
  store_results: z.boolean().optional(),
  result_ttl: nonNeg.optional(),
  barrier_ttl: nonNeg.optional(),
  disable: z.array(z.enum(DEFAULT_MIDDLEWARE_NAMES)).optional(),
});

export const UntilSchema = z.union([
  z.strictObject({ time: nonNeg }),
  z.strictObject({ idle: z.literal(true) }),
]);

/** Worded as the CLI's `--seed` refusal. */
const SEED_RANGE = `expected a whole number 0..${MAX_SEED} (the random generator uses 32 bits)`;

export const ScenarioSchema = z.strictObject({
  rehearsal: z.literal(1, 'expected 1 (the scenario format version)'),
  name: z.string().default(''),
  description: z.string().default(''),
  seed: z.number().int(SEED_RANGE).min(0, SEED_RANGE).max(MAX_SEED, SEED_RANGE).default(0),
  clock: z.enum(['virtual', 'real']).default('virtual'),
  workers: z
    .array(WorkerSchema)
    .min(1, 'at least one worker')
    .default([{ threads: 8, processes: 1 }]),
  middleware: MiddlewareSettingsSchema.default({}),
  actors: z.array(ActorSchema).min(1, 'a scenario needs at least one actor'),
  messages: z.array(SendSchema).default([]),
  arrivals: z.array(ArrivalSchema).default([]),
  until: UntilSchema.default({ idle: true }),
});

/** A validated scenario with defaults filled in. */
export type Scenario = z.infer<typeof ScenarioSchema>;
export type ScenarioActor = z.infer<typeof ActorSchema>;
export type Arrival = z.infer<typeof ArrivalSchema>;
