/**
 * `rehearsal serve`: the engine and the app on http://127.0.0.1, until Ctrl+C.
 *
 * 1. Builds the app (`vite build`) first when dist/renderer is missing or older than its sources
 *    (renderer/, the Engine API types it imports, vite.config.ts), with a progress line. A built
 *    app without its sources next to it (an installed package) is used as it is.
 * 2. Starts the local server (core's `startServer`: 127.0.0.1 only, a per-run token, origin
 *    checks) on TARGET: a scenario starts a paused simulated run, a module runs its actors on the
 *    real clock, a .db opens that run (stored runs read-only), nothing opens an empty engine whose
 *    gallery is one click away.
 * 3. Prints the URL with the token and runs until SIGINT/SIGTERM, then closes cleanly.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, type ServerOptions } from '../../core/index.ts';
import { cliError, EXIT_OK } from '../errors.ts';
import { writeOut, type Io } from '../io.ts';
import { loadModule } from '../load-module.ts';
import type { ServeArgs } from './serve-args.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const RENDERER_DIR = resolve(ROOT, 'dist', 'renderer');

/** What the built app is made from (item 1). */
const RENDERER_SOURCES = ['renderer', 'core/host/api', 'vite.config.ts'].map((p) =>
  resolve(ROOT, p),
);

/** The newest modification time (ms) of a file or of the files under a folder; 0 when absent. */
function newestMtime(path: string): number {
  let st;
  try {
    st = statSync(path);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/** True when the built app is there and no source of it changed since it was built (item 1). */
export function rendererBuilt(dir = RENDERER_DIR, sources = RENDERER_SOURCES): boolean {
  const index = resolve(dir, 'index.html');
  if (!existsSync(index)) return false;
  const built = statSync(index).mtimeMs;
  return sources.every((src) => newestMtime(src) <= built);
}

/** Runs `vite build` for the renderer, showing a progress line on stderr (item 1). */
export async function buildRenderer(io: Io): Promise<void> {
  const vite = resolve(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
  if (!existsSync(vite))
    throw cliError(
      'APP_NOT_BUILT',
      'the app is not built (dist/renderer is missing) and vite is not installed to build it; run `npm install`, then `npm run build:renderer`',
      { dir: RENDERER_DIR },
    );
  io.stderr.write(
    existsSync(resolve(RENDERER_DIR, 'index.html'))
      ? 'Rebuilding the app (its sources changed since the last build)… '
      : 'Building the app (vite build, once)… ',
  );
  const started = Date.now();
  const output: string[] = [];
  const code = await new Promise<number>((done) => {
    const child = spawn(process.execPath, [vite, 'build', '--logLevel', 'warn'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (d: Buffer) => output.push(d.toString()));
    child.stderr.on('data', (d: Buffer) => output.push(d.toString()));
    child.on('error', () => done(1));
    child.on('close', (c) => done(c ?? 1));
  });
  if (code !== 0) {
    io.stderr.write('failed\n');
    throw cliError(
      'APP_BUILD_FAILED',
      `vite build failed (exit ${code}); run \`npm run build:renderer\` to see why:\n${output.join('').trim().split('\n').slice(-10).join('\n')}`,
      { code },
    );
  }
  io.stderr.write(`done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}

function describe(o: ServeArgs): string {
  switch (o.target.kind) {
    case 'none':
      return `an empty engine on ${o.file} (open a scenario from the gallery)`;
    case 'db':
      return `the run in ${o.target.file}`;
    case 'scenario':
      return `scenario ${o.target.scenario} (paused at t = 0) on ${o.file}`;
    case 'module':
      return `the actors of ${o.target.spec} on ${o.file}`;
  }
}

/** Resolves once the process is asked to stop. */
function untilSignal(): Promise<string> {
  return new Promise((done) => {
    const on = (sig: string) => () => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      done(sig);
    };
    const onInt = on('SIGINT');
    const onTerm = on('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
  });
}

/** Runs `rehearsal serve` (spec in specs.ts, checks in serve-args.ts). */
export async function runServe(o: ServeArgs, io: Io): Promise<number> {
  if (!rendererBuilt()) await buildRenderer(io);
  const opts: ServerOptions = {
    db: resolve(io.cwd, o.file),
    port: o.port,
    rendererDir: RENDERER_DIR,
  };
  if (o.target.kind === 'scenario') {
    const s = o.target.scenario;
    opts.scenario = /\.json$/i.test(s) ? resolve(io.cwd, s) : s;
  } else if (o.target.kind === 'module') {
    const mod = await loadModule(o.target.spec, io.cwd);
    opts.module = { actors: mod.actors, name: o.target.spec };
  }
  const server = await startServer(opts);
  await writeOut(
    io.stdout,
    `Rehearsal is serving ${describe(o)}.\n\n  ${server.url}\n\nOpen that URL in a browser (it carries this run's token; nothing else on this machine can connect).\nPress Ctrl+C to stop.\n`,
  );
  const sig = await untilSignal();
  io.stderr.write(`\n${sig}: stopping…\n`);
  await server.close();
  return EXIT_OK;
}
