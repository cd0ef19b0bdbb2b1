/**
 * Finding the built renderer's files for the local server, safely.
 *
 * Contract:
 * 1. A request path maps to a file inside `root` or to nothing: `..`, encoded separators, NUL and
 *    anything that resolves outside `root` (symlinks included) are refused.
 * 2. Only regular files are served, with a content type from a short allow-list of extensions;
 *    other extensions are `application/octet-stream`.
 */
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The built renderer (`npm run build:renderer` writes it). */
export const DEFAULT_RENDERER_DIR = fileURLToPath(new URL('../../dist/renderer/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** A file to send. */
export type StaticFile = { body: Buffer; type: string };

/** The file for URL path `pathname` under `root`, or null (contract items 1 and 2). */
export function readStatic(root: string, pathname: string): StaticFile | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\') || decoded.split('/').includes('..'))
    return null;
  if (!existsSync(root)) return null;
  const base = realpathSync(root);
  const candidate = resolve(join(base, decoded));
  if (!candidate.startsWith(base + sep)) return null;
  try {
    const real = realpathSync(candidate);
    if (!real.startsWith(base + sep) || !statSync(real).isFile()) return null;
    return {
      body: readFileSync(real),
      type: TYPES[extname(real).toLowerCase()] ?? 'application/octet-stream',
    };
  } catch {
    return null;
  }
}
