/**
 * The security settings of every Rehearsal window, as data and pure functions: nothing here loads
 * Electron at run time (type imports only), so each item of Electron's security checklist
 * (https://www.electronjs.org/docs/latest/tutorial/security) is tested without the binary.
 *
 * Contract:
 * 1. Isolation: the renderer runs with `contextIsolation`, `sandbox`, `webSecurity`, and without
 *    Node (`nodeIntegration` off, also in workers and subframes), insecure content, `<webview>`,
 *    experimental or extra Blink features ({@link WEB_PREFERENCES}). The remote module does not
 *    exist (removed in Electron 14) and nothing enables it.
 * 2. A strict Content-Security-Policy: the page's own `<meta>` (renderer/index.html) and the same
 *    policy as a response header for anything served over HTTP ({@link withCsp}).
 * 3. No new windows ({@link denyWindowOpen}); navigation only to the app's own page
 *    ({@link isAppPage}); no `<webview>` attached.
 * 4. Every permission request and check is denied: Rehearsal needs none.
 * 5. IPC: a frame is relayed to the engine only when it comes from the app's own top-level page in
 *    this window ({@link isTrustedSender}) and is plain JSON within the size limit
 *    ({@link isRelayableFrame}); the dispatcher then validates it against the zod schemas of
 *    core/host/api/rpc.ts and answers `BAD_REQUEST` when it does not match.
 */
import type {
  BrowserWindowConstructorOptions,
  HandlerDetails,
  OnHeadersReceivedListenerDetails,
  WebContents,
  WebPreferences,
  WindowOpenHandlerResponse,
} from 'electron';

/** Web preferences of every window (contract item 1); `preload` is added per window. */
export const WEB_PREFERENCES = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  webviewTag: false,
  experimentalFeatures: false,
  enableBlinkFeatures: '',
  navigateOnDragDrop: false,
  safeDialogs: true,
  spellcheck: false,
} as const satisfies WebPreferences;

/** Options of the main window: size, title, and {@link WEB_PREFERENCES} with the preload. */
export function mainWindowOptions(preloadPath: string): BrowserWindowConstructorOptions {
  return {
    width: 1280,
    height: 800,
    minWidth: 800,
    minHeight: 500,
    show: false,
    title: 'Rehearsal',
    webPreferences: { ...WEB_PREFERENCES, preload: preloadPath },
  };
}

/**
 * The Content-Security-Policy of the app (contract item 2): only the app's own scripts and
 * styles, no plugins, no frames, no forms, no base URL; the engine is reached over IPC, so no
 * network connection is needed either.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "worker-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-src 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The response headers of `details` with the app's CSP set (for `webRequest.onHeadersReceived`). */
export function withCsp(details: Pick<OnHeadersReceivedListenerDetails, 'responseHeaders'>): {
  responseHeaders: Record<string, string[]>;
} {
  const headers: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(details.responseHeaders ?? {}))
    if (name.toLowerCase() !== 'content-security-policy') headers[name] = value;
  headers['Content-Security-Policy'] = [CONTENT_SECURITY_POLICY];
  return { responseHeaders: headers };
}

/** `setWindowOpenHandler`: no window ever opens another one (contract item 3). */
export function denyWindowOpen(_details?: HandlerDetails): WindowOpenHandlerResponse {
  return { action: 'deny' };
}

/**
 * True when `target` is the app's own page (contract item 3): for a `file:` app, the very same
 * file (a reload; query and hash may differ); for a dev server, the same origin.
 */
export function isAppPage(appUrl: string, target: string): boolean {
  let app: URL;
  let url: URL;
  try {
    app = new URL(appUrl);
    url = new URL(target);
  } catch {
    return false;
  }
  if (app.protocol === 'file:')
    return url.protocol === 'file:' && url.host === app.host && url.pathname === app.pathname;
  return url.origin === app.origin && (app.protocol === 'http:' || app.protocol === 'https:');
}

/** A `will-navigate` / `will-redirect` listener that stops navigation off the app's page. */
export function navigationGuard(
  appUrl: string,
): (event: { preventDefault(): void }, target: string) => void {
  return (event, target) => {
    if (!isAppPage(appUrl, target)) event.preventDefault();
  };
}

/** `will-attach-webview`: never (the tag is off too; this is the second lock). */
export function denyWebview(event: { preventDefault(): void }): void {
  event.preventDefault();
}

/** `setPermissionRequestHandler`: every request is denied (contract item 4). */
export function denyPermissionRequest(
  _contents: WebContents | null,
  _permission: string,
  callback: (granted: boolean) => void,
): void {
  callback(false);
}

/** `setPermissionCheckHandler`: every check is denied (contract item 4). */
export function denyPermissionCheck(): boolean {
  return false;
}

/** What an IPC event says about its sender (the part of `IpcMainEvent` checked here). */
export type IpcSender = {
  sender: unknown;
  senderFrame?: { url: string; parent: unknown } | null;
};

/**
 * True when an IPC message comes from this window's own top-level page (contract item 5): the
 * window's webContents, its main frame (not an iframe), showing the app's page.
 */
export function isTrustedSender(event: IpcSender, contents: unknown, appUrl: string): boolean {
  if (event.sender !== contents) return false;
  const frame = event.senderFrame;
  if (!frame || frame.parent !== null) return false;
  return isAppPage(appUrl, frame.url);
}

/** Largest frame relayed, in characters of JSON (as the WebSocket server's 1 MiB). */
export const MAX_FRAME_CHARS = 1024 * 1024;

/**
 * True when `frame` is plain JSON data (objects, arrays, strings, finite numbers, booleans, null)
 * of at most {@link MAX_FRAME_CHARS} characters (contract item 5). IPC's structured clone could
 * carry Maps, Dates, typed arrays or cycles; frames are JSON, like on the WebSocket.
 */
export function isRelayableFrame(frame: unknown): boolean {
  if (frame === null || typeof frame !== 'object' || Array.isArray(frame)) return false;
  if (!isPlainJson(frame, 0)) return false;
  try {
    return JSON.stringify(frame).length <= MAX_FRAME_CHARS;
  } catch {
    return false;
  }
}

function isPlainJson(v: unknown, depth: number): boolean {
  if (depth > 64) return false;
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return true;
  if (typeof v === 'number') return Number.isFinite(v);
  if (Array.isArray(v)) return v.every((x) => isPlainJson(x, depth + 1));
  if (typeof v !== 'object') return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  if (proto !== Object.prototype && proto !== null) return false;
  // An undefined property is left out by JSON, as an optional `params` is.
  return Object.values(v).every((x) => x === undefined || isPlainJson(x, depth + 1));
}

/**
 * The `ipcMain` listener of one window (contract item 5): relays trusted, plain-JSON frames to
 * `receive` (the dispatcher session) and drops everything else. Returns whether it relayed.
 */
export function frameRelay(
  contents: unknown,
  appUrl: string,
  receive: (frame: unknown) => void,
): (event: IpcSender, frame: unknown) => boolean {
  return (event, frame) => {
    if (!isTrustedSender(event, contents, appUrl) || !isRelayableFrame(frame)) return false;
    receive(frame);
    return true;
  };
}
