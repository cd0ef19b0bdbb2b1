import { mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rendererBuilt } from '../../cli/commands/serve.ts';

/** A built app and a source folder, with the given ages in seconds. */
function layout(builtAgo: number | null, sourceAgo: number): { dist: string; src: string } {
  const root = mkdtempSync(join(tmpdir(), 'rehearsal-serve-build-'));
  const dist = join(root, 'dist');
  const src = join(root, 'renderer', 'features');
  mkdirSync(dist, { recursive: true });
  mkdirSync(src, { recursive: true });
  const now = Date.now() / 1000;
  const file = join(src, 'View.tsx');
  writeFileSync(file, 'export {};\n');
  utimesSync(file, now - sourceAgo, now - sourceAgo);
  utimesSync(src, now - sourceAgo, now - sourceAgo);
  utimesSync(join(root, 'renderer'), now - sourceAgo, now - sourceAgo);
  if (builtAgo !== null) {
    const index = join(dist, 'index.html');
    writeFileSync(index, '<!doctype html>');
    utimesSync(index, now - builtAgo, now - builtAgo);
  }
  return { dist, src: join(root, 'renderer') };
}

describe('serve builds the app when it is missing or stale', () => {
  it('uses a build newer than every source', () => {
    const { dist, src } = layout(10, 100);
    expect(rendererBuilt(dist, [src])).toBe(true);
  });

  it('rebuilds when a source changed after the build, or when there is no build', () => {
    const stale = layout(100, 10);
    expect(rendererBuilt(stale.dist, [stale.src])).toBe(false);
    const none = layout(null, 10);
    expect(rendererBuilt(none.dist, [none.src])).toBe(false);
  });

  it('uses the build as it is when its sources are not there (an installed package)', () => {
    const { dist } = layout(100, 10);
    expect(rendererBuilt(dist, [join(dist, 'no-such-sources')])).toBe(true);
  });
});
