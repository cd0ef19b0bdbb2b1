// `npm run build:cli` (also run by `npm install` / `npm ci` through "prepare", and by `npm start`):
// bundles the CLI into dist/cli so `rehearsal` starts without compiling TypeScript (see
// bin/cli-bundle.js). Never fails an install: without esbuild (a production install) or with a
// source that does not compile, it says so and `rehearsal` runs the sources through tsx instead.
import { relative } from 'node:path';
import { buildBundle, ROOT } from '../bin/cli-bundle.js';

const started = performance.now();
try {
  const file = await buildBundle();
  console.log(
    `CLI bundled into ${relative(ROOT, file)} in ${Math.round(performance.now() - started)} ms`,
  );
} catch (err) {
  console.log(
    `CLI not bundled (${err instanceof Error ? err.message.split('\n')[0] : String(err)}); rehearsal will run its TypeScript sources through tsx, which starts slower`,
  );
}
