// The CLI as one prebuilt JavaScript file, so `rehearsal` starts without tsx compiling and
// loading ~130 TypeScript modules (`rehearsal serve` uses ≈ 0.4 s of CPU until it prints its URL
// instead of ≈ 1.5 s).
//
// Contract:
// 1. `buildBundle()` bundles cli/main.ts and the core it imports with esbuild into
//    dist/cli/rehearsal-<hash>.mjs (+ .map) and writes dist/cli/manifest.json naming it, the
//    checkout it was built in, and every source file it contains with the hash of their exact
//    contents as compiled. Each source's `import.meta.url` stays its own file's URL, so every path
//    computed from it (migrations, scenarios, dist/renderer, package.json, worker-thread entries)
//    is the one the TypeScript sources compute.
// 2. npm packages: zod is bundled (pure JavaScript it would otherwise load file by file; its
//    package.json is hashed with the sources), without its translations of error messages (only
//    English, zod's default; ≈ 400 kB less to compile). The CommonJS packages (better-sqlite3, ws)
//    stay external and are loaded with `require`, which skips Node's scan of CommonJS exports on
//    `import` (≈ 100 ms at startup); any other package stays an external `import`.
// 3. `freshBundle()` returns the bundle only when the manifest is for this checkout and the sources
//    it lists hash, now, to the same value: a changed, moved or deleted source means null (run
//    the sources with tsx), so a stale bundle never runs stale code. A source that starts
//    importing a new file is itself changed, so new files are covered too; this file (the
//    recipe) is part of the hash, so a changed recipe rebuilds.
// 4. Writes are atomic (temporary name, then rename); bundles are named by their hash, so
//    processes building at once never mix two builds. Bundles older than 10 minutes that the
//    manifest no longer names are removed.
// 5. Plain JavaScript with no dependency but esbuild, loaded only to build: bin/rehearsal.js runs
//    before anything can compile TypeScript.
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The repository root (the default `root` of both functions; tests pass another). */
export const ROOT = resolve(import.meta.dirname, '..');
/** Where a checkout's bundles and manifest live (dist/ is not in git). */
const bundleDir = (root) => join(root, 'dist', 'cli');
/** The manifest's format. The recipe itself (this file) is hashed with the sources. */
const FORMAT = 1;
const RECIPE = readFileSync(new URL(import.meta.url));
/** Read with the sources: they change what esbuild emits (zod's version: what it bundles). */
const CONFIG_FILES = [
  'tsconfig.base.json',
  'cli/tsconfig.json',
  'core/tsconfig.json',
  'node_modules/zod/package.json',
];
/** npm packages bundled in, and CommonJS ones loaded with `require` (contract item 2). */
const BUNDLED_PACKAGES = new Set(['zod']);
const REQUIRED_PACKAGES = new Set(['better-sqlite3', 'ws']);

/** The package name of a bare specifier (`zod/v4` → `zod`, `@a/b/c` → `@a/b`). */
const packageName = (spec) =>
  spec
    .split('/')
    .slice(0, spec.startsWith('@') ? 2 : 1)
    .join('/');
const KEEP_OLD_MS = 10 * 60_000;

/** The hash of sources given as [path relative to root, contents] in path order. */
function hashOf(root, entries) {
  const h = createHash('sha256').update(`rehearsal-cli-bundle ${FORMAT}\0${root}\0`).update(RECIPE);
  for (const [rel, bytes] of entries) h.update(rel).update('\0').update(bytes).update('\0');
  return h.digest('hex');
}

/** The hash of `files` (paths relative to root) as they are now, or null when one is missing. */
function hashSources(root, files) {
  const entries = [];
  for (const rel of files) {
    try {
      entries.push([rel, readFileSync(join(root, rel))]);
    } catch {
      return null;
    }
  }
  return hashOf(root, entries);
}

/**
 * The fresh bundle's absolute path, or null when there is none or it is stale (contract item 3).
 * Costs one read of each source (≈ 130 files, a few ms).
 */
export function freshBundle({ root = ROOT } = {}) {
  let m;
  try {
    m = JSON.parse(readFileSync(join(bundleDir(root), 'manifest.json'), 'utf8'));
  } catch {
    return null;
  }
  if (m?.format !== FORMAT || m.root !== root || !Array.isArray(m.sources)) return null;
  if (typeof m.bundle !== 'string' || m.bundle.includes('/') || m.bundle.includes(sep)) return null;
  const file = join(bundleDir(root), m.bundle);
  if (!existsSync(file) || hashSources(root, m.sources) !== m.hash) return null;
  return file;
}

function writeAtomic(file, contents) {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, contents);
  renameSync(tmp, file);
}

