/**
 * The one dispatcher between a transport and an `EngineApi`: the WebSocket server and the
 * Electron engine process only move frames; everything with logic is here.
 *
 * Contract:
 * 1. Incoming frames (objects, or JSON text) are validated with the zod schemas of rpc.ts; every
 *    client frame gets exactly one `response`: a broken frame → `BAD_REQUEST` with the problem
 *    paths (`details.where: "frame"`, id null when no usable id); an unknown method →
 *    `UNKNOWN_METHOD`; bad params → `BAD_REQUEST` (`details.where: "params"`).
 * 2. Results are validated against the method's result schema before they leave (a mismatch is an
 *    engine bug: `INTERNAL`); every error leaves as `{code, message, details}` via `coerceError`
 *    (RehearsalError → its code, zod → `BAD_REQUEST`, anything else → `INTERNAL`, no stack).
 * 3. Subscriptions belong to their session: `subscribe` answers {subscriptionId, runId} and then
 *    sends the events in `events` frames (at most 1000 per frame), in seq order; `close()` ends
 *    them all. Events are batched per microtask, or over the session's `batchEvents` window: the
 *    WebSocket server waits one display frame, so a run played fast sends a few large frames
 *    instead of hundreds of one-event frames a second, each a task for the browser.
 * 4. With `rateLimit`, a session answers frames beyond `perSecond` (token bucket, burst =
 *    `perSecond`) with `RATE_LIMITED` and does not run them.
 */
import { ApiErrorCode, badRequest, EngineApiError, zodProblems } from './api/api-error.ts';
import type { EngineApi } from './api/engine-api.ts';
import type { EngineEvent } from './api/events.ts';
import { isMethodName, METHOD_NAMES, parseParams, parseResult } from './api/methods.ts';
import {
  ClientFrameSchema,
  FrameIdSchema,
  type FrameId,
  type HelloFrame,
  type ResponseFrame,
  type ServerFrame,
} from './api/rpc.ts';
import { API_VERSION } from './api/version.ts';
import { closest } from '../errors.ts';
import { coerceError } from './coerce-error.ts';

/** Options of `openSession`. */
export type SessionOptions = {
  /** Contract item 4; `now` is wall ms (a `Clock`'s `now`). */
  rateLimit?: { perSecond: number; now: () => number };
  /** Called with unexpected errors (the wire only gets `INTERNAL`). */
  onInternalError?: (err: unknown) => void;
  /**
   * Runs `flush` when the events buffered since the last frame should go out (contract item 3);
   * default: in a microtask.
   */
  batchEvents?: (flush: () => void) => void;
};

/** One connection's dispatcher. */
export interface DispatchSession {
  /** Handles one incoming frame (object or JSON text); resolves once it is answered. */
  receive(frame: unknown): Promise<void>;
  /** Ends every subscription of this session (idempotent). */
  close(): void;
}

/** Events per `events` frame. */
const EVENTS_PER_FRAME = 1000;

/** The frame a server sends first (rpc.ts item 2). */
export function helloFrame(): HelloFrame {
  return { type: 'hello', apiVersion: API_VERSION };
}

function errorFrame(id: FrameId | null, err: unknown): ResponseFrame {
  return { type: 'response', id, ok: false, error: coerceError(err) };
}

/** The id of a frame that failed validation, when it has a usable one. */
function salvageId(raw: unknown): FrameId | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const parsed = FrameIdSchema.safeParse((raw as { id?: unknown }).id);
  return parsed.success ? parsed.data : null;
}

/** Parses JSON text frames; objects pass through. */
function decode(raw: unknown): { ok: true; value: unknown } | { ok: false; error: EngineApiError } {
  if (typeof raw !== 'string') return { ok: true, value: raw };
  try {
    return { ok: true, value: JSON.parse(raw) as unknown };
  } catch (err) {
    return {
      ok: false,
      error: badRequest(
        'bad frame',
        [{ path: '', message: `not JSON: ${(err as Error).message}` }],
        { where: 'frame' },
      ),
    };
  }
}

/**
 * Answers one `request` frame (contract items 1 and 2): validates it, calls `api`, validates the
 * result. Never rejects.
 */
export async function dispatchRequest(
  api: EngineApi,
  raw: unknown,
  onInternalError?: (err: unknown) => void,
): Promise<ResponseFrame> {
  const decoded = decode(raw);
  if (!decoded.ok) return errorFrame(null, decoded.error);
  const frame = ClientFrameSchema.safeParse(decoded.value);
  if (!frame.success || frame.data.type !== 'request')
    return errorFrame(
      salvageId(decoded.value),
      badRequest(
        'bad request frame',
        frame.success
          ? [{ path: 'type', message: 'expected "request"' }]
          : zodProblems(frame.error),
        { where: 'frame' },
      ),
    );
  return answer(api, frame.data, onInternalError);
}

