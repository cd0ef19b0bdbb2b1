/**
 * `enqueue --pipeline`, `--group` and `--on-complete`: JSON descriptions of several messages, in
 * the shapes of scenario files (`../shared/spec/scenario-format.md`, "Messages and arrivals").
 *
 * Contract:
 * 1. A STEP is `{"actor": NAME, "args": [...], "kwargs": {...}, "options": {...}}`; only `actor` is
 *    required. A pipeline is a non-empty array of steps; a group a non-empty array of steps and
 *    `{"pipeline": [STEP, ...]}`; `--on-complete` one step without options.
 * 2. Every problem is reported at once, each with its path (`--group[1].pipeline[0].args: expected
 *    a JSON array`); nothing is checked against the engine here (actor names and option names are
 *    checked by the command).
 */
import { cliError } from './errors.ts';
import { describe, parseJson } from './json-arg.ts';
import { closest } from './suggest.ts';

/** One message of a pipeline or group. */
export type StepArg = {
  actor: string;
  args: unknown[];
  kwargs: Record<string, unknown>;
  options: Record<string, unknown>;
};

/** A group child: a message or a pipeline. */
export type GroupChildArg = StepArg | { pipeline: StepArg[] };

/** What `--pipeline` or `--group` (with `--on-complete`) describe. */
export type CompositionArg =
  | { kind: 'pipeline'; steps: StepArg[] }
  | { kind: 'group'; children: GroupChildArg[]; onComplete: StepArg | null };

const STEP_KEYS = ['actor', 'args', 'kwargs', 'options'];
const STEP_EXAMPLE = '{"actor": "add", "args": [1, 2]}';

type Problems = string[];

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A step at `path`, or null after recording its problems. */
function step(v: unknown, path: string, problems: Problems, withOptions = true): StepArg | null {
  if (!isObject(v)) {
    problems.push(`${path}: expected a step object such as ${STEP_EXAMPLE}, got ${describe(v)}`);
    return null;
  }
  const keys = withOptions ? STEP_KEYS : STEP_KEYS.filter((k) => k !== 'options');
  const before = problems.length;
  for (const k of Object.keys(v)) {
    if (keys.includes(k)) continue;
    const hint = closest(k, keys);
    problems.push(
      `${path}.${k}: unknown field${hint ? ` — did you mean "${hint}"?` : ` (a step has ${keys.join(', ')})`}`,
    );
  }
  const { actor, args = [], kwargs = {}, options = {} } = v;
  if (typeof actor !== 'string' || actor === '')
    problems.push(`${path}.actor: expected an actor name, got ${describe(actor)}`);
  if (!Array.isArray(args))
    problems.push(`${path}.args: expected a JSON array, got ${describe(args)}`);
  if (!isObject(kwargs))
    problems.push(`${path}.kwargs: expected a JSON object, got ${describe(kwargs)}`);
  if (!isObject(options))
    problems.push(`${path}.options: expected a JSON object, got ${describe(options)}`);
  if (problems.length > before) return null;
  return {
    actor: actor as string,
    args: args as unknown[],
    kwargs: kwargs as Record<string, unknown>,
    options: options as Record<string, unknown>,
  };
}

function steps(v: unknown, path: string, problems: Problems): StepArg[] {
  if (!Array.isArray(v)) {
    problems.push(`${path}: expected a JSON array of steps, got ${describe(v)}`);
    return [];
  }
  if (v.length === 0) problems.push(`${path}: a pipeline needs at least one step`);
  return v.map((s, i) => step(s, `${path}[${i}]`, problems)).filter((s) => s !== null);
}

function fail(code: string, flag: string, problems: Problems): never {
  throw cliError(
    code,
    `${flag} has ${problems.length} problem${problems.length === 1 ? '' : 's'}; nothing was enqueued`,
    { flag, problems },
    [...problems, `a step is ${STEP_EXAMPLE}, with optional "kwargs" and "options"`],
  );
}

/**
 * Parses `--pipeline` (contract items 1 and 2).
 * @throws CliError `INVALID_JSON`, `EMPTY_PIPELINE`, `INVALID_PIPELINE`.
 */
export function parsePipelineArg(text: string): CompositionArg {
  const hint = `--pipeline must be a JSON array of steps, e.g. --pipeline '[${STEP_EXAMPLE}, {"actor": "double"}]'`;
  const v = parseJson('--pipeline', text, hint);
  if (Array.isArray(v) && v.length === 0) {
    throw cliError('EMPTY_PIPELINE', '--pipeline is empty: a pipeline needs at least one step', {
      flag: '--pipeline',
    });
  }
  const problems: Problems = [];
  const parsed = steps(v, '--pipeline', problems);
  if (problems.length > 0) fail('INVALID_PIPELINE', '--pipeline', problems);
  return { kind: 'pipeline', steps: parsed };
}

/**
 * Parses `--group` and `--on-complete` (contract items 1 and 2).
 * @throws CliError `INVALID_JSON`, `EMPTY_GROUP`, `INVALID_GROUP`.
 */
export function parseGroupArg(text: string, onCompleteText: string | undefined): CompositionArg {
  const hint = `--group must be a JSON array of steps or {"pipeline": [...]}, e.g. --group '[${STEP_EXAMPLE}, {"actor": "add", "args": [3, 4]}]'`;
  const v = parseJson('--group', text, hint);
  const cb =
    onCompleteText === undefined
      ? undefined
      : parseJson(
          '--on-complete',
          onCompleteText,
          `--on-complete must be a step, e.g. --on-complete '{"actor": "notify"}'`,
        );
  if (Array.isArray(v) && v.length === 0) {
    throw cliError('EMPTY_GROUP', '--group is empty: a group needs at least one child', {
      flag: '--group',
    });
  }
  const problems: Problems = [];
  const children: GroupChildArg[] = [];
  if (!Array.isArray(v)) {
    problems.push(`--group: expected a JSON array of children, got ${describe(v)}`);
  } else {
    v.forEach((c, i) => {
      const path = `--group[${i}]`;
      if (isObject(c) && 'pipeline' in c) {
        const extra = Object.keys(c).filter((k) => k !== 'pipeline');
        for (const k of extra)
          problems.push(`${path}.${k}: unknown field (a pipeline child has only "pipeline")`);
        const ps = steps(c.pipeline, `${path}.pipeline`, problems);
        if (extra.length === 0) children.push({ pipeline: ps });
      } else {
        const s = step(c, path, problems);
        if (s) children.push(s);
      }
    });
  }
  const onComplete = cb === undefined ? null : step(cb, '--on-complete', problems, false);
  if (problems.length > 0) fail('INVALID_GROUP', '--group', problems);
  return { kind: 'group', children, onComplete };
}

/** Every actor a composition names, in order of appearance, each once. */
export function compositionActors(c: CompositionArg): string[] {
  const names: string[] = [];
  const add = (s: StepArg): void => {
    if (!names.includes(s.actor)) names.push(s.actor);
  };
  if (c.kind === 'pipeline') c.steps.forEach(add);
  else {
    for (const child of c.children) {
      if ('pipeline' in child) child.pipeline.forEach(add);
      else add(child);
    }
    if (c.onComplete) add(c.onComplete);
  }
  return names;
}
