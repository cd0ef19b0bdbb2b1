/**
 * The contract between the preload script and the renderer, in one place.
 *
 * 1. `window.rehearsal` is exactly a {@link RehearsalBridge}; the preload checks this with
 *    `satisfies`, so a drift between the two is a compile error.
 * 2. Everything that crosses the bridge is JSON: no class instances, Maps, Errors or Buffers.
 * 3. Channel names are the only strings main and preload share; both import them from here.
 *
 * This module must stay free of imports so the sandboxed preload can bundle it without pulling in
 * anything else.
 */

/**
 * The object the preload exposes on `window.rehearsal`.
 *
 * `call` sends one Engine API request and resolves with its JSON result (or rejects with a
 * `{code, message, details}` error). `subscribe` streams journal events starting after `fromSeq`
 * and returns a function that stops the stream.
 */
export type RehearsalBridge = {
  /** The Engine API version the main process speaks (see `core/host/api/version.ts`). */
  readonly version: string;
  /** Sends one request frame and resolves with the response's result. */
  call(method: string, params: unknown): Promise<unknown>;
  /** Streams events with `seq > fromSeq` to `onEvent`; the returned function unsubscribes. */
  subscribe(fromSeq: number, onEvent: (e: unknown) => void): () => void;
};

/** IPC channel names shared by `main.ts` and `preload.ts`. */
export const BridgeChannel = {
  /** renderer → main, invoke: one Engine API request; resolves with the response frame. */
  call: 'rehearsal:call',
  /** renderer → main, send: start streaming events from a sequence number. */
  subscribe: 'rehearsal:subscribe',
  /** renderer → main, send: stop a stream started by `subscribe`. */
  unsubscribe: 'rehearsal:unsubscribe',
  /** main → renderer: one journal event for a subscription. */
  event: 'rehearsal:event',
} as const;

/** The name under which the preload exposes the bridge on `window`. */
export const BRIDGE_GLOBAL = 'rehearsal';
