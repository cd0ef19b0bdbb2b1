/**
 * Electron main process: lifecycle only.
 *
 * 1. One instance: a second launch focuses the existing window and exits.
 * 2. One window, loading the built renderer (`dist/renderer/index.html`).
 * 3. Closing the last window quits the app (on every platform: there is no tray mode).
 *
 * The engine process and the frame relay arrive in a later release; until then the window shows
 * the renderer's placeholder page.
 */
import { app, type BrowserWindow } from 'electron';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMainWindow } from './window.ts';

// Bundled by scripts/build-electron.js to dist-electron/electron/, two levels below the app root.
const bundleDir = import.meta.dirname;
const appRoot = path.resolve(bundleDir, '..', '..');
const rendererIndex = path.join(appRoot, 'dist', 'renderer', 'index.html');
// A sandboxed preload must be CommonJS, hence the .cjs bundle next to this one.
const preloadPath = path.join(bundleDir, 'preload.cjs');

function openWindow(): BrowserWindow {
  return createMainWindow({ preloadPath, url: pathToFileURL(rendererIndex).href });
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  let mainWindow: BrowserWindow | undefined;

  app.on('second-instance', () => {
    if (mainWindow === undefined || mainWindow.isDestroyed()) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });

  app.on('window-all-closed', () => app.quit());

  app
    .whenReady()
    .then(() => {
      mainWindow = openWindow();
    })
    .catch((error: unknown) => {
      console.error('Rehearsal failed to start:', error);
      app.exit(1);
    });
}
