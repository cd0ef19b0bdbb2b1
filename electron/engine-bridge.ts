/**
 * Relays Engine API frames between one window and the engine: nothing but frame relay, every
 * decision about a frame is core's dispatcher (the same one the WebSocket server uses).
 *
 * 1. Frames are accepted only from this window's own top-level page (its webContents, its main
 *    frame, on the app's URL) and only as plain JSON (security.ts `frameRelay`); anything else is
 *    dropped. The dispatcher validates what is relayed against the zod frame schemas.
 * 2. Each page gets a fresh dispatch session, made when its navigation commits (before its
 *    scripts run), so a reload drops the old page's subscriptions; `hello` is sent first.
 */
import { ipcMain, type BrowserWindow, type IpcMainEvent } from 'electron';
import { helloFrame, openSession, type DispatchSession, type EngineHost } from '../core/index.ts';
import { BridgeChannel } from './bridge-types.ts';
import { frameRelay } from './security.ts';

/** Connects `win` to `host`; returns the disconnector. */
export function attachEngine(win: BrowserWindow, host: EngineHost, appUrl: string): () => void {
  const contents = win.webContents;
  let session: DispatchSession | null = null;
  const send = (frame: unknown): void => {
    if (!win.isDestroyed()) contents.send(BridgeChannel.fromEngine, frame);
  };
  const fresh = (): void => {
    session?.close();
    session = openSession(host, send, {
      onInternalError: (err) => console.error('Rehearsal engine error:', err),
    });
    send(helloFrame());
  };
  const relay = frameRelay(contents, appUrl, (frame) => void session?.receive(frame));
  const onFrame = (event: IpcMainEvent, frame: unknown): void => void relay(event, frame);
  fresh();
  contents.on('did-navigate', fresh);
  ipcMain.on(BridgeChannel.toEngine, onFrame);
  return () => {
    ipcMain.removeListener(BridgeChannel.toEngine, onFrame);
    contents.removeListener('did-navigate', fresh);
    session?.close();
    session = null;
  };
}
