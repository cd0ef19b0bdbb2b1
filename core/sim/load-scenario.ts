/**
 * Loading a scenario file: parse, validate with zod, check cross references, and report every
 * problem with the file and its JSON path (`actors[2].options.max_retries: expected a
 * non-negative integer`), with a suggestion for misspelled names. Nothing is written anywhere.
 *
 * Contract:
 * 1. One pass lists every problem: the cross-reference checks run on the well-formed parts of the
 *    input even when the schema refused other parts.
 * 2. An unknown key anywhere gets the closest key the schema accepts at that path; a union reports
 *    the problems of the branch that fits best, never a bare "Invalid input".
 */
import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { ACTOR_OPTIONS } from '../actor-options.ts';
import { QUEUE_NAME_PATTERN } from '../broker/queue-names.ts';
import { closest, RehearsalError } from '../errors.ts';
import { ScenarioSchema, type Scenario } from './scenario-schema.ts';

/** One problem of a scenario file. */
export type ScenarioProblem = { path: string; message: string };

/** A scenario that failed validation; `details.problems` lists every problem. */
export class ScenarioError extends RehearsalError {
  readonly problems: ScenarioProblem[];
  constructor(file: string, problems: ScenarioProblem[]) {
    const lines = problems.map((p) => `  ${p.path || '(top level)'}: ${p.message}`);
    super(
      'SCENARIO_INVALID',
      `${file}: ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n${lines.join('\n')}`,
      { file, problems },
    );
    this.problems = problems;
  }
}

/** `["actors", 2, "options"]` → `actors[2].options`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out;
}

type Issue = z.core.$ZodIssue;
type Path = readonly PropertyKey[];
type Json = Record<string, unknown>;

const isObject = (x: unknown): x is Json =>
  typeof x === 'object' && x !== null && !Array.isArray(x);
/** `o[key]` when `o` is an object that has `key` itself (never an inherited property). */
const field = (o: unknown, key: string): unknown =>
  isObject(o) && Object.hasOwn(o, key) ? o[key] : undefined;
const list = (x: unknown): unknown[] => (Array.isArray(x) ? x : []);
/** A usable name: a non-empty string (the schema reports anything else). */
const nameOf = (x: unknown): string | undefined =>
  typeof x === 'string' && x !== '' ? x : undefined;

/** The input value at `path`, or undefined. */
function valueAt(data: unknown, path: Path): unknown {
  let v = data;
  for (const p of path) {
    if (typeof p === 'number') v = Array.isArray(v) ? v[p] : undefined;
    else v = field(v, String(p));
  }
  return v;
}

/**
 * The schemas that can describe the value at `path` below `schema`: wrappers (optional, default,
 * lazy…) are looked through, and every branch of a union is followed.
 */
function schemasAt(schema: z.core.$ZodType, path: Path): z.core.$ZodType[] {
  const s = schema as z.core.$ZodTypes;
  const def = s._zod.def;
  switch (def.type) {
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'nonoptional':
    case 'readonly':
    case 'catch':
      return schemasAt(def.innerType, path);
    case 'lazy':
      return schemasAt(def.getter(), path);
    case 'pipe':
      return schemasAt(def.in, path);
    case 'union':
      return def.options.flatMap((o) => schemasAt(o, path));
    case 'intersection':
      return [...schemasAt(def.left, path), ...schemasAt(def.right, path)];
    default:
  }
  if (path.length === 0) return [s];
  const [head, ...rest] = path;
  if (def.type === 'object' && typeof head === 'string') {
    const child = Object.hasOwn(def.shape, head) ? def.shape[head] : undefined;
    return child ? schemasAt(child, rest) : [];
  }
  if (def.type === 'array' && typeof head === 'number') return schemasAt(def.element, rest);
  if (def.type === 'tuple' && typeof head === 'number') {
    const item = def.items[head] ?? def.rest;
    return item ? schemasAt(item, rest) : [];
  }
  if (def.type === 'record') return schemasAt(def.valueType, rest);
  return [];
}

