/**
 * Picks the transport for this page (the preload bridge in the desktop app, else the WebSocket
 * of `rehearsal serve`) and makes the one Engine API client over it.
 */
import {
  createEngineClient,
  type EngineClient,
  type Transport,
} from '../../core/host/api/index.ts';
import { browserTimer } from './browser-timer.ts';
import { findBridge, IpcTransport } from './ipc-transport.ts';
import { engineUrlFromPage, WsTransport } from './ws-transport.ts';

/** A connected client, its transport (for the connection banner), or why there is none. */
export type Connection =
  | { ok: true; client: EngineClient; transport: Transport & { attempts?: number } }
  | { ok: false; reason: string };

/** Connects this page to its engine. */
export function connect(w: Window): Connection {
  const bridge = findBridge(w);
  let transport: Transport;
  if (bridge) transport = new IpcTransport(bridge);
  else {
    const url = engineUrlFromPage(w.location);
    if (!url)
      return {
        ok: false,
        reason:
          'This page has no engine token. Open the URL that `rehearsal serve` printed (it ends in ?token=…).',
      };
    transport = new WsTransport(url);
  }
  return {
    ok: true,
    client: createEngineClient(transport, { timer: browserTimer }),
    transport,
  };
}
