/**
 * A `Transport` for the Engine API client over Node's `ws`: reconnects after a drop (as the
 * renderer's WebSocket transport does) and can drop its connection on purpose (a network fault).
 */
import WebSocket from 'ws';
import type { ClientFrame, Transport, TransportStatus } from '../../core/host/api/index.ts';

export class WsTransport implements Transport {
  status: TransportStatus = 'connecting';
  /** Connections opened so far. */
  opens = 0;
  private ws: WebSocket | null = null;
  private readonly frameListeners = new Set<(frame: unknown) => void>();
  private readonly statusListeners = new Set<(s: TransportStatus) => void>();

  constructor(
    private readonly url: string,
    private readonly reconnectDelayMs = 50,
  ) {
    this.connect();
  }

  private connect(): void {
    const ws = new WebSocket(this.url);
    this.ws = ws;
    ws.on('open', () => {
      this.opens++;
      this.setStatus('open');
    });
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data)) as unknown;
      for (const l of this.frameListeners) l(frame);
    });
    ws.on('close', () => {
      if (this.status === 'closed' || this.ws !== ws) return;
      this.setStatus('connecting');
      setTimeout(() => {
        if (this.status !== 'closed') this.connect();
      }, this.reconnectDelayMs);
    });
    ws.on('error', () => undefined);
  }

  private setStatus(s: TransportStatus): void {
    this.status = s;
    for (const l of this.statusListeners) l(s);
  }

  send(frame: ClientFrame): void {
    this.ws?.send(JSON.stringify(frame));
  }

  onFrame(listener: (frame: unknown) => void): () => void {
    this.frameListeners.add(listener);
    return () => this.frameListeners.delete(listener);
  }

  onStatus(listener: (s: TransportStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  /** Kills the socket as a network failure would; the transport reconnects. */
  drop(): void {
    this.ws?.terminate();
  }

  close(): void {
    this.setStatus('closed');
    this.ws?.close();
  }

  /** Resolves once the transport is open. */
  async opened(): Promise<void> {
    if (this.status === 'open') return;
    await new Promise<void>((resolve) => {
      const off = this.onStatus((s) => {
        if (s === 'open') {
          off();
          resolve();
        }
      });
    });
  }
}