/** Every key the scenario schema accepts in the object at `path` (for "did you mean"). */
function knownKeysAt(path: Path): string[] {
  const keys = new Set<string>();
  for (const s of schemasAt(ScenarioSchema, path)) {
    const def = (s as z.core.$ZodTypes)._zod.def;
    if (def.type === 'object') for (const k of Object.keys(def.shape)) keys.add(k);
  }
  return [...keys];
}

/**
 * One explained zod issue. `kind` says how badly the value misses the schema there, to choose
 * among a union's branches: `wrong_type` (not even the right kind of value) and `unknown_key` (a
 * key the branch does not know and that is no typo of one it misses) count against a branch.
 */
type Finding = {
  path: PropertyKey[];
  message: string;
  kind: 'wrong_type' | 'unknown_key' | 'other';
};

const unknownField = (hint: string | null, known: readonly string[]): string =>
  `unknown field${hint ? ` — did you mean "${hint}"?` : known.length ? ` (expected one of: ${known.join(', ')})` : ''}`;

/** True when `i` says that the required key below `parent` is missing from `obj`. */
function isMissingKey(i: Issue, parent: Path, obj: unknown): boolean {
  const key = i.path[parent.length];
  return (
    (i.code === 'invalid_type' || i.code === 'invalid_value' || i.code === 'invalid_union') &&
    i.path.length === parent.length + 1 &&
    parent.every((p, k) => i.path[k] === p) &&
    typeof key === 'string' &&
    isObject(obj) &&
    !Object.hasOwn(obj, key)
  );
}

/** How well a union branch fits: fewer wrong types, then fewer unknown keys, then fewer findings. */
function fit(findings: readonly Finding[], depth: number): [number, number, number] {
  let wrong = 0;
  let unknown = 0;
  for (const f of findings) {
    if (f.kind === 'wrong_type' && f.path.length === depth) wrong++;
    if (f.kind === 'unknown_key' && f.path.length === depth + 1) unknown++;
  }
  return [wrong, unknown, findings.length];
}

/**
 * Explains zod issues (paths relative to `base`) as findings with absolute paths: an unknown key
 * gets the closest key the schema knows there, and when it is a typo of a required key that is
 * missing, the "missing" issue is left out (it is the same mistake); a union reports the branch
 * that fits best, recursively; a misspelled enum or discriminator value gets a suggestion.
 */
function explain(issues: readonly Issue[], base: Path, data: unknown): Finding[] {
  // Typos first: unknown key → the missing required key it stands for.
  const typos = new Map<Issue, Map<string, string>>();
  const consumed = new Set<Issue>();
  for (const issue of issues) {
    if (issue.code !== 'unrecognized_keys') continue;
    const obj = valueAt(data, [...base, ...issue.path]);
    const missing = issues.filter((i) => isMissingKey(i, issue.path, obj));
    const pairs = new Map<string, string>();
    for (const key of issue.keys) {
      const open = missing.filter((m) => !consumed.has(m));
      const hint = closest(
        key,
        open.map((m) => String(m.path.at(-1))),
      );
      const m = open.find((o) => o.path.at(-1) === hint);
      if (hint === null || !m) continue;
      pairs.set(key, hint);
      consumed.add(m);
    }
    typos.set(issue, pairs);
  }

  const out: Finding[] = [];
  for (const issue of issues) {
    if (consumed.has(issue)) continue;
    const path = [...base, ...issue.path];
    if (issue.code === 'unrecognized_keys') {
      const known = knownKeysAt(path);
      for (const key of issue.keys) {
        const typo = typos.get(issue)?.get(key);
        // A field of another branch of a union (`until` takes `time` or `idle`): not a typo.
        const elsewhere = typo === undefined && known.includes(key);
        out.push({
          path: [...path, key],
          message: elsewhere
            ? `not allowed together with the other fields here: give only one of ${known.join(', ')}`
            : unknownField(typo ?? closest(key, known), known),
          kind: typo ? 'other' : 'unknown_key',
        });
      }
    } else if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      const branches = issue.errors.map((b) => explain(b, path, data));
      const scored = branches.map((b) => ({ b, fit: fit(b, path.length) }));
      scored.sort((x, y) => x.fit[0] - y.fit[0] || x.fit[1] - y.fit[1] || x.fit[2] - y.fit[2]);
      out.push(...scored[0]!.b);
    } else if (issue.code === 'invalid_union' && issue.discriminator !== undefined) {
      const options = 'options' in issue ? (issue.options ?? []) : [];
      out.push(discriminatorFinding(issue.discriminator, options, path, data));
    } else if (issue.code === 'invalid_value') {
      const value = valueAt(data, path);
      const options = issue.values.filter((v): v is string => typeof v === 'string');
      const hint = typeof value === 'string' ? closest(value, options) : null;
      out.push({
        path,
        message: `${issue.message}${hint ? ` — did you mean "${hint}"?` : ''}`,
        kind: 'other',
      });
    } else {
      out.push({
        path,
        message: issue.message,
        kind: issue.code === 'invalid_type' ? 'wrong_type' : 'other',
      });
    }
  }
  return out;
}

