import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';

const dirs: string[] = [];

/** A fresh database path in a temp dir, removed after the test. */
export function tempDbPath(name = 'rehearsal.db'): string {
  const dir = mkdtempSync(join(tmpdir(), 'rehearsal-test-'));
  dirs.push(dir);
  return join(dir, name);
}

/** A fresh temp directory, removed after the test. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rehearsal-test-'));
  dirs.push(dir);
  return dir;
}

afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
