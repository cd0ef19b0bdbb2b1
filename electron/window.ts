/**
 * BrowserWindow factory with the security settings every Rehearsal window must have; the settings
 * and handlers themselves are data and pure functions in security.ts (tested without Electron).
 *
 * 1. The renderer is sandboxed: `contextIsolation`, `sandbox`, no `nodeIntegration`, `webSecurity`.
 * 2. Windows never open other windows, never attach a `<webview>`, and never navigate away from
 *    the app's own page.
 * 3. Every permission request (camera, notifications, …) is denied: the app needs none.
 * 4. Responses carry the app's Content-Security-Policy (the page's `<meta>` holds it too, for
 *    `file:` loads, which have no headers).
 */
import { BrowserWindow, type Session } from 'electron';
import {
  denyPermissionCheck,
  denyPermissionRequest,
  denyWebview,
  denyWindowOpen,
  mainWindowOptions,
  navigationGuard,
  withCsp,
} from './security.ts';

/** Options for {@link createMainWindow}. */
export type MainWindowOptions = {
  /** Absolute path to the bundled preload script. */
  readonly preloadPath: string;
  /** The URL the window loads (a `file:` URL of `dist/renderer/index.html`, or a dev server). */
  readonly url: string;
};

/**
 * Creates the main window, installs navigation and permission guards, and loads `url`.
 *
 * Navigation is allowed only to the app's own page (security.ts `isAppPage`); everything else is
 * blocked. `window.open` is always denied.
 */
export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const win = new BrowserWindow(mainWindowOptions(options.preloadPath));
  const contents = win.webContents;
  contents.setWindowOpenHandler(denyWindowOpen);
  const guard = navigationGuard(options.url);
  contents.on('will-navigate', guard);
  contents.on('will-redirect', guard);
  contents.on('will-attach-webview', denyWebview);
  harden(contents.session);

  win.once('ready-to-show', () => win.show());
  void win.loadURL(options.url);
  return win;
}

/** Denies every permission request and check for `session`, and sets the CSP on responses. */
function harden(session: Session): void {
  session.setPermissionRequestHandler(denyPermissionRequest);
  session.setPermissionCheckHandler(denyPermissionCheck);
  session.webRequest.onHeadersReceived((details, callback) => callback(withCsp(details)));
}