/**
 * A discriminated union (`duration.dist`) matched no branch: the key is misspelled, missing, or
 * its value is not one of the options (with a suggestion).
 */
function discriminatorFinding(
  key: string,
  values: readonly unknown[],
  path: PropertyKey[],
  data: unknown,
): Finding {
  const options = values.filter((v): v is string => typeof v === 'string');
  const expected = `expected one of ${options.map((o) => `"${o}"`).join(', ')}`;
  const parentPath = path.slice(0, -1);
  const parent = valueAt(data, parentPath);
  if (isObject(parent) && !Object.hasOwn(parent, key)) {
    const known = knownKeysAt(parentPath);
    const typo = Object.keys(parent).find((k) => !known.includes(k) && closest(k, [key]) === key);
    if (typo !== undefined)
      return { path: [...parentPath, typo], message: unknownField(key, known), kind: 'other' };
    return { path, message: `missing: ${expected}`, kind: 'other' };
  }
  const value = field(parent, key);
  const hint = typeof value === 'string' ? closest(value, options) : null;
  return {
    path,
    message: `${expected}${hint ? ` — did you mean "${hint}"?` : ''}`,
    kind: 'other',
  };
}

function zodProblems(error: z.ZodError, data: unknown): ScenarioProblem[] {
  return explain(error.issues, [], data).map((f) => ({
    path: formatPath(f.path),
    message: f.message,
  }));
}

/**
 * Cross-reference checks zod cannot express. They read the input defensively, so they also run
 * when the schema found problems elsewhere: each check uses only the parts that are well-formed,
 * and a check whose reference list is incomplete (an actor without a usable name) is skipped
 * rather than reporting names that may well be declared.
 */
