/**
 * Loading a user's actor module (a .ts or .js file) and collecting the actors it exports.
 *
 * Contract:
 * 1. MODULE is a path relative to the cwd; `tasks` also finds `tasks.ts`, `tasks.mts`, `tasks.js`,
 *    `tasks.mjs`. It is imported by its absolute file URL (TypeScript through tsx, which
 *    bin/rehearsal.js registers).
 * 2. Every exported `Actor` is collected, also inside a default export that is an actor, an array
 *    or a plain object; the same actor exported twice counts once.
 * 3. Failures are coded and name the file: `MODULE_NOT_FOUND`, `MODULE_NOT_A_MODULE` (not a .ts
 *    or .js file, such as a scenario), `MODULE_NOT_A_FILE` (a folder,
 *    with the module files in it as hints), `MODULE_LOAD_FAILED` (with the
 *    underlying error's first line and, when known, file:line), a `RehearsalError` thrown while the
 *    module ran keeps its code (`UNKNOWN_ACTOR_OPTION`, `INVALID_QUEUE_NAME`…) with the location
 *    prefixed, and `DUPLICATE_ACTOR` when two different actors share a name.
 * 4. A named export `middleware` (an array of `Middleware` instances, or one instance) is the
 *    module's own middleware, which `rehearsal worker` adds to its broker after the default stack;
 *    anything else there is `INVALID_MIDDLEWARE` naming the bad item.
 */
import { readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isActor, Middleware, type Actor } from '../core/index.ts';
import { cliError, CliError, isCoded } from './errors.ts';

/** A loaded module. */
export type LoadedModule = {
  spec: string;
  file: string;
  actors: Actor[];
  /** The module's `middleware` export (contract item 4), in order. */
  middleware: Middleware[];
};

const EXTENSIONS = ['', '.ts', '.mts', '.js', '.mjs', '.cts', '.cjs'];

/** Module files are shown from a folder given as MODULE, at most this many. */
const FOLDER_HINT_FILES = 5;

/**
 * The absolute file of a module argument (contract item 1).
 * @throws CliError `MODULE_NOT_FOUND`, `MODULE_NOT_A_FILE` (a folder).
 */
export function resolveModule(spec: string, cwd: string): string {
  const base = resolve(cwd, spec);
  let folder = false;
  for (const ext of EXTENSIONS) {
    const candidate = base + ext;
    try {
      const st = statSync(candidate);
      if (st.isFile()) return candidate;
      if (ext === '' && st.isDirectory()) folder = true;
    } catch {
      // try the next extension
    }
  }
  if (folder) throw moduleIsFolder(spec, base);
  throw cliError(
    'MODULE_NOT_FOUND',
    `module ${spec} not found (looked for ${base}${spec.match(/\.[cm]?[jt]s$/) ? '' : ' with .ts, .mts, .js or .mjs'})`,
    { module: spec, file: base },
    [
      'MODULE is the path of a .ts or .js file that exports actors, relative to the current directory',
    ],
  );
}

/** `MODULE_NOT_A_FILE` for a folder given as MODULE, naming a few module files in it. */
function moduleIsFolder(spec: string, dir: string): CliError {
  let files: string[] = [];
  try {
    files = readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isFile() && /\.[cm]?[jt]s$/.test(e.name) && !/\.d\.[cm]?ts$/.test(e.name))
      .map((e) => e.name)
      .sort();
  } catch {
    // an unreadable folder: no examples to offer
  }
  const shown = files.slice(0, FOLDER_HINT_FILES).map((f) => join(spec, f));
  const more = files.length > shown.length ? `, … (${files.length} in all)` : '';
  return cliError(
    'MODULE_NOT_A_FILE',
    `module ${spec} is a folder; MODULE must be a .ts or .js file that exports actors`,
    { module: spec, file: dir },
    shown.length > 0
      ? [`module files in ${spec}: ${shown.join(', ')}${more}`]
      : [`${spec} holds no .ts or .js file; pass the path of the file that exports your actors`],
  );
}

