#!/usr/bin/env node
// The `rehearsal` command (package.json "bin"). Exit codes: 0 ok, 1 failure, 2 bad argument or
// module import error (as Dramatiq's CLI).
//
// 1. Commands that never load user code (serve without an actor module, run, state, replay, fork,
//    diff, queues, journal, result, dlq, help) run the prebuilt CLI bundle (cli-bundle.js) when it
//    is fresh, i.e. built from exactly the sources now in the checkout. `serve` builds it first
//    when it is stale (≈ 0.5 s, still faster than tsx), so the app's first paint stays under 1 s.
// 2. Everything else — commands that import actor modules (worker, enqueue, serve MODULE…), and
//    any command when the bundle is stale or missing and is not rebuilt — registers tsx and runs
//    cli/main.ts, so actor modules and the CLI share one copy of core, and sources always win.
import { fileURLToPath, pathToFileURL } from 'node:url';

const argv = process.argv.slice(2);
const BUNDLE_COMMANDS = new Set([
  'serve',
  'run',
  'state',
  'replay',
  'fork',
  'diff',
  'queues',
  'journal',
  'result',
  'dlq',
  'help',
  '--help',
  '-h',
  '--version',
  '-V',
]);
// Any argument naming a script is treated as an actor module (`serve examples/send-email.ts`).
const bundleAllowed =
  process.env.REHEARSAL_NO_BUNDLE !== '1' &&
  (argv[0] === undefined || BUNDLE_COMMANDS.has(argv[0])) &&
  !argv.some((a) => /\.[cm]?[jt]s$/i.test(a));

let cli = null;
if (bundleAllowed) {
  const { buildBundle, freshBundle } = await import('./cli-bundle.js');
  let file = freshBundle();
  if (file === null && argv[0] === 'serve') file = await buildBundle().catch(() => null);
  // A bundle removed between the check and the import (item 3 of cli-bundle.js): use the sources.
  if (file !== null) cli = await import(pathToFileURL(file).href).catch(() => null);
  // With --verbose, stack traces point at the TypeScript sources (source maps cost ~100 ms).
  if (cli !== null && argv.some((a) => a === '-v' || a === '--verbose'))
    process.setSourceMapsEnabled(true);
}
if (cli === null) {
  const { register } = await import('tsx/esm/api');
  register();
  cli = await import('../cli/main.ts');
}
await cli.runFromProcess(fileURLToPath(import.meta.url));
