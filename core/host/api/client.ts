/**
 * `createEngineClient`: the Engine API over any {@link Transport} (WebSocket, Electron IPC).
 *
 * Contract:
 * 1. Each call sends one `request` frame with a fresh id and settles when the `response` with that
 *    id arrives: with the result (validated against the method's schema) or an `EngineApiError`.
 *    `TIMEOUT` when none arrives in time; `DISCONNECTED` when the connection drops first (the
 *    request may or may not have run); `BAD_RESPONSE` when the answer does not match the schema.
 * 2. Calls made while the transport is connecting wait for it to open (within their timeout);
 *    calls on a closed transport reject at once with `DISCONNECTED`.
 * 3. Subscriptions survive reconnects: when the transport opens again, each one is re-sent from
 *    the last seq it delivered (and the run it belongs to), and events at or below that seq are
 *    dropped, so the caller sees every event once, in order, without a gap. A subscribe the server
 *    refuses (e.g. `RATE_LIMITED`) is tried again after a second (when a timer is given).
 * 4. Pure: no Node, no DOM, no ambient timers — the caller injects a timer (a core `Clock` fits).
 */
import { ApiErrorCode, EngineApiError } from './api-error.ts';
import type { EngineApi, ParamsArg, SubscribeOptions } from './engine-api.ts';
import { isRunChanged, type EngineEvent } from './events.ts';
import { parseResult, type MethodName, type MethodResult } from './methods.ts';
import {
  ServerFrameSchema,
  SubscribeResultSchema,
  type ClientFrame,
  type FrameId,
  type ResponseFrame,
} from './rpc.ts';
import { apiMajor, API_VERSION } from './version.ts';

/** Where a transport stands. `connecting` includes waiting to reconnect. */
export type TransportStatus = 'connecting' | 'open' | 'closed';

/**
 * Moves frames between a client and one engine. A reconnecting transport goes
 * `open → connecting → open`; `closed` is final.
 */
export interface Transport {
  readonly status: TransportStatus;
  /** Sends one frame; only called while `status` is `open`. */
  send(frame: ClientFrame): void;
  /** Calls `listener` with every frame received (unvalidated); returns the remover. */
  onFrame(listener: (frame: unknown) => void): () => void;
  /** Calls `listener` on every status change; returns the remover. */
  onStatus(listener: (status: TransportStatus) => void): () => void;
  /** Closes for good. */
  close(): void;
}

/** A one-shot timer source; `Clock` from core satisfies it. */
export type ClientTimer = {
  setTimer(delayMs: number, fn: () => void): { cancel(): void };
};

/** Options of `createEngineClient`. */
export type EngineClientOptions = {
  /** Needed for timeouts; without it calls wait for their response indefinitely. */
  timer?: ClientTimer;
  /** Default timeout per call, ms (default 30000). */
  timeoutMs?: number;
  /** Per-method timeouts, ms (defaults: 10 min for clock.runUntil, fork and loadScenario). */
  timeouts?: Partial<Record<MethodName, number>>;
};

/** An Engine API client. */
export interface EngineClient extends EngineApi {
  /** The server's API version from its `hello` frame (null until received). */
  readonly serverApiVersion: string | null;
  /** Rejects pending calls, drops subscriptions and closes the transport. */
  close(): void;
}

const LONG_MS = 600_000;
const SUBSCRIBE_RETRY_MS = 1000;
const DEFAULT_TIMEOUTS: Partial<Record<MethodName, number>> = {
  'clock.runUntil': LONG_MS,
  fork: LONG_MS,
  loadScenario: LONG_MS,
  openRun: LONG_MS,
};

type Pending = {
  /** Validates and resolves the result. */
  settle(frame: ResponseFrame): void;
  fail(err: EngineApiError): void;
  sent: boolean;
  frame: ClientFrame;
  timer: { cancel(): void } | null;
};

type Subscription = {
  onEvent: (e: EngineEvent) => void;
  lastSeq: number;
  runId: string | null;
  /** The id of the subscribe frame on the current connection. */
  remoteId: FrameId | null;
  closed: boolean;
};

