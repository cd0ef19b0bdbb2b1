/**
 * Proves that each boundary rule in eslint.config.js fires (STYLE.md habit 2): a rule that never
 * reports is worse than none, because it looks like protection.
 *
 * Snippets are linted with the project's real config, as if they lived at the given path. They run
 * in a scratch directory so that the feature-isolation rules, which resolve imports to files, have
 * real files to resolve; type-aware rules are switched off because the snippets belong to no
 * tsconfig.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repoRoot = path.resolve(import.meta.dirname, '..', '..');
let scratch = '';
let eslint: ESLint;

/** Files that must exist on disk for import resolution in the boundaries rules. */
const FIXTURES: Record<string, string> = {
  'renderer/features/queues/QueuesPanel.tsx': 'export const QueuesPanel = 1;\n',
  'renderer/features/messages/MessageList.tsx': 'export const MessageList = 1;\n',
  'renderer/features/messages/MessageRow.tsx': 'export const MessageRow = 1;\n',
  'renderer/store/use-app-store.ts': 'export const useAppStore = 1;\n',
  'renderer/ui/Button.tsx': 'export const Button = 1;\n',
  'core/host/api/client.ts': 'export const createEngineClient = 1;\n',
};

beforeAll(() => {
  scratch = mkdtempSync(path.join(tmpdir(), 'rehearsal-lint-'));
  for (const [file, text] of Object.entries(FIXTURES)) {
    mkdirSync(path.dirname(path.join(scratch, file)), { recursive: true });
    writeFileSync(path.join(scratch, file), text);
  }
  eslint = new ESLint({
    cwd: scratch,
    overrideConfigFile: path.join(repoRoot, 'eslint.config.js'),
    overrideConfig: [
      tseslint.configs.disableTypeChecked,
      { settings: { 'boundaries/root-path': scratch } },
    ],
  });
});

afterAll(() => {
  if (scratch !== '') rmSync(scratch, { recursive: true, force: true });
});

/** Lints `code` as if it were the file at `file` (relative to the project root); returns rule ids. */
async function ruleIdsFor(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(scratch, file) });
  if (result === undefined) throw new Error(`no lint result for ${file}`);
  return result.messages.map((m) => m.ruleId ?? `fatal: ${m.message}`);
}

const IMPORTS = '@typescript-eslint/no-restricted-imports';

describe('ambient time and randomness in core', () => {
  it.each([
    ['Date.now()', 'no-restricted-properties'],
    ['performance.now()', 'no-restricted-properties'],
    ['Math.random()', 'no-restricted-properties'],
    ['globalThis.setTimeout(() => {}, 1)', 'no-restricted-properties'],
    ['new Date()', 'no-restricted-syntax'],
    ['setTimeout(() => {}, 1)', 'no-restricted-globals'],
    ['setInterval(() => {}, 1)', 'no-restricted-globals'],
    ['setImmediate(() => {})', 'no-restricted-globals'],
  ])('rejects `%s` in core/worker/x.ts', async (expression, rule) => {
    expect(await ruleIdsFor('core/worker/x.ts', `export const x = ${expression};\n`)).toContain(
      rule,
    );
  });

  it('rejects importing timers from node:timers/promises in core', async () => {
    const code =
      "import { setTimeout } from 'node:timers/promises';\nexport const s = setTimeout;\n";
    expect(await ruleIdsFor('core/middleware/time-limit.ts', code)).toContain(IMPORTS);
  });

  it('allows wall time in core/clock/real-clock.ts', async () => {
    const code = 'export const now = Date.now() + performance.now();\nsetTimeout(() => {}, 1);\n';
    expect(await ruleIdsFor('core/clock/real-clock.ts', code)).toEqual([]);
  });

  it('allows Math.random in core/random/rng.ts', async () => {
    expect(await ruleIdsFor('core/random/rng.ts', 'export const r = Math.random();\n')).toEqual([]);
  });

  it('allows new Date(ms) with an argument in core', async () => {
    expect(await ruleIdsFor('core/journal/x.ts', 'export const d = new Date(0);\n')).toEqual([]);
  });

  it('leaves time alone outside core', async () => {
    expect(await ruleIdsFor('cli/x.ts', 'export const now = Date.now();\n')).toEqual([]);
  });
});

