/**
 * The Engine API transport of the desktop app: frames over the preload bridge (`window.rehearsal`,
 * electron/bridge-types.ts). The main process relays them to the same dispatcher the WebSocket
 * server uses, so the client cannot tell the two apart.
 *
 * Contract: the bridge is open for as long as the window lives; `close()` stops listening.
 */
import type { ClientFrame, Transport, TransportStatus } from '../../core/host/api/index.ts';

/** The part of `window.rehearsal` this transport uses (electron/bridge-types.ts, structurally). */
export type FrameBridge = {
  readonly version: string;
  send(frame: unknown): void;
  onFrame(listener: (frame: unknown) => void): () => void;
};

/** The preload bridge, when this page runs in the desktop app. */
export function findBridge(w: Window): FrameBridge | null {
  const candidate = (w as Window & { rehearsal?: unknown }).rehearsal;
  if (typeof candidate !== 'object' || candidate === null) return null;
  const b = candidate as Partial<FrameBridge>;
  return typeof b.send === 'function' && typeof b.onFrame === 'function'
    ? (b as FrameBridge)
    : null;
}

export class IpcTransport implements Transport {
  status: TransportStatus = 'open';
  private readonly off: () => void;
  private readonly frameListeners = new Set<(frame: unknown) => void>();
  private readonly statusListeners = new Set<(s: TransportStatus) => void>();

  constructor(private readonly bridge: FrameBridge) {
    this.off = bridge.onFrame((frame) => {
      for (const l of this.frameListeners) l(frame);
    });
  }

  send(frame: ClientFrame): void {
    this.bridge.send(frame);
  }

  onFrame(listener: (frame: unknown) => void): () => void {
    this.frameListeners.add(listener);
    return () => this.frameListeners.delete(listener);
  }

  onStatus(listener: (s: TransportStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  close(): void {
    this.off();
    this.status = 'closed';
    for (const l of this.statusListeners) l('closed');
  }
}
