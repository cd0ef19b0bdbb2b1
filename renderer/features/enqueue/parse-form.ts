/**
 * The enqueue form's fields → `enqueue` params, or an error per field. Pure: nothing is sent
 * unless every field is valid (invalid JSON shows inline and sends nothing).
 */
import type { ParamsIn } from '../../../core/host/api/index.ts';
import type { EnqueueDraft } from '../../store/types.ts';

export type FormErrors = Partial<Record<keyof EnqueueDraft, string>>;

export type Parsed = { ok: true; params: ParamsIn<'enqueue'> } | { ok: false; errors: FormErrors };

/** Where a JSON.parse error points, as "line L, column C" when the engine says a position. */
function jsonError(text: string, err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  const pos = /position (\d+)/.exec(msg);
  if (pos) {
    const i = Number(pos[1]);
    const before = text.slice(0, i);
    const line = before.split('\n').length;
    const col = i - before.lastIndexOf('\n');
    return `invalid JSON at line ${line}, column ${col}: ${msg.replace(/ in JSON at position \d+.*$/, '')}`;
  }
  return `invalid JSON: ${msg}`;
}

function parseJson(
  text: string,
  fallback: unknown,
): { ok: true; value: unknown } | { ok: false; error: string } {
  if (text.trim() === '') return { ok: true, value: fallback };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (err) {
    return { ok: false, error: jsonError(text, err) };
  }
}

function parseInt0(
  text: string,
  what: string,
  errors: FormErrors,
  key: keyof EnqueueDraft,
): number | undefined {
  if (text.trim() === '') return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) {
    errors[key] = `${what} is a whole number ≥ 0`;
    return undefined;
  }
  return n;
}

/** Validates the form (see the module comment). */
export function parseEnqueueForm(d: EnqueueDraft): Parsed {
  const errors: FormErrors = {};
  const actor = d.actor.trim();
  if (actor === '') errors.actor = 'pick an actor';
  const args = parseJson(d.args, []);
  if (!args.ok) errors.args = args.error;
  else if (!Array.isArray(args.value)) errors.args = 'args is a JSON array, e.g. [1, "two"]';
  const kwargs = parseJson(d.kwargs, {});
  if (!kwargs.ok) errors.kwargs = kwargs.error;
  else if (typeof kwargs.value !== 'object' || kwargs.value === null || Array.isArray(kwargs.value))
    errors.kwargs = 'kwargs is a JSON object, e.g. {"to": "ada@example.com"}';
  const delayMs = parseInt0(d.delayMs, 'the delay', errors, 'delayMs');
  const priority = parseInt0(d.priority, 'the priority', errors, 'priority');
  const maxRetries = parseInt0(d.maxRetries, 'max_retries', errors, 'maxRetries');
  const minBackoff = parseInt0(d.minBackoffMs, 'min_backoff', errors, 'minBackoffMs');
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const options: Record<string, unknown> = {};
  if (maxRetries !== undefined) options.max_retries = maxRetries;
  if (minBackoff !== undefined) options.min_backoff = minBackoff;
  if (priority !== undefined) options.broker_priority = priority;
  const params: ParamsIn<'enqueue'> = {
    actor,
    args: args.ok ? (args.value as unknown[]) : [],
    kwargs: kwargs.ok ? (kwargs.value as Record<string, unknown>) : {},
  };
  if (delayMs !== undefined && delayMs > 0) params.delayMs = delayMs;
  if (Object.keys(options).length > 0) params.options = options;
  if (d.label.trim() !== '') params.label = d.label.trim();
  return { ok: true, params };
}