describe('one library, one door', () => {
  const sqlite = "import Database from 'better-sqlite3';\nexport const D = Database;\n";
  const ws = "import { WebSocketServer } from 'ws';\nexport const W = WebSocketServer;\n";
  const zustand = "import { createStore } from 'zustand/vanilla';\nexport const c = createStore;\n";
  const electron = "import { app } from 'electron';\nexport const a = app;\n";

  it('rejects better-sqlite3 in core/broker but allows it in core/db', async () => {
    expect(await ruleIdsFor('core/broker/x.ts', sqlite)).toContain(IMPORTS);
    expect(await ruleIdsFor('core/db/x.ts', sqlite)).toEqual([]);
  });

  it('rejects ws in core/host/dispatch.ts but allows it in core/host/ws-server.ts', async () => {
    expect(await ruleIdsFor('core/host/dispatch.ts', ws)).toContain(IMPORTS);
    expect(await ruleIdsFor('core/host/ws-server.ts', ws)).toEqual([]);
  });

  it('rejects zustand outside renderer/store but allows it inside', async () => {
    expect(await ruleIdsFor('renderer/features/queues/x.ts', zustand)).toContain(IMPORTS);
    expect(await ruleIdsFor('core/x.ts', zustand)).toContain(IMPORTS);
    expect(await ruleIdsFor('renderer/store/create-app-store.ts', zustand)).toEqual([]);
  });

  it('rejects electron outside electron/ but allows it inside', async () => {
    expect(await ruleIdsFor('core/x.ts', electron)).toContain(IMPORTS);
    expect(await ruleIdsFor('cli/x.ts', electron)).toContain(IMPORTS);
    expect(await ruleIdsFor('renderer/x.ts', electron)).toContain(IMPORTS);
    expect(await ruleIdsFor('electron/window.ts', electron)).toEqual([]);
  });
});

describe('core stays below everything else', () => {
  it.each([
    ["import React from 'react';", 'core/x.ts'],
    ["import { createRoot } from 'react-dom/client';", 'core/x.ts'],
    ["import { x } from '../electron/window.ts';", 'core/x.ts'],
    ["import { x } from '../../renderer/app/App.tsx';", 'core/host/x.ts'],
    ["import { x } from '../cli/main.ts';", 'core/x.ts'],
  ])('rejects `%s` in %s', async (importLine, file) => {
    expect(await ruleIdsFor(file, `${importLine}\nexport {};\n`)).toContain(IMPORTS);
  });

  it('keeps core/host/api to zod and itself', async () => {
    const api = 'core/host/api/methods.ts';
    expect(
      await ruleIdsFor(api, "import { z } from 'zod';\nexport const s = z.string();\n"),
    ).toEqual([]);
    expect(
      await ruleIdsFor(api, "import { v } from './version.ts';\nexport const x = v;\n"),
    ).toEqual([]);
    for (const bad of ["'node:path'", "'../dispatch.ts'", "'../../errors.ts'", "'ws'"]) {
      expect(await ruleIdsFor(api, `import x from ${bad};\nexport const y = x;\n`)).toContain(
        IMPORTS,
      );
    }
  });
});

