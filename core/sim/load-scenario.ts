/**
 * Loading a scenario file: parse, validate with zod, check cross references, and report every
 * problem with the file and its JSON path (`actors[2].options.max_retries: expected a
 * non-negative integer`), with a suggestion for misspelled names. Nothing is written anywhere.
 */
import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { QUEUE_NAME_PATTERN } from '../broker/queue-names.ts';
import { closest, RehearsalError } from '../errors.ts';
import { ScenarioSchema, type Scenario, type SendEntry } from './scenario-schema.ts';

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

/** Every key a strict object at `path` of the schema accepts (for "did you mean"). */
function knownKeysAt(issue: z.core.$ZodIssue, data: unknown): string[] {
  // Walk the input to the object that had the unknown key, then ask the schema shape by path.
  void data;
  const shapes: Record<string, string[]> = {
    '': Object.keys(ScenarioSchema.shape),
    'actors[]': ['name', 'queue', 'priority', 'options', 'behavior'],
    'actors[].options': [
      'max_retries',
      'min_backoff',
      'max_backoff',
      'retry_when',
      'throws',
      'on_retry_exhausted',
      'max_age',
      'time_limit',
      'notify_shutdown',
      'on_success',
      'on_failure',
      'pipe_ignore',
      'store_results',
      'result_ttl',
    ],
    'actors[].behavior': ['duration', 'fail', 'retry', 'skip', 'result', 'enqueue'],
    'workers[]': ['queues', 'threads', 'processes'],
    middleware: [
      'max_age',
      'time_limit',
      'notify_shutdown',
      'max_retries',
      'min_backoff',
      'max_backoff',
      'store_results',
      'result_ttl',
      'barrier_ttl',
      'disable',
    ],
    'messages[]': [
      'actor',
      'args',
      'kwargs',
      'at',
      'delay',
      'options',
      'id',
      'pipeline',
      'group',
      'on_complete',
      'raw',
    ],
    'arrivals[]': ['actor', 'process', 'rate', 'count', 'at', 'args', 'kwargs', 'options', 'id'],
  };
  const generic = formatPath(issue.path).replace(/\[\d+\]/g, '[]');
  return shapes[generic] ?? [];
}

function zodProblems(error: z.ZodError, data: unknown): ScenarioProblem[] {
  const out: ScenarioProblem[] = [];
  for (const issue of error.issues) {
    const path = formatPath(issue.path);
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const known = knownKeysAt(issue, data);
        const hint = closest(key, known);
        out.push({
          path: path ? `${path}.${key}` : key,
          message: `unknown field${hint ? ` — did you mean "${hint}"?` : known.length ? ` (expected one of: ${known.join(', ')})` : ''}`,
        });
      }
    } else if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      // Report the branch that got furthest: the one with the fewest issues.
      const best = [...issue.errors].sort((a, b) => a.length - b.length)[0]!;
      for (const sub of best)
        out.push({ path: formatPath([...issue.path, ...sub.path]), message: sub.message });
    } else out.push({ path, message: issue.message });
  }
  return out;
}

/** Cross-reference checks zod cannot express. */
function referenceProblems(s: Scenario): ScenarioProblem[] {
  const out: ScenarioProblem[] = [];
  const names = s.actors.map((a) => a.name);
  const known = new Set(names);
  const check = (name: string | undefined, path: string): void => {
    if (name === undefined || known.has(name)) return;
    const hint = closest(name, names);
    out.push({
      path,
      message: `unknown actor "${name}"${hint ? ` — did you mean "${hint}"?` : ` (declared actors: ${names.join(', ')})`}`,
    });
  };
  s.actors.forEach((a, i) => {
    if (names.indexOf(a.name) !== i)
      out.push({ path: `actors[${i}].name`, message: `duplicate actor name "${a.name}"` });
    if (!QUEUE_NAME_PATTERN.test(a.queue))
      out.push({
        path: `actors[${i}].queue`,
        message: `queue name "${a.queue}" is not allowed: it must start with a letter or underscore and contain only letters, digits, dots, underscores and dashes`,
      });
    for (const k of ['on_success', 'on_failure', 'on_retry_exhausted'] as const)
      check(a.options[k], `actors[${i}].options.${k}`);
    (a.behavior.enqueue ?? []).forEach((e, j) =>
      checkSend(e, `actors[${i}].behavior.enqueue[${j}]`, check),
    );
  });
  s.messages.forEach((m, i) => checkSend(m, `messages[${i}]`, check));
  s.arrivals.forEach((a, i) => check(a.actor, `arrivals[${i}].actor`));
  const queues = new Set(s.actors.map((a) => a.queue));
  s.workers.forEach((w, i) =>
    (w.queues ?? []).forEach((q, j) => {
      if (!queues.has(q)) {
        const hint = closest(q, [...queues]);
        out.push({
          path: `workers[${i}].queues[${j}]`,
          message: `no actor uses queue "${q}"${hint ? ` — did you mean "${hint}"?` : ''}`,
        });
      }
    }),
  );
  const ids = new Map<string, string>();
  s.messages.forEach((m, i) => {
    if (m.id === undefined) return;
    if (ids.has(m.id))
      out.push({
        path: `messages[${i}].id`,
        message: `duplicate message id "${m.id}" (also ${ids.get(m.id)})`,
      });
    else ids.set(m.id, `messages[${i}].id`);
  });
  return out;
}

function checkSend(
  e: SendEntry,
  path: string,
  check: (name: string | undefined, path: string) => void,
): void {
  check(e.actor, `${path}.actor`);
  e.pipeline?.forEach((st, k) => check(st.actor, `${path}.pipeline[${k}].actor`));
  e.group?.forEach((c, k) => {
    if ('pipeline' in c)
      c.pipeline.forEach((st, j) => check(st.actor, `${path}.group[${k}].pipeline[${j}].actor`));
    else check(c.actor, `${path}.group[${k}].actor`);
  });
  if (e.on_complete) check(e.on_complete.actor, `${path}.on_complete.actor`);
}

/**
 * Validates scenario data (already parsed).
 * @throws ScenarioError listing every problem.
 */
export function parseScenario(data: unknown, file = '<scenario>'): Scenario {
  const parsed = ScenarioSchema.safeParse(data);
  if (!parsed.success) throw new ScenarioError(file, zodProblems(parsed.error, data));
  const problems = referenceProblems(parsed.data);
  if (problems.length > 0) throw new ScenarioError(file, problems);
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
