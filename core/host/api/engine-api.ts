/**
 * `EngineApi`: the one interface between the engine and any UI, derived from the method map.
 *
 * Contract:
 * 1. `call(method, params)` resolves with the method's result (validated against its schema) or
 *    rejects with an `EngineApiError` `{code, message, details}` — never anything else.
 * 2. `subscribe(fromSeq, onEvent)` delivers every journal event with `seq > fromSeq`, each once
 *    and in seq order: first the stored ones, then live ones as they are written, with no gap
 *    between the two. It returns a function that stops the stream (idempotent).
 * 3. With `opts.runId` (the run the caller's `fromSeq` belongs to), a subscriber whose run is no
 *    longer current first gets `run_changed` and then the current run from seq 1. Without it, the
 *    stream follows the current run from `fromSeq`. When the run changes during a subscription,
 *    `run_changed` is delivered and the new run's events follow from seq 1 (events.ts item 3).
 * 4. Implemented in process by `EngineHost` and over any transport by `createEngineClient`; one
 *    contract suite (test/host/engine-api.contract.ts) runs against both.
 */
import type { EngineEvent } from './events.ts';
import type { MethodName, MethodResult, ParamsIn } from './methods.ts';

/** The params argument of `call`: optional when every param is optional. */
export type ParamsArg<M extends MethodName> =
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- "accepts {}" is the test.
  {} extends ParamsIn<M> ? [params?: ParamsIn<M>] : [params: ParamsIn<M>];

/** Options of `subscribe` (contract item 3). */
export type SubscribeOptions = {
  /** The run `fromSeq` refers to; a different current run restarts the stream at seq 0. */
  runId?: string;
};

/** The Engine API (see the module contract). */
export interface EngineApi {
  /** Runs one method (contract item 1). */
  call<M extends MethodName>(method: M, ...params: ParamsArg<M>): Promise<MethodResult<M>>;
  /** Streams journal events after `fromSeq` (contract items 2 and 3); returns the unsubscriber. */
  subscribe(
    fromSeq: number,
    onEvent: (event: EngineEvent) => void,
    opts?: SubscribeOptions,
  ): () => void;
}
