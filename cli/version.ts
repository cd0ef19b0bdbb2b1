/**
 * The version of Rehearsal (from package.json).
 */
import { readFileSync } from 'node:fs';

let cached: string | null = null;

/** `0.1.0`, or `unknown` when package.json cannot be read. */
export function version(): string {
  if (cached !== null) return cached;
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      version?: string;
    };
    cached = pkg.version ?? 'unknown';
  } catch {
    cached = 'unknown';
  }
  return cached;
}