/** Creates a client (see the module contract). */
export function createEngineClient(
  transport: Transport,
  opts: EngineClientOptions = {},
): EngineClient {
  let nextId = 1;
  let serverApiVersion: string | null = null;
  let versionError: EngineApiError | null = null;
  const pending = new Map<FrameId, Pending>();
  const subs = new Set<Subscription>();
  const byRemote = new Map<FrameId, Subscription>();

  const removePending = (id: FrameId): Pending | undefined => {
    const p = pending.get(id);
    if (p) {
      pending.delete(id);
      p.timer?.cancel();
    }
    return p;
  };

  const failAll = (sentOnly: boolean, err: () => EngineApiError): void => {
    for (const [id, p] of [...pending]) {
      if (sentOnly && !p.sent) continue;
      removePending(id);
      p.fail(err());
    }
  };

  const sendFrame = (id: FrameId, p: Pending): void => {
    if (transport.status !== 'open') return;
    p.sent = true;
    try {
      transport.send(p.frame);
    } catch (err) {
      removePending(id);
      p.fail(
        new EngineApiError(
          ApiErrorCode.DISCONNECTED,
          `could not send: ${(err as Error).message ?? String(err)}`,
        ),
      );
    }
  };

  /** Registers a frame awaiting its response; sends it now or once the transport opens. */
  const request = (
    frame: ClientFrame,
    timeoutMs: number | undefined,
    settle: (frame: ResponseFrame) => void,
    fail: (err: EngineApiError) => void,
  ): void => {
    const p: Pending = { settle, fail, sent: false, frame, timer: null };
    pending.set(frame.id, p);
    if (opts.timer && timeoutMs !== undefined && timeoutMs > 0) {
      p.timer = opts.timer.setTimer(timeoutMs, () => {
        if (!removePending(frame.id)) return;
        fail(
          new EngineApiError(
            ApiErrorCode.TIMEOUT,
            `no answer to ${frame.type === 'request' ? frame.method : frame.type} within ${timeoutMs} ms; is the engine still running?`,
            { timeoutMs },
          ),
        );
      });
    }
    sendFrame(frame.id, p);
  };

  const sendSubscribe = (sub: Subscription): void => {
    const id = nextId++;
    if (sub.remoteId !== null) byRemote.delete(sub.remoteId);
    sub.remoteId = id;
    byRemote.set(id, sub);
    const frame: ClientFrame = {
      type: 'subscribe',
      id,
      fromSeq: sub.lastSeq,
      ...(sub.runId !== null ? { runId: sub.runId } : {}),
    };
    request(
      frame,
      opts.timeoutMs ?? 30_000,
      (res) => {
        if (res.ok) {
          const parsed = SubscribeResultSchema.safeParse(res.result);
          if (parsed.success && sub.runId === null) sub.runId = parsed.data.runId;
        } else retrySubscribe(sub, id);
      },
      () => retrySubscribe(sub, id),
    );
  };

  /** A refused or unanswered subscribe (rate limit, timeout) is tried again a second later. */
  const retrySubscribe = (sub: Subscription, id: FrameId): void => {
    if (sub.remoteId === id) {
      byRemote.delete(id);
      sub.remoteId = null;
    }
    opts.timer?.setTimer(SUBSCRIBE_RETRY_MS, () => {
      if (!sub.closed && sub.remoteId === null && transport.status === 'open') sendSubscribe(sub);
    });
  };

  const deliver = (sub: Subscription, events: readonly EngineEvent[]): void => {
    for (const e of events) {
      if (sub.closed) return;
      if (isRunChanged(e)) {
        sub.runId = e.runId;
        sub.lastSeq = 0;
      } else if (e.seq <= sub.lastSeq) continue;
      else sub.lastSeq = e.seq;
      sub.onEvent(e);
    }
  };

  const onFrame = (raw: unknown): void => {
    const parsed = ServerFrameSchema.safeParse(raw);
    if (!parsed.success) {
      // A frame we cannot read: fail the request it answers, if we can tell which.
      const id = (raw as { id?: unknown } | null)?.id;
      if (typeof id === 'number' || typeof id === 'string') {
        const p = removePending(id);
        p?.fail(
          new EngineApiError(ApiErrorCode.BAD_RESPONSE, 'the engine sent a malformed response', {
            problems: parsed.error.issues.map((i) => ({
              path: i.path.join('.'),
              message: i.message,
            })),
          }),
        );
      }
      return;
    }
    const frame = parsed.data;
    if (frame.type === 'hello') {
      serverApiVersion = frame.apiVersion;
      versionError =
        apiMajor(frame.apiVersion) === apiMajor(API_VERSION)
          ? null
          : new EngineApiError(
              ApiErrorCode.VERSION_MISMATCH,
              `the engine speaks Engine API ${frame.apiVersion} but this client speaks ${API_VERSION}; use matching versions of the app and the engine`,
              { server: frame.apiVersion, client: API_VERSION },
            );
      return;
    }
    if (frame.type === 'events') {
      const sub = byRemote.get(frame.subscriptionId);
      if (sub) deliver(sub, frame.events as EngineEvent[]);
      return;
    }
    if (frame.id === null) return;
    removePending(frame.id)?.settle(frame);
  };

  const onStatus = (status: TransportStatus): void => {
    if (status === 'open') {
      for (const [id, p] of [...pending]) if (!p.sent) sendFrame(id, p);
      for (const sub of subs) sendSubscribe(sub);
      return;
    }
    // The connection is gone: requests in flight cannot be answered any more.
    const reason =
      status === 'closed'
        ? 'the connection to the engine is closed'
        : 'the connection to the engine dropped; reconnecting';
    failAll(status === 'connecting', () => new EngineApiError(ApiErrorCode.DISCONNECTED, reason));
    for (const sub of subs) if (sub.remoteId !== null) byRemote.delete(sub.remoteId);
    for (const sub of subs) sub.remoteId = null;
  };

  const offFrame = transport.onFrame(onFrame);
  const offStatus = transport.onStatus(onStatus);

  const client: EngineClient = {
    get serverApiVersion() {
      return serverApiVersion;
    },

    call<M extends MethodName>(method: M, ...args: ParamsArg<M>): Promise<MethodResult<M>> {
      return new Promise<MethodResult<M>>((resolve, reject) => {
        if (versionError) return reject(versionError);
        if (transport.status === 'closed')
          return reject(
            new EngineApiError(ApiErrorCode.DISCONNECTED, 'the connection to the engine is closed'),
          );
        const id = nextId++;
        const params = args[0];
        request(
          { type: 'request', id, method, ...(params === undefined ? {} : { params }) },
          opts.timeouts?.[method] ?? DEFAULT_TIMEOUTS[method] ?? opts.timeoutMs ?? 30_000,
          (res) => {
            if (!res.ok) return reject(EngineApiError.fromWire(res.error));
            const parsed = parseResult(method, res.result);
            if (parsed.ok) resolve(parsed.result);
            else
              reject(
                new EngineApiError(
                  ApiErrorCode.BAD_RESPONSE,
                  `the engine's result for ${method} does not match the API schema (is it another version?)`,
                  { method, problems: parsed.problems },
                ),
              );
          },
          reject,
        );
      });
    },

    subscribe(fromSeq, onEvent, subOpts: SubscribeOptions = {}) {
      const sub: Subscription = {
        onEvent,
        lastSeq: Math.max(0, Math.floor(fromSeq)),
        runId: subOpts.runId ?? null,
        remoteId: null,
        closed: false,
      };
      subs.add(sub);
      if (transport.status === 'open') sendSubscribe(sub);
      return () => {
        if (sub.closed) return;
        sub.closed = true;
        subs.delete(sub);
        const remote = sub.remoteId;
        if (remote === null) return;
        byRemote.delete(remote);
        sub.remoteId = null;
        if (transport.status !== 'open') return;
        const id = nextId++;
        request(
          { type: 'unsubscribe', id, subscriptionId: remote },
          opts.timeoutMs ?? 30_000,
          () => undefined,
          () => undefined,
        );
      };
    },

    close() {
      offFrame();
      offStatus();
      failAll(
        false,
        () => new EngineApiError(ApiErrorCode.DISCONNECTED, 'the engine client was closed'),
      );
      for (const sub of subs) sub.closed = true;
      subs.clear();
      byRemote.clear();
      transport.close();
    },
  };
  return client;
}
