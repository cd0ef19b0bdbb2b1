/**
 * Renderer entry: mounts the React tree into `#root`.
 *
 * Transport selection (Electron IPC or WebSocket) and the store arrive with the engine UI.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App.tsx';
import './styles/global.css';

const container = document.getElementById('root');
if (container === null) throw new Error('renderer/index.html has no #root element');

createRoot(container).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