function referenceProblems(data: unknown): ScenarioProblem[] {
  const out: ScenarioProblem[] = [];
  const actors = list(field(data, 'actors'));
  const names = actors.map((a) => nameOf(field(a, 'name')));
  const declared = names.filter((n): n is string => n !== undefined);
  const known = new Set(declared);
  const allNamed = declared.length > 0 && declared.length === actors.length;
  const disabled = new Set(list(field(field(data, 'middleware'), 'disable')));
  const check = (value: unknown, path: string): void => {
    const name = nameOf(value);
    if (!allNamed || name === undefined || known.has(name)) return;
    const hint = closest(name, known);
    out.push({
      path,
      message: `unknown actor "${name}"${hint ? ` — did you mean "${hint}"?` : ` (declared actors: ${[...known].join(', ')})`}`,
    });
  };
  // An actor without "queue" uses "default"; one whose queue is malformed leaves the set unknown.
  const queueOf = (a: unknown): string | undefined =>
    isObject(a) && !Object.hasOwn(a, 'queue') ? 'default' : nameOf(field(a, 'queue'));
  actors.forEach((a, i) => {
    const name = names[i];
    if (name !== undefined && names.indexOf(name) !== i)
      out.push({ path: `actors[${i}].name`, message: `duplicate actor name "${name}"` });
    const queue = queueOf(a);
    if (queue !== undefined && !QUEUE_NAME_PATTERN.test(queue))
      out.push({ path: `actors[${i}].queue`, message: queueNameProblem(queue) });
    for (const k of CALLBACK_OPTIONS)
      check(field(field(a, 'options'), k), `actors[${i}].options.${k}`);
    const options = field(a, 'options');
    if (isObject(options))
      for (const k of Object.keys(options)) {
        const owner = OPTION_OWNERS.get(k);
        if (owner !== undefined && disabled.has(owner))
          out.push({
            path: `actors[${i}].options.${k}`,
            message: `belongs to the ${owner} middleware, which middleware.disable turns off`,
          });
      }
    list(field(field(a, 'behavior'), 'enqueue')).forEach((e, j) =>
      checkSend(e, `actors[${i}].behavior.enqueue[${j}]`, check),
    );
  });
  list(field(data, 'messages')).forEach((m, i) => {
    checkSend(m, `messages[${i}]`, check);
    const rawQueue = field(field(m, 'raw'), 'queue_name');
    if (typeof rawQueue === 'string' && !QUEUE_NAME_PATTERN.test(rawQueue))
      out.push({ path: `messages[${i}].raw.queue_name`, message: queueNameProblem(rawQueue) });
  });
  list(field(data, 'arrivals')).forEach((a, i) => check(field(a, 'actor'), `arrivals[${i}].actor`));
  const queues = actors.map(queueOf);
  if (queues.every((q) => q !== undefined)) {
    const used = new Set(queues);
    list(field(data, 'workers')).forEach((w, i) =>
      list(field(w, 'queues')).forEach((value, j) => {
        const q = nameOf(value);
        if (q === undefined || used.has(q)) return;
        const hint = closest(q, used);
        out.push({
          path: `workers[${i}].queues[${j}]`,
          message: `no actor uses queue "${q}"${hint ? ` — did you mean "${hint}"?` : ''}`,
        });
      }),
    );
  }
  const ids = new Map<string, string>();
  list(field(data, 'messages')).forEach((m, i) => {
    const id = nameOf(field(m, 'id'));
    if (id === undefined) return;
    const first = ids.get(id);
    if (first !== undefined)
      out.push({
        path: `messages[${i}].id`,
        message: `duplicate message id "${id}" (also ${first})`,
      });
    else ids.set(id, `messages[${i}].id`);
  });
  return out;
}

/** Options that name an actor to send to. */
const CALLBACK_OPTIONS = ['on_success', 'on_failure', 'on_retry_exhausted'] as const;

/** The middleware that declares each actor option (to name a disabled one). */
const OPTION_OWNERS = new Map(ACTOR_OPTIONS.map((o) => [o.wire, o.owner]));

const queueNameProblem = (queue: string): string =>
  `queue name "${queue}" is not allowed: it must start with a letter or underscore and contain only letters, digits, dots, underscores and dashes`;

function checkSend(e: unknown, path: string, check: (name: unknown, path: string) => void): void {
  check(field(e, 'actor'), `${path}.actor`);
  for (const k of CALLBACK_OPTIONS) check(field(field(e, 'options'), k), `${path}.options.${k}`);
  list(field(e, 'pipeline')).forEach((st, k) =>
    check(field(st, 'actor'), `${path}.pipeline[${k}].actor`),
  );
  list(field(e, 'group')).forEach((c, k) => {
    if (isObject(c) && Object.hasOwn(c, 'pipeline'))
      list(c.pipeline).forEach((st, j) =>
        check(field(st, 'actor'), `${path}.group[${k}].pipeline[${j}].actor`),
      );
    else check(field(c, 'actor'), `${path}.group[${k}].actor`);
  });
  check(field(field(e, 'on_complete'), 'actor'), `${path}.on_complete.actor`);
}

/** True unless a fail rule can never fire (`first: 0`, `probability: 0`, `attempts: []`). */
function canFire(rule: unknown): boolean {
  const first = field(rule, 'first');
  const probability = field(rule, 'probability');
  const attempts = field(rule, 'attempts');
  if (typeof first === 'number') return first > 0;
  if (typeof probability === 'number') return probability > 0;
  if (Array.isArray(attempts)) return attempts.length > 0;
  return true;
}

