/**
 * The prebuilt CLI bundle (bin/cli-bundle.js) on a small stand-in checkout in a temp dir: it is
 * used only while it matches the sources exactly, and its modules keep their own locations.
 */
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { scratchDir } from './run-cli.ts';

type CliBundle = {
  buildBundle(o: { root: string }): Promise<string>;
  freshBundle(o: { root: string }): string | null;
};

const helper = pathToFileURL(resolve(import.meta.dirname, '../../bin/cli-bundle.js')).href;
const { buildBundle, freshBundle } = (await import(helper)) as CliBundle;

/** A checkout with a cli/main.ts that imports core and reports where its modules think they are. */
function checkout(): string {
  const root = join(scratchDir(), 'checkout');
  mkdirSync(join(root, 'cli'), { recursive: true });
  mkdirSync(join(root, 'core'), { recursive: true });
  writeFileSync(
    join(root, 'core', 'where.ts'),
    'export const coreUrl: string = import.meta.url;\n',
  );
  writeFileSync(
    join(root, 'cli', 'main.ts'),
    "export { coreUrl } from '../core/where.ts';\nexport const mainUrl: string = import.meta.url;\nexport const version = 1;\n",
  );
  return root;
}

describe('the CLI bundle', () => {
  it('is used only while every source it was built from is unchanged', async () => {
    const root = checkout();
    expect(freshBundle({ root })).toBeNull();
    const first = await buildBundle({ root });
    expect(freshBundle({ root })).toBe(first);

    writeFileSync(
      join(root, 'cli', 'main.ts'),
      "export { coreUrl } from '../core/where.ts';\nexport const mainUrl: string = import.meta.url;\nexport const version = 2;\n",
    );
    expect(freshBundle({ root })).toBeNull();
    const second = await buildBundle({ root });
    expect(second).not.toBe(first);
    expect(freshBundle({ root })).toBe(second);
    expect(((await import(pathToFileURL(second).href)) as { version: number }).version).toBe(2);

    // An imported file changing counts too, and so does one disappearing.
    writeFileSync(join(root, 'core', 'where.ts'), 'export const coreUrl = "elsewhere";\n');
    expect(freshBundle({ root })).toBeNull();
    await buildBundle({ root });
    rmSync(join(root, 'core', 'where.ts'));
    expect(freshBundle({ root })).toBeNull();
  });

  it('is not used by a copy of the checkout somewhere else', async () => {
    const root = checkout();
    await buildBundle({ root });
    const moved = join(root, '..', 'moved');
    cpSync(root, moved, { recursive: true });
    expect(freshBundle({ root: moved })).toBeNull();
  });

  it('keeps each module’s own import.meta.url, so paths computed from it stay right', async () => {
    const root = checkout();
    const mod = (await import(pathToFileURL(await buildBundle({ root })).href)) as {
      mainUrl: string;
      coreUrl: string;
    };
    expect(mod.mainUrl).toBe(pathToFileURL(join(root, 'cli', 'main.ts')).href);
    expect(mod.coreUrl).toBe(pathToFileURL(join(root, 'core', 'where.ts')).href);
  });
});
