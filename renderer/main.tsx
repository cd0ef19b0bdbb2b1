/**
 * Renderer entry: connect to the engine (preload bridge or WebSocket), create the store, render.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { z } from 'zod';
import { App } from './app/App.tsx';
import { StoreProvider } from './app/StoreProvider.tsx';
import { connect } from './engine/connect.ts';
import { createAppStore } from './store/create-app-store.ts';
import type { Theme } from './store/types.ts';
import './styles/global.css';

// The page's CSP forbids eval; tell zod not to try its JIT.
z.config({ jitless: true });

const THEME_KEY = 'rehearsal.theme';
const themeStorage = {
  get: (): Theme | null => {
    const v = localStorage.getItem(THEME_KEY);
    return v === 'dark' || v === 'light' ? v : null;
  },
  set: (t: Theme) => localStorage.setItem(THEME_KEY, t),
};
const prefersLight = window.matchMedia?.('(prefers-color-scheme: light)').matches ?? false;

const container = document.getElementById('root');
if (container === null) throw new Error('renderer/index.html has no #root element');

const conn = connect(window);
if (!conn.ok) {
  container.textContent = conn.reason;
} else {
  const store = createAppStore(conn.client, {
    connection: conn.transport,
    themeStorage,
    theme: prefersLight ? 'light' : 'dark',
  });
  // Tests and the screenshot script read the store through this handle.
  (window as Window & { __rehearsal?: unknown }).__rehearsal = { store };
  createRoot(container).render(
    <StrictMode>
      <StoreProvider store={store} api={conn.client}>
        <App />
      </StoreProvider>
    </StrictMode>,
  );
}
