// Bundles the Electron main process (ESM) and the sandboxed preload (CommonJS, which a sandboxed
// preload requires) into dist-electron/electron/, the path package.json "main" points at.
import { readFileSync } from 'node:fs';
import { dirname, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

// The engine reads files next to its sources at run time (the migrations' .sql files, the
// scenario gallery, the built renderer), found from `import.meta.url`. In one bundle every module
// would share the bundle's URL, so each source keeps its own location instead.
const sourceUrls = {
  name: 'rehearsal-source-urls',
  setup(b) {
    b.onLoad({ filter: /\.[cm]?tsx?$/ }, (args) => {
      if (args.path.includes(`${sep}node_modules${sep}`)) return undefined;
      const text = readFileSync(args.path, 'utf8')
        .replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href))
        .replaceAll('import.meta.dirname', JSON.stringify(dirname(args.path)))
        .replaceAll('import.meta.filename', JSON.stringify(args.path));
      return { contents: text, loader: args.path.endsWith('x') ? 'tsx' : 'ts' };
    });
  },
};

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
    plugins: [sourceUrls],
  }),
  build({
    ...common,
    entryPoints: ['electron/preload.ts'],
    outfile: `${outdir}/preload.cjs`,
    format: 'cjs',
  }),
]);