describe('renderer reaches the engine only through the Engine API (core/host/api)', () => {
  it('allows `import type` from core/host/api', async () => {
    const code =
      "import type { EngineApi } from '../../core/host/api/index.ts';\nexport type A = EngineApi;\n";
    expect(await ruleIdsFor('renderer/engine/engine-client.ts', code)).toEqual([]);
  });

  it('allows value imports from core/host/api, which is pure (its client and schemas)', async () => {
    const code =
      "import { createEngineClient } from '../../core/host/api/client.ts';\nexport const c = createEngineClient;\n";
    expect(await ruleIdsFor('renderer/engine/engine-client.ts', code)).toEqual([]);
    const schemas =
      "import { methods } from '../../../core/host/api/methods.ts';\nexport const m = methods;\n";
    expect(await ruleIdsFor('renderer/features/messages/x.ts', schemas)).toEqual([]);
  });

  it('rejects value imports from the rest of core', async () => {
    const code =
      "import { EngineHost } from '../../core/host/engine-host.ts';\nexport const h = EngineHost;\n";
    expect(await ruleIdsFor('renderer/engine/x.ts', code)).toContain(IMPORTS);
    const index = "import { actor } from '../../core/index.ts';\nexport const a = actor;\n";
    expect(await ruleIdsFor('renderer/engine/x.ts', index)).toContain(IMPORTS);
  });

  it('rejects even type imports from the rest of core', async () => {
    const code =
      "import type { Broker } from '../../core/broker/broker.ts';\nexport type B = Broker;\n";
    expect(await ruleIdsFor('renderer/engine/x.ts', code)).toContain(IMPORTS);
  });

  it.each(["'node:fs'", "'fs'", "'better-sqlite3'", "'ws'"])(
    'rejects %s in the renderer',
    async (specifier) => {
      const code = `import x from ${specifier};\nexport const y = x;\n`;
      expect(await ruleIdsFor('renderer/app/x.ts', code)).toContain(IMPORTS);
    },
  );
});

describe('electron shell', () => {
  it('lets preload.ts import only electron and bridge-types.ts', async () => {
    const ok =
      "import { contextBridge } from 'electron';\nimport type { RehearsalBridge } from './bridge-types.ts';\nexport const c = contextBridge;\nexport type B = RehearsalBridge;\n";
    expect(await ruleIdsFor('electron/preload.ts', ok)).toEqual([]);
    const bad = "import { x } from './window.ts';\nexport const y = x;\n";
    expect(await ruleIdsFor('electron/preload.ts', bad)).toContain(IMPORTS);
  });

  it('lets main reach core only through core/index.ts', async () => {
    const ok = "import { x } from '../core/index.ts';\nexport const y = x;\n";
    expect(await ruleIdsFor('electron/main.ts', ok)).toEqual([]);
    const bad = "import { x } from '../core/broker/sqlite-broker.ts';\nexport const y = x;\n";
    expect(await ruleIdsFor('electron/main.ts', bad)).toContain(IMPORTS);
  });
});

describe('declared elements', () => {
  it('rejects a file outside every declared layer', async () => {
    expect(await ruleIdsFor('misc/stray.ts', 'export const x = 1;\n')).toContain(
      'boundaries/no-unknown-files',
    );
  });

  it('rejects one renderer feature importing another', async () => {
    const code =
      "import { QueuesPanel } from '../queues/QueuesPanel.tsx';\nexport const q = QueuesPanel;\n";
    expect(await ruleIdsFor('renderer/features/messages/MessageList.tsx', code)).toContain(
      'boundaries/dependencies',
    );
  });

  it('allows imports within one feature', async () => {
    const code = "import { MessageRow } from './MessageRow.tsx';\nexport const r = MessageRow;\n";
    expect(await ruleIdsFor('renderer/features/messages/MessageList.tsx', code)).toEqual([]);
  });

  it('keeps renderer/ui free of the store', async () => {
    const code =
      "import { useAppStore } from '../store/use-app-store.ts';\nexport const s = useAppStore;\n";
    expect(await ruleIdsFor('renderer/ui/Button.tsx', code)).toContain('boundaries/dependencies');
  });

  it('keeps renderer/ui free of the Engine API, though the rest of the renderer may use it', async () => {
    const code =
      "import { createEngineClient } from '../../core/host/api/client.ts';\nexport const c = createEngineClient;\n";
    expect(await ruleIdsFor('renderer/ui/Button.tsx', code)).toContain('boundaries/dependencies');
  });
});
