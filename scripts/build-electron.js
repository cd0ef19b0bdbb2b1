// Bundles the Electron main process (ESM) and the sandboxed preload (CommonJS, which a sandboxed
// preload requires) into dist-electron/electron/, the path package.json "main" points at.
import { build } from 'esbuild';

const outdir = 'dist-electron/electron';
const common = {
  bundle: true,
  platform: 'node',
  target: 'node22',
  sourcemap: true,
  logLevel: 'info',
  external: ['electron'],
};

await Promise.all([
  build({
    ...common,
    entryPoints: ['electron/main.ts'],
    outfile: `${outdir}/main.js`,
    format: 'esm',
    // Native and runtime dependencies (better-sqlite3, ws) load from node_modules at run time.
    packages: 'external',
  }),
  build({
    ...common,
    entryPoints: ['electron/preload.ts'],
    outfile: `${outdir}/preload.cjs`,
    format: 'cjs',
  }),
]);
