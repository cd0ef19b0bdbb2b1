/**
 * The Engine API transport of the browser: a WebSocket to the `rehearsal serve` that served the page.
 *
 * Contract:
 * 1. Connects to `ws://<page host>/ws?token=<the page's ?token=>`; the server refuses anything
 *    else (ws-server.ts items 2 and 3).
 * 2. A dropped connection is retried with exponential backoff (250 ms doubling to 5 s, ±20 %
 *    jitter), going `open → connecting → open`; `close()` is final. The client re-subscribes from
 *    the last seq it delivered (client.ts item 3), so nothing is missed or repeated.
 * 3. `attempts` counts failed tries since the last open (the connection banner shows it).
 */
import type { ClientFrame, Transport, TransportStatus } from '../../core/host/api/index.ts';

/** Reconnect delays, ms. */
const FIRST_RETRY_MS = 250;
const MAX_RETRY_MS = 5000;

/** The WebSocket URL of the engine that served this page, or null without a token. */
export function engineUrlFromPage(location: Pick<Location, 'host' | 'search'>): string | null {
  const token = new URLSearchParams(location.search).get('token');
  if (!token) return null;
  return `ws://${location.host}/ws?token=${encodeURIComponent(token)}`;
}

/** Backoff before retry `attempt` (1-based), ms, with ±20 % jitter from `random` in [0, 1). */
export function reconnectDelayMs(attempt: number, random: number): number {
  const base = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (0.8 + 0.4 * random));
}

export class WsTransport implements Transport {
  status: TransportStatus = 'connecting';
  /** Failed connection attempts since the last successful open (contract item 3). */
  attempts = 0;
  private ws: WebSocket | null = null;
  private retryTimer: number | null = null;
  private readonly frameListeners = new Set<(frame: unknown) => void>();
  private readonly statusListeners = new Set<(s: TransportStatus) => void>();

  constructor(private readonly url: string) {
    this.connect();
  }

  private connect(): void {
    const ws = new WebSocket(this.url);
    this.ws = ws;
    ws.onopen = () => {
      if (this.ws !== ws) return;
      this.attempts = 0;
      this.setStatus('open');
    };
    ws.onmessage = (ev: MessageEvent) => {
      if (this.ws !== ws || typeof ev.data !== 'string') return;
      let frame: unknown;
      try {
        frame = JSON.parse(ev.data);
      } catch {
        return;
      }
      for (const l of this.frameListeners) l(frame);
    };
    ws.onclose = () => {
      if (this.ws !== ws || this.status === 'closed') return;
      this.ws = null;
      this.attempts++;
      this.setStatus('connecting');
      this.retryTimer = window.setTimeout(
        () => {
          this.retryTimer = null;
          if (this.status !== 'closed') this.connect();
        },
        reconnectDelayMs(this.attempts, Math.random()),
      );
    };
  }

  private setStatus(s: TransportStatus): void {
    if (this.status === s) return;
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

  close(): void {
    if (this.retryTimer !== null) window.clearTimeout(this.retryTimer);
    this.setStatus('closed');
    const ws = this.ws;
    this.ws = null;
    ws?.close();
  }
}