/** Removes bundles the manifest does not name and nobody started in the last minutes (item 4). */
function removeOldBundles(dir, keep) {
  const now = Date.now();
  for (const name of readdirSync(dir)) {
    if (!/^rehearsal-[0-9a-f]+\.mjs(\.map)?$/.test(name) || name.startsWith(keep)) continue;
    const file = join(dir, name);
    try {
      if (now - statSync(file).mtimeMs > KEEP_OLD_MS) unlinkSync(file);
    } catch {
      // Another process removed it first.
    }
  }
}

/**
 * Builds the bundle (contract items 1, 2 and 4) and returns its path.
 * @throws when esbuild is not installed or the sources do not compile.
 */
export async function buildBundle({ root = ROOT } = {}) {
  const { build } = await import('esbuild');
  const dir = bundleDir(root);
  /** Source path relative to root → the exact bytes compiled (what the hash describes). */
  const compiled = new Map();
  for (const f of CONFIG_FILES)
    if (existsSync(join(root, f))) compiled.set(f, readFileSync(join(root, f)));
  const result = await build({
    absWorkingDir: root,
    entryPoints: ['cli/main.ts'],
    outfile: join(dir, 'rehearsal.mjs'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'linked',
    write: false,
    logLevel: 'silent',
    // `require` for the CommonJS packages (item 2), resolved from the bundle's folder.
    banner: {
      js: "import { createRequire as __rehearsalRequire } from 'node:module'; const require = __rehearsalRequire(import.meta.url);",
    },
    plugins: [
      {
        name: 'rehearsal-packages',
        setup(b) {
          b.onResolve({ filter: /^[^./]/ }, (args) => {
            if (args.path.startsWith('node:')) return undefined;
            const name = packageName(args.path);
            if (BUNDLED_PACKAGES.has(name)) return undefined;
            if (!REQUIRED_PACKAGES.has(name) || args.kind === 'require-call')
              return { path: args.path, external: true };
            return { path: args.path, namespace: 'required' };
          });
          b.onLoad({ filter: /.*/, namespace: 'required' }, (args) => ({
            contents: `module.exports = require(${JSON.stringify(args.path)});`,
            loader: 'js',
            resolveDir: root,
          }));
          // zod's translations: English only (item 2).
          b.onResolve({ filter: /\/locales\/index\.js$/ }, (args) =>
            args.importer.includes(`${sep}node_modules${sep}zod${sep}`)
              ? { path: join(args.resolveDir, args.path), namespace: 'zod-locales' }
              : undefined,
          );
          b.onLoad({ filter: /.*/, namespace: 'zod-locales' }, (args) => ({
            contents: `export { default as en } from ${JSON.stringify(join(dirname(args.path), 'en.js'))};`,
            loader: 'js',
            resolveDir: dirname(args.path),
          }));
        },
      },
      {
        name: 'rehearsal-source-urls',
        setup(b) {
          b.onLoad({ filter: /\.[cm]?[jt]sx?$/ }, (args) => {
            if (args.path.includes(`${sep}node_modules${sep}`)) return undefined;
            const bytes = readFileSync(args.path);
            compiled.set(relative(root, args.path).split(sep).join('/'), bytes);
            const text = bytes.toString('utf8');
            const url = pathToFileURL(args.path).href;
            return {
              // Item 1: each module keeps its own location.
              contents: text
                .replaceAll('import.meta.url', JSON.stringify(url))
                .replaceAll('import.meta.dirname', JSON.stringify(dirname(args.path)))
                .replaceAll('import.meta.filename', JSON.stringify(args.path)),
              loader: /\.[cm]?tsx$/.test(args.path)
                ? 'tsx'
                : /\.[cm]?ts$/.test(args.path)
                  ? 'ts'
                  : 'js',
              resolveDir: dirname(args.path),
            };
          });
        },
      },
    ],
  });
  const sources = [...compiled.keys()].sort();
  // The hash of what was compiled, not of the files now: an edit made during the build makes the
  // bundle stale at once (item 2) instead of passing for the new sources.
  const hash = hashOf(
    root,
    sources.map((rel) => [rel, compiled.get(rel)]),
  );
  const name = `rehearsal-${hash.slice(0, 16)}.mjs`;
  mkdirSync(dir, { recursive: true });
  for (const out of result.outputFiles) {
    if (out.path.endsWith('.map')) writeAtomic(join(dir, `${name}.map`), out.contents);
    else
      writeAtomic(
        join(dir, name),
        out.text.replace(
          /\/\/# sourceMappingURL=rehearsal\.mjs\.map\s*$/,
          `//# sourceMappingURL=${name}.map\n`,
        ),
      );
  }
  writeAtomic(
    join(dir, 'manifest.json'),
    `${JSON.stringify({ format: FORMAT, root, bundle: name, hash, sources }, null, 2)}\n`,
  );
  removeOldBundles(dir, name);
  return join(dir, name);
}
