/**
 * BrowserWindow factory with the security settings every Rehearsal window must have.
 *
 * 1. The renderer is sandboxed: `contextIsolation`, `sandbox`, no `nodeIntegration`, `webSecurity`.
 * 2. Windows never open other windows, and never navigate away from the app's own origin.
 * 3. Every permission request (camera, notifications, …) is denied: the app needs none.
 */
import { BrowserWindow, type Session } from 'electron';

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
 * Navigation is allowed only to URLs with the same origin as `url` (for `file:` URLs, only other
 * `file:` URLs); everything else is blocked. `window.open` is always denied.
 */
export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 800,
    minWidth: 800,
    minHeight: 500,
    show: false,
    title: 'Rehearsal',
    webPreferences: {
      preload: options.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  });

  const appUrl = new URL(options.url);
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  win.webContents.on('will-navigate', (event, target) => {
    if (!isSameOrigin(appUrl, target)) event.preventDefault();
  });
  win.webContents.on('will-redirect', (event, target) => {
    if (!isSameOrigin(appUrl, target)) event.preventDefault();
  });
  denyAllPermissions(win.webContents.session);

  win.once('ready-to-show', () => win.show());
  void win.loadURL(options.url);
  return win;
}

/** True when `target` is on the app's own origin; `file:` origins compare by protocol only. */
function isSameOrigin(appUrl: URL, target: string): boolean {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return false;
  }
  if (appUrl.protocol === 'file:') return url.protocol === 'file:';
  return url.origin === appUrl.origin;
}

/** Denies every permission request and check for `session`: Rehearsal needs no permissions. */
function denyAllPermissions(session: Session): void {
  session.setPermissionRequestHandler((_webContents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}
