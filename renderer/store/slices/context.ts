/**
 * What every slice's actions get: the engine, the store's `set`/`get`, timers, and two ways to
 * call the engine — `call` shows a failure as a toast, `attempt` hands it back to a form.
 */
import {
  EngineApiError,
  type EngineApi,
  type MethodName,
  type MethodResult,
  type ParamsArg,
} from '../../../core/host/api/index.ts';
import type { AppData, AppState, Outcome } from '../types.ts';

/** One-shot timers and frames, injected so tests can run the store without a browser. */
export type Scheduler = {
  setTimer(delayMs: number, fn: () => void): { cancel(): void };
  /** Runs `fn` before the next paint (batching live events per animation frame). */
  frame(fn: () => void): void;
};

export type SliceContext = {
  api: EngineApi;
  set: (fn: (s: AppState) => Partial<AppData>) => void;
  get: () => AppState;
  schedule: Scheduler;
  /** Runs a method; on failure shows a toast and resolves undefined. */
  call<M extends MethodName>(
    method: M,
    ...params: ParamsArg<M>
  ): Promise<MethodResult<M> | undefined>;
  /** Runs a method; hands failures back. */
  attempt<M extends MethodName>(
    method: M,
    ...params: ParamsArg<M>
  ): Promise<Outcome<MethodResult<M>>>;
};

/** Any thrown value as an `EngineApiError` (the API only rejects with those; be safe anyway). */
export function asApiError(err: unknown): EngineApiError {
  if (err instanceof EngineApiError) return err;
  const e = err as { code?: unknown; message?: unknown; details?: unknown } | null;
  if (e && typeof e.code === 'string' && typeof e.message === 'string')
    return new EngineApiError(e.code, e.message, (e.details ?? {}) as Record<string, unknown>);
  return new EngineApiError('INTERNAL', err instanceof Error ? err.message : String(err));
}