/** Imports one module and collects its actors (contract items 1–3). */
export async function loadModule(spec: string, cwd: string): Promise<LoadedModule> {
  const file = resolveModule(spec, cwd);
  if (!/\.[cm]?[jt]sx?$/.test(file))
    throw cliError(
      'MODULE_NOT_A_MODULE',
      `module ${spec} is not a .ts or .js file; MODULE must be a .ts or .js file that exports actors`,
      { module: spec, file },
      /\.json$/.test(file)
        ? [`to run a scenario file, use \`rehearsal run ${spec}\` or \`rehearsal serve ${spec}\``]
        : [],
    );
  let ns: Record<string, unknown>;
  try {
    ns = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (err) {
    throw importFailure(spec, file, cwd, err);
  }
  const actors = collectActors(ns);
  const byName = new Map<string, Actor>();
  for (const a of actors) {
    const other = byName.get(a.actorName);
    if (other && other !== a) {
      throw cliError(
        'DUPLICATE_ACTOR',
        `${spec} exports two different actors named \`${a.actorName}\`; give one of them another actorName`,
        { module: spec, actor: a.actorName },
      );
    }
    byName.set(a.actorName, a);
  }
  return { spec, file, actors, middleware: collectMiddleware(ns, spec) };
}

/** The module's `middleware` export (contract item 4); [] when there is none. */
export function collectMiddleware(ns: Record<string, unknown>, spec: string): Middleware[] {
  const v = ns.middleware;
  if (v === undefined) return [];
  const items = Array.isArray(v) ? (v as unknown[]) : [v];
  return items.map((item, i) => {
    if (isMiddleware(item)) return item;
    const where = Array.isArray(v) ? `item ${i} of \`middleware\`` : '`middleware`';
    const fn = typeof item === 'function' ? (item as { name?: string }).name || 'anonymous' : null;
    const what =
      fn !== null
        ? `the class or function ${fn}, not an instance`
        : item === null
          ? 'null'
          : Array.isArray(item)
            ? 'an array'
            : `a ${typeof item}`;
    throw cliError(
      'INVALID_MIDDLEWARE',
      `${spec} exports \`middleware\`, but ${where} is ${what}; it must hold Middleware instances`,
      { module: spec, index: Array.isArray(v) ? i : null },
      [
        ...(fn !== null ? [`did you forget \`new\`? e.g. new ${fn}()`] : []),
        'e.g. `class Metrics extends Middleware { ... }` and `export const middleware = [new Metrics()]`',
      ],
    );
  });
}

/** A Middleware instance, also from another copy of core (same hooks, by shape). */
function isMiddleware(v: unknown): v is Middleware {
  if (v instanceof Middleware) return true;
  if (typeof v !== 'object' || v === null) return false;
  const m = v as Partial<Record<keyof Middleware, unknown>>;
  return (
    typeof m.beforeProcessMessage === 'function' &&
    typeof m.afterProcessMessage === 'function' &&
    typeof m.afterWorkerBoot === 'function' &&
    m.actorOptions instanceof Set
  );
}

/** Every actor among a module's exports (contract item 2). */
export function collectActors(ns: Record<string, unknown>): Actor[] {
  const seen = new Set<Actor>();
  const visit = (v: unknown, depth: number): void => {
    if (isActor(v)) {
      seen.add(v);
      return;
    }
    if (depth > 0) return;
    if (Array.isArray(v)) for (const x of v) visit(x, depth + 1);
    else if (isPlainObject(v)) for (const x of Object.values(v)) visit(x, depth + 1);
  };
  for (const [name, v] of Object.entries(ns)) {
    if (name === 'default') visit(v, 0);
    else if (isActor(v)) seen.add(v);
  }
  return [...seen];
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/** Turns whatever the import threw into a coded error naming the file (contract item 3). */
function importFailure(spec: string, file: string, cwd: string, err: unknown): CliError {
  const where = userLocation(err, file, cwd) ?? spec;
  if (isCoded(err)) {
    return new CliError(err.code, `${where}: ${err.message}`, {
      ...err.details,
      module: spec,
    });
  }
  const e = err as { name?: string; message?: string; code?: string };
  const hint: string[] = [];
  if (e.code === 'ERR_REQUIRE_CYCLE_MODULE' || e.code === 'ERR_REQUIRE_ESM') {
    hint.push(
      `${spec} was loaded as CommonJS because no package.json with "type": "module" is above it; rename it to .mts or add {"type": "module"} to a package.json in its folder`,
    );
  }
  if (e.code === 'ERR_MODULE_NOT_FOUND' || e.code === 'MODULE_NOT_FOUND') {
    hint.push('a package or file imported by the module is missing; check its imports');
  }
  const line = firstLine(err).split(`${cwd}${sep}`).join('');
  const located = where === spec || line.includes(where.replace(/:\d+(:\d+)?$/, ''));
  return cliError(
    'MODULE_LOAD_FAILED',
    `cannot load module ${spec}: ${line}${located ? '' : ` (at ${where})`}`,
    { module: spec, file, error: e.name ?? 'Error' },
    hint,
  );
}

/** `Type: first informative line of the message`. */
function firstLine(err: unknown): string {
  if (!(err instanceof Error)) return String(err).split('\n')[0]!;
  const lines = err.message.split('\n').filter((l) => l.trim() !== '');
  // esbuild's "Transform failed with 1 error:" says nothing; the next line has the location.
  let line = lines[0] ?? '';
  if (line.endsWith(':') && lines[1]) line = lines[1].trim();
  const type = err.name && err.name !== 'Error' ? err.name : err.constructor.name;
  return `${type}: ${line}`;
}

/**
 * The first stack position (`file:line:col`, relative to the cwd) in the user's code: not in
 * node_modules, not Node's internals, not Rehearsal's own core.
 */
function userLocation(err: unknown, file: string, cwd: string): string | null {
  if (!(err instanceof Error) || !err.stack) return null;
  const coreDir = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'core');
  const re = /(?:\(|at |^)((?:file:\/\/)?\/[^():\s]+|[A-Za-z]:\\[^():]+):(\d+)(?::(\d+))?/gm;
  for (const m of err.stack.matchAll(re)) {
    let path = m[1]!;
    if (path.startsWith('file://')) path = fileURLToPath(path);
    if (path.includes('/node_modules/') || path.startsWith(coreDir)) continue;
    if (path !== file && !path.startsWith(dirname(file))) continue;
    const rel = relative(cwd, path) || path;
    return `${rel.startsWith('..') ? path : rel}:${m[2]}${m[3] ? `:${m[3]}` : ''}`;
  }
  return null;
}