/**
 * A `"Timeout"` failure sleeps until the time limit interrupts the attempt; an actor without any
 * limit would then stay busy forever and an `until: idle` run would never end (a run `until` a
 * time still ends, so it is allowed there).
 */
function timeoutProblems(data: unknown): ScenarioProblem[] {
  const until = field(data, 'until');
  if (until !== undefined && field(until, 'idle') !== true) return [];
  const middleware = field(data, 'middleware');
  const disabled = list(field(middleware, 'disable')).includes('TimeLimit');
  const out: ScenarioProblem[] = [];
  list(field(data, 'actors')).forEach((a, i) => {
    const fail = field(field(a, 'behavior'), 'fail');
    const rules: [unknown, string][] = Array.isArray(fail)
      ? fail.map((r, j) => [r, `actors[${i}].behavior.fail[${j}].error`])
      : [[fail, `actors[${i}].behavior.fail.error`]];
    const options = field(a, 'options');
    const own = isObject(options) && Object.hasOwn(options, 'time_limit');
    let why: string;
    let fix: string;
    if (disabled) {
      why = 'the TimeLimit middleware is disabled in middleware.disable';
      fix = 'remove "TimeLimit" from middleware.disable';
    } else if (own && field(options, 'time_limit') === null) {
      why = 'its options.time_limit is null';
      fix = `set actors[${i}].options.time_limit to a limit in ms (e.g. 60000)`;
    } else if (!own && field(middleware, 'time_limit') === null) {
      why = 'middleware.time_limit is null and the actor sets no options.time_limit';
      fix = `set actors[${i}].options.time_limit or middleware.time_limit to a limit in ms (e.g. 60000)`;
    } else return;
    const name = nameOf(field(a, 'name'));
    for (const [rule, path] of rules) {
      if (field(rule, 'error') !== 'Timeout' || !canFire(rule)) continue;
      out.push({
        path,
        message: `"Timeout" makes the attempt run until its time limit interrupts it, but ${name === undefined ? 'this actor' : `actor "${name}"`} has no time limit (${why}), so the run would never become idle; ${fix}`,
      });
    }
  });
  return out;
}

/**
 * Validates scenario data (already parsed).
 * @throws ScenarioError listing every problem.
 */
export function parseScenario(data: unknown, file = '<scenario>'): Scenario {
  const parsed = ScenarioSchema.safeParse(data);
  // The semantic checks run even when the schema failed, on the parts that are well-formed, so
  // one pass lists every problem.
  const checked = parsed.success ? parsed.data : data;
  const problems = [
    ...(parsed.success ? [] : zodProblems(parsed.error, data)),
    ...referenceProblems(checked),
    ...timeoutProblems(checked),
  ];
  if (!parsed.success || problems.length > 0) throw new ScenarioError(file, problems);
  return parsed.data;
}

/**
 * Reads and validates a scenario file.
 * @throws RehearsalError `SCENARIO_NOT_FOUND`, `SCENARIO_NOT_JSON` (with line and column),
 *   ScenarioError `SCENARIO_INVALID`.
 */
export function loadScenario(file: string): Scenario {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new RehearsalError(
      'SCENARIO_NOT_FOUND',
      `cannot read scenario ${file}: ${(err as Error).message}`,
      { file },
    );
  }
  return parseScenarioText(text, file);
}

/** Parses JSON text and validates it (see `loadScenario`). */
export function parseScenarioText(text: string, file = '<scenario>'): Scenario {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    const msg = (err as Error).message;
    const pos = /position (\d+)/.exec(msg);
    let where = '';
    if (pos) {
      const upTo = text.slice(0, Number(pos[1]));
      const line = upTo.split('\n').length;
      const col = Number(pos[1]) - upTo.lastIndexOf('\n');
      where = ` at line ${line}, column ${col}`;
    }
    throw new RehearsalError('SCENARIO_NOT_JSON', `${file} is not valid JSON${where}: ${msg}`, {
      file,
    });
  }
  return parseScenario(data, file);
}