async function answer(
  api: EngineApi,
  frame: { id: FrameId; method: string; params?: unknown },
  onInternalError?: (err: unknown) => void,
): Promise<ResponseFrame> {
  const { id, method } = frame;
  if (!isMethodName(method)) {
    const hint = closest(method, METHOD_NAMES);
    return errorFrame(
      id,
      new EngineApiError(
        ApiErrorCode.UNKNOWN_METHOD,
        `no Engine API method "${method}"${hint ? ` — did you mean "${hint}"?` : ''}`,
        { method, ...(hint ? { suggestion: hint } : {}) },
      ),
    );
  }
  const params = parseParams(method, frame.params);
  if (!params.ok) return errorFrame(id, params.error);
  try {
    const call = api.call as (m: string, p: unknown) => Promise<unknown>;
    const result = await call.call(api, method, params.params);
    const checked = parseResult(method, result);
    if (!checked.ok)
      throw new Error(
        `the result of ${method} does not match its schema (${checked.problems.map((p) => `${p.path}: ${p.message}`).join('; ')})`,
      );
    return { type: 'response', id, ok: true, result: checked.result };
  } catch (err) {
    const wire = coerceError(err);
    if (wire.code === ApiErrorCode.INTERNAL) onInternalError?.(err);
    return { type: 'response', id, ok: false, error: wire };
  }
}

/** A dispatcher for one connection (see the module contract). */
export function openSession(
  api: EngineApi,
  send: (frame: ServerFrame) => void,
  opts: SessionOptions = {},
): DispatchSession {
  const subs = new Map<FrameId, { stop: () => void; buffer: EngineEvent[]; queued: boolean }>();
  let closed = false;
  let tokens = opts.rateLimit?.perSecond ?? 0;
  let refilledAt = opts.rateLimit?.now() ?? 0;

  const safeSend = (frame: ServerFrame): void => {
    if (closed) return;
    try {
      send(frame);
    } catch (err) {
      opts.onInternalError?.(err);
    }
  };

  const allow = (): boolean => {
    const rl = opts.rateLimit;
    if (!rl) return true;
    const now = rl.now();
    tokens = Math.min(rl.perSecond, tokens + ((now - refilledAt) * rl.perSecond) / 1000);
    refilledAt = now;
    if (tokens < 1) return false;
    tokens -= 1;
    return true;
  };

  const flush = (id: FrameId): void => {
    const sub = subs.get(id);
    if (!sub) return;
    sub.queued = false;
    while (sub.buffer.length > 0) {
      const events = sub.buffer.splice(0, EVENTS_PER_FRAME);
      safeSend({ type: 'events', subscriptionId: id, events });
    }
  };

  const subscribe = async (id: FrameId, fromSeq: number, runId?: string): Promise<void> => {
    if (subs.has(id))
      return safeSend(
        errorFrame(
          id,
          badRequest(
            'bad subscribe frame',
            [{ path: 'id', message: `subscription ${id} exists` }],
            {
              where: 'frame',
            },
          ),
        ),
      );
    const entry: { stop: () => void; buffer: EngineEvent[]; queued: boolean } = {
      stop: () => undefined,
      buffer: [],
      queued: false,
    };
    subs.set(id, entry);
    let current: string | null;
    try {
      // The run the caller's fromSeq refers to: the one it names, else the current one. If the run
      // changes before the stream starts, the feed sends run_changed (engine-api.ts item 3).
      current = runId ?? (await api.call('info')).runId;
    } catch (err) {
      subs.delete(id);
      return safeSend(errorFrame(id, err));
    }
    if (closed || subs.get(id) !== entry) return;
    safeSend({ type: 'response', id, ok: true, result: { subscriptionId: id, runId: current } });
    entry.stop = api.subscribe(
      fromSeq,
      (e) => {
        entry.buffer.push(e);
        if (entry.queued) return;
        entry.queued = true;
        (opts.batchEvents ?? queueMicrotask)(() => flush(id));
      },
      current === null ? {} : { runId: current },
    );
  };

  return {
    async receive(raw) {
      if (closed) return;
      const decoded = decode(raw);
      if (!decoded.ok) return safeSend(errorFrame(null, decoded.error));
      if (!allow())
        return safeSend(
          errorFrame(
            salvageId(decoded.value),
            new EngineApiError(
              ApiErrorCode.RATE_LIMITED,
              `more than ${opts.rateLimit!.perSecond} frames per second on this connection; slow down and retry`,
              { perSecond: opts.rateLimit!.perSecond },
            ),
          ),
        );
      const parsed = ClientFrameSchema.safeParse(decoded.value);
      if (!parsed.success)
        return safeSend(
          errorFrame(
            salvageId(decoded.value),
            badRequest('bad frame', zodProblems(parsed.error), { where: 'frame' }),
          ),
        );
      const frame = parsed.data;
      switch (frame.type) {
        case 'request':
          return safeSend(await answer(api, frame, opts.onInternalError));
        case 'subscribe':
          return subscribe(frame.id, frame.fromSeq, frame.runId);
        case 'unsubscribe': {
          const sub = subs.get(frame.subscriptionId);
          if (sub) {
            sub.stop();
            subs.delete(frame.subscriptionId);
          }
          return safeSend({
            type: 'response',
            id: frame.id,
            ok: true,
            result: { unsubscribed: sub !== undefined },
          });
        }
      }
    },
    close() {
      if (closed) return;
      closed = true;
      for (const sub of subs.values()) sub.stop();
      subs.clear();
    },
  };
}
