/**
 * Preload script: exposes `window.rehearsal` to the sandboxed renderer.
 *
 * 1. Imports only `electron` and `./bridge-types.ts` (a sandboxed preload cannot load more).
 * 2. Exposes functions, never `ipcRenderer` itself, so the page cannot send arbitrary channels.
 * 3. The exposed object is checked against {@link RehearsalBridge} with `satisfies`.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { BRIDGE_GLOBAL, BridgeChannel, type RehearsalBridge } from './bridge-types.ts';

let nextSubscriptionId = 1;

const bridge = {
  version: '0',
  call(method: string, params: unknown): Promise<unknown> {
    return ipcRenderer.invoke(BridgeChannel.call, { method, params });
  },
  subscribe(fromSeq: number, onEvent: (e: unknown) => void): () => void {
    const id = nextSubscriptionId++;
    const listener = (_event: IpcRendererEvent, subscriptionId: number, payload: unknown): void => {
      if (subscriptionId === id) onEvent(payload);
    };
    ipcRenderer.on(BridgeChannel.event, listener);
    ipcRenderer.send(BridgeChannel.subscribe, { id, fromSeq });
    return () => {
      ipcRenderer.removeListener(BridgeChannel.event, listener);
      ipcRenderer.send(BridgeChannel.unsubscribe, { id });
    };
  },
} satisfies RehearsalBridge;

contextBridge.exposeInMainWorld(BRIDGE_GLOBAL, bridge);
