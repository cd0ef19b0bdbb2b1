import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

/**
 * Relaxes the CSP of renderer/index.html for `vite dev` only: the dev server injects an inline
 * React Refresh preamble and inline <style> tags, which the production policy rightly forbids.
 * Production builds keep the strict policy untouched.
 */
function devCsp(): Plugin {
  return {
    name: 'rehearsal:dev-csp',
    apply: 'serve',
    transformIndexHtml(html) {
      return html
        .replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")
        .replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
        .replace("connect-src 'self'", "connect-src 'self' ws://localhost:*");
    },
  };
}

// The renderer is a plain static bundle: Electron loads dist/renderer/index.html over file://,
// and `rehearsal serve` serves the same files, so asset URLs must be relative.
export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react(), devCsp()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
  },
  server: {
    host: '127.0.0.1',
  },
});
