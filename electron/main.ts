/**
 * Electron main process: lifecycle only.
 *
 * 1. One instance: a second launch focuses the existing window and exits.
 * 2. The engine (EngineHost) runs in this process, outside the sandboxed renderer, on a database
 *    in the user's data folder (or the file given as the first argument); the window talks to it
 *    only through the preload bridge and the frame relay (engine-bridge.ts).
 * 3. One window, loading the built renderer (`dist/renderer/index.html`).
 * 4. Closing the last window quits the app (on every platform: there is no tray mode) after the
 *    engine has closed its database.
 * 5. Security (Electron's checklist) lives in security.ts; window.ts and engine-bridge.ts apply it.
 */
import { app, type BrowserWindow } from 'electron';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { EngineHost } from '../core/index.ts';
import { attachEngine } from './engine-bridge.ts';
import { denyWebview, denyWindowOpen } from './security.ts';
import { createMainWindow } from './window.ts';

// Bundled by scripts/build-electron.js to dist-electron/electron/, two levels below the app root.
const bundleDir = import.meta.dirname;
const appRoot = path.resolve(bundleDir, '..', '..');
const rendererIndex = path.join(appRoot, 'dist', 'renderer', 'index.html');
// A sandboxed preload must be CommonJS, hence the .cjs bundle next to this one.
const preloadPath = path.join(bundleDir, 'preload.cjs');

/** The run database: `electron . FILE.db`, else rehearsal.db in the user's data folder. */
function dbFile(): string {
  const arg = process.argv.slice(app.isPackaged ? 1 : 2).find((a) => a.endsWith('.db'));
  return arg ? path.resolve(arg) : path.join(app.getPath('userData'), 'rehearsal.db');
}

// Every renderer is sandboxed, and no webContents (not only the main window's) opens windows or
// attaches a <webview> (security.ts).
app.enableSandbox();
app.on('web-contents-created', (_event, contents) => {
  contents.setWindowOpenHandler(denyWindowOpen);
  contents.on('will-attach-webview', denyWebview);
});

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  let mainWindow: BrowserWindow | undefined;
  let host: EngineHost | undefined;
  let detach: (() => void) | undefined;

  app.on('second-instance', () => {
    if (mainWindow === undefined || mainWindow.isDestroyed()) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });

  app.on('window-all-closed', () => {
    detach?.();
    void (host?.close() ?? Promise.resolve()).finally(() => app.quit());
  });

  app
    .whenReady()
    .then(async () => {
      host = await EngineHost.open({ db: dbFile() });
      const url = pathToFileURL(rendererIndex).href;
      mainWindow = createMainWindow({ preloadPath, url });
      detach = attachEngine(mainWindow, host, url);
    })
    .catch((error: unknown) => {
      console.error('Rehearsal failed to start:', error);
      app.exit(1);
    });
}
