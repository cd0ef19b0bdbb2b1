/**
 * The one error shape that crosses the Engine API boundary: `{code, message, details}`.
 *
 * Contract:
 * 1. `code` is a stable SCREAMING_SNAKE string: the engine's own codes (`SCENARIO_INVALID`,
 *    `UNKNOWN_ACTOR`, `SEQ_OUT_OF_RANGE`…) pass through unchanged; the API adds the codes in
 *    {@link ApiErrorCode}.
 * 2. `message` names the bad thing and the fix; it never holds a stack trace.
 * 3. `details` is a JSON object; request validation errors carry `details.problems`, a list of
 *    `{path, message}` with paths written like `steps[0].actor` (relative to the params, or to the
 *    frame when `details.where` is `"frame"`).
 * 4. Every rejection of `EngineApi.call` is an {@link EngineApiError}, in process and remote alike.
 */
import { z } from 'zod';

/** Codes the API layer itself produces (the engine adds its own). */
export const ApiErrorCode = {
  /** The frame or the params do not match the schema; see `details.problems`. */
  BAD_REQUEST: 'BAD_REQUEST',
  /** No method of that name; `details.method`, maybe `details.suggestion`. */
  UNKNOWN_METHOD: 'UNKNOWN_METHOD',
  /** An unexpected failure inside the engine (a bug): the message only, never a stack. */
  INTERNAL: 'INTERNAL',
  /** Too many frames per second on one connection; retry later. */
  RATE_LIMITED: 'RATE_LIMITED',
  /** No response within the client's timeout. */
  TIMEOUT: 'TIMEOUT',
  /** The connection closed before the response arrived (the request may or may not have run). */
  DISCONNECTED: 'DISCONNECTED',
  /** The server answered with a frame or result that does not match the schema. */
  BAD_RESPONSE: 'BAD_RESPONSE',
  /** The server speaks another major API version. */
  VERSION_MISMATCH: 'VERSION_MISMATCH',
} as const;

/** The wire shape of an error (contract items 1–3). */
export const ApiErrorSchema = z.object({
  code: z.string().min(1),
  message: z.string(),
  details: z.record(z.string(), z.unknown()),
});

/** The wire shape of an error. */
export type ApiError = z.infer<typeof ApiErrorSchema>;

/** One validation problem: where (`steps[0].actor`) and what. */
export type ApiProblem = { path: string; message: string };

/** The error every `EngineApi.call` rejects with (contract item 4). */
export class EngineApiError extends Error {
  readonly code: string;
  readonly details: Record<string, unknown>;

  constructor(code: string, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'EngineApiError';
    this.code = code;
    this.details = details;
  }

  /** Rebuilds the error from its wire shape. */
  static fromWire(e: ApiError): EngineApiError {
    return new EngineApiError(e.code, e.message, e.details);
  }

  /** The wire shape (no stack). */
  toWire(): ApiError {
    return { code: this.code, message: this.message, details: this.details };
  }
}

/** `["steps", 0, "actor"]` → `steps[0].actor` (the engine's path style, see load-scenario.ts). */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out;
}

/** The problems of a zod error, with formatted paths (one per unknown key, at that key). */
export function zodProblems(error: z.ZodError): ApiProblem[] {
  return error.issues.flatMap((i) =>
    i.code === 'unrecognized_keys'
      ? i.keys.map((k) => ({ path: formatPath([...i.path, k]), message: 'unknown field' }))
      : [{ path: formatPath(i.path), message: i.message }],
  );
}

/** A `BAD_REQUEST` error listing `problems` (contract item 3). */
export function badRequest(
  what: string,
  problems: ApiProblem[],
  extra: Record<string, unknown> = {},
): EngineApiError {
  const list = problems.map((p) => `${p.path || '(top level)'}: ${p.message}`).join('; ');
  return new EngineApiError(ApiErrorCode.BAD_REQUEST, `${what}: ${list}`, {
    ...extra,
    problems,
  });
}
