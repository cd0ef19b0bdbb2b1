/**
 * Turning anything thrown into the API's `{code, message, details}` (STYLE.md habit 5; actual's
 * `coerceError`).
 *
 * Contract:
 * 1. `EngineApiError` and `RehearsalError` keep their code, message and details (details made
 *    JSON: a value that cannot be serialized is dropped).
 * 2. A `ZodError` is a `BAD_REQUEST` listing its problems with their paths.
 * 3. Anything else is `INTERNAL` with the error's one-line message and its class name, never its
 *    stack: the engine logs the full error, the wire gets only what a user can act on.
 */
import { z } from 'zod';
import { RehearsalError } from '../errors.ts';
import {
  ApiErrorCode,
  badRequest,
  EngineApiError,
  zodProblems,
  type ApiError,
} from './api/api-error.ts';

/** JSON-safe copy of `details` (contract item 1). */
function jsonDetails(details: unknown): Record<string, unknown> {
  if (typeof details !== 'object' || details === null) return {};
  try {
    const copy = JSON.parse(JSON.stringify(details)) as unknown;
    return typeof copy === 'object' && copy !== null && !Array.isArray(copy)
      ? (copy as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

/** The first line of a message, capped, so nothing stack-like leaks (contract item 3). */
function firstLine(text: string): string {
  const line = text.split('\n')[0] ?? '';
  return line.length > 500 ? `${line.slice(0, 500)}…` : line;
}

/** Maps any thrown value to the wire error (see the module contract). */
export function coerceError(err: unknown): ApiError {
  if (err instanceof EngineApiError || err instanceof RehearsalError)
    return { code: err.code, message: err.message, details: jsonDetails(err.details) };
  if (err instanceof z.ZodError) return badRequest('bad request', zodProblems(err)).toWire();
  const name = err instanceof Error ? err.name : typeof err;
  const text = err instanceof Error ? err.message : String(err);
  return {
    code: ApiErrorCode.INTERNAL,
    message: `internal error (${name}): ${firstLine(text)}; this is a bug in the engine, see its log`,
    details: {},
  };
}

/** `coerceError` as a throwable `EngineApiError`. */
export function toEngineApiError(err: unknown): EngineApiError {
  return err instanceof EngineApiError ? err : EngineApiError.fromWire(coerceError(err));
}

/** True when `err` would become `INTERNAL` (an unexpected failure worth logging in full). */
export function isUnexpected(err: unknown): boolean {
  return !(
    err instanceof EngineApiError ||
    err instanceof RehearsalError ||
    err instanceof z.ZodError
  );
}
