/**
 * Preload script: exposes `window.rehearsal` to the sandboxed renderer.
 *
 * 1. Imports only `electron` and `./bridge-types.ts` (a sandboxed preload cannot load more).
 * 2. Exposes two functions, never `ipcRenderer` itself, so the page cannot use other channels.
 * 3. The exposed object is checked against {@link RehearsalBridge} with `satisfies`.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import {
  BRIDGE_GLOBAL,
  BRIDGE_VERSION,
  BridgeChannel,
  type RehearsalBridge,
} from './bridge-types.ts';

const bridge = {
  version: BRIDGE_VERSION,
  send(frame: unknown): void {
    ipcRenderer.send(BridgeChannel.toEngine, frame);
  },
  onFrame(listener: (frame: unknown) => void): () => void {
    const relay = (_event: IpcRendererEvent, frame: unknown): void => listener(frame);
    ipcRenderer.on(BridgeChannel.fromEngine, relay);
    return () => {
      ipcRenderer.removeListener(BridgeChannel.fromEngine, relay);
    };
  },
} satisfies RehearsalBridge;

contextBridge.exposeInMainWorld(BRIDGE_GLOBAL, bridge);
