/**
 * The contract between the preload script and the renderer, in one place.
 *
 * 1. `window.rehearsal` is exactly a {@link RehearsalBridge}; the preload checks this with
 *    `satisfies`, so a drift between the two is a compile error.
 * 2. The bridge carries Engine API frames (core/host/api/rpc.ts), nothing else: the renderer's
 *    client sends request/subscribe frames, the main process answers with the frames the
 *    dispatcher produces. Everything that crosses is JSON: no class instances, Maps, Errors or
 *    Buffers. Frames are validated by the dispatcher in the main process (dispatch.ts).
 * 3. Channel names are the only strings main and preload share; both import them from here.
 *
 * This module must stay free of imports so the sandboxed preload can bundle it without pulling in
 * anything else.
 */

/** The object the preload exposes on `window.rehearsal`. */
export type RehearsalBridge = {
  /** The bridge protocol version (frames of Engine API 1.x). */
  readonly version: string;
  /** Sends one Engine API client frame to the engine. */
  send(frame: unknown): void;
  /** Calls `listener` with every frame the engine sends; returns the remover. */
  onFrame(listener: (frame: unknown) => void): () => void;
};

/** The bridge protocol version. */
export const BRIDGE_VERSION = '1';

/** IPC channel names shared by `main.ts`, `engine-bridge.ts` and `preload.ts`. */
export const BridgeChannel = {
  /** renderer → main: one client frame (request, subscribe, unsubscribe). */
  toEngine: 'rehearsal:to-engine',
  /** main → renderer: one server frame (hello, response, events). */
  fromEngine: 'rehearsal:from-engine',
} as const;

/** The name under which the preload exposes the bridge on `window`. */
export const BRIDGE_GLOBAL = 'rehearsal';
