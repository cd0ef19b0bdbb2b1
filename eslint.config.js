// ESLint flat config: the layer boundaries of STYLE.md ("Boundaries at a glance"), encoded as errors.
//
// 1. Each layer's import restrictions live in ONE config block whose `files` do not overlap another
//    block's (flat config replaces rule options per rule, it does not merge them), so every file's
//    full list of forbidden imports is visible in one place below.
// 2. Import rules are `@typescript-eslint/no-restricted-imports`. The renderer may import
//    core/host/api (pure: zod and itself) — its client, schemas and types — and nothing else of core.
// 3. Ambient time and randomness are banned in core/ except in the clock and the RNG.
// 4. eslint-plugin-boundaries declares the elements: a file outside them is an error, features
//    never import each other, and renderer/ui stays presentational.
// test/lint/boundaries.test.ts proves each rule fires.
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import boundaries from 'eslint-plugin-boundaries';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const TS_FILES = ['**/*.ts', '**/*.tsx'];

// ---------------------------------------------------------------------------------------------
// Building blocks for no-restricted-imports.

/** `import x from 'pkg'` and `import x from 'pkg/sub'` are both forbidden, with `message`. */
const pkg = (name, message) => ({
  regex: `^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(/.*)?$`,
  message,
});

/** A relative import that climbs out of the current layer into top-level folder `folder`. */
const toFolder = (folder, message, extra = {}) => ({
  regex: `^(\\.\\./)+${folder}(/|$)`,
  message,
  ...extra,
});

const NODE_BUILTINS = builtinModules.filter((m) => !m.startsWith('_'));

const noElectron = pkg('electron', '`electron` is imported only in electron/ (STYLE.md habit 4).');
const noReact = (layer) => pkg('react', `${layer} has no UI: react belongs to renderer/.`);
const noReactDom = (layer) =>
  pkg('react-dom', `${layer} has no UI: react-dom belongs to renderer/.`);
const noZustand = pkg(
  'zustand',
  '`zustand` is imported only in renderer/store/ (STYLE.md habit 4); use the store hooks instead.',
);
const noSqlite = pkg(
  'better-sqlite3',
  '`better-sqlite3` is imported only in core/db/ (STYLE.md habit 4); go through the db module.',
);
const noWs = pkg(
  'ws',
  '`ws` is imported only in core/host/ws-server.ts (STYLE.md habit 4); use the transport.',
);
const noAmbientTimers = {
  regex: '^(node:)?(timers|timers/promises|perf_hooks)$',
  message: 'core/ reads time only through the injected Clock (core/clock/); see STYLE.md habit 3.',
};

const coreOutward = [
  toFolder('electron', 'core/ never imports electron/: the dependency points the other way.'),
  toFolder('renderer', 'core/ never imports renderer/: the UI talks to core via core/host/api.'),
  toFolder('cli', 'core/ never imports cli/: the dependency points the other way.'),
  noElectron,
  noReact('core/'),
  noReactDom('core/'),
  noZustand,
  noAmbientTimers,
];

const coreRestrictions = [...coreOutward, noSqlite, noWs];

// core/host/api is safe in any runtime: zod and its own folder only.
const apiRestrictions = [
  {
    regex: '^(?!zod$|\\./)',
    message:
      'core/host/api/ imports only `zod` and files in core/host/api/ (no node:, no other core), so it runs in any runtime.',
  },
];

const rendererRestrictions = [
  // core/host/api is pure (zod and itself, no node:), so its client and schemas run in the
  // browser too; every other part of core is the engine, which runs elsewhere.
  {
    regex: '^(\\.\\./)+core/(?!host/api(/|$))',
    message:
      'renderer/ reaches the engine only through the Engine API: import from core/host/api (its client, schemas and types), never from the rest of core.',
  },
  toFolder(
    'electron',
    'renderer/ never imports electron/: use window.rehearsal via the IPC transport.',
  ),
  toFolder('cli', 'renderer/ never imports cli/.'),
  {
    regex: '^node:',
    message: 'renderer/ runs in a browser sandbox: no node: modules.',
  },
  {
    regex: `^(${NODE_BUILTINS.map((m) => m.replace(/[/]/g, '\\/')).join('|')})$`,
    message: 'renderer/ runs in a browser sandbox: no Node built-in modules.',
  },
  noElectron,
  noSqlite,
  noWs,
];

const electronRestrictions = [
  {
    regex: '^(\\.\\./)+core/(?!index\\.ts$|host/api(/|$))',
    message: 'electron/ imports core only through core/index.ts (and types from core/host/api).',
  },
  toFolder('renderer', 'electron/ never imports renderer/: the window loads the built bundle.'),
  toFolder('cli', 'electron/ never imports cli/.'),
  noReact('electron/'),
  noReactDom('electron/'),
  noZustand,
  noSqlite,
  noWs,
];

const preloadRestrictions = [
  {
    regex: '^(?!electron$|\\./bridge-types\\.ts$)',
    message:
      'electron/preload.ts imports only `electron` and ./bridge-types.ts: a sandboxed preload cannot load more.',
  },
];

const cliRestrictions = [
  {
    regex: '^(\\.\\./)+core/(?!index\\.ts$|host/api(/|$))',
    message: 'cli/ imports core only through its public surface, core/index.ts.',
  },
  toFolder('electron', 'cli/ never imports electron/.'),
  toFolder('renderer', 'cli/ never imports renderer/ (serve the built dist/renderer instead).'),
  noElectron,
  noReact('cli/'),
  noReactDom('cli/'),
  noZustand,
  noSqlite,
  noWs,
];

const examplesRestrictions = [
  {
    regex: '^(\\.\\./)+core/(?!index\\.ts$)',
    message: 'examples/ use only the public surface, core/index.ts, like a user would.',
  },
  toFolder('electron', 'examples/ never import electron/.'),
  toFolder('renderer', 'examples/ never import renderer/.'),
  toFolder('cli', 'examples/ never import cli/.'),
  noElectron,
  noZustand,
  noSqlite,
  noWs,
];

/** One config block setting the complete import restrictions for `files`. */
const restrictImports = (name, files, patterns, ignores = []) => ({
  name: `rehearsal/imports/${name}`,
  files,
  ignores,
  rules: {
    'no-restricted-imports': 'off',
    '@typescript-eslint/no-restricted-imports': ['error', { patterns }],
  },
});

// ---------------------------------------------------------------------------------------------
// No ambient time or randomness in core (STYLE.md habit 3).

const CLOCK_MESSAGE =
  'core/ reads time only through the injected Clock (core/clock/); see STYLE.md habit 3.';
const RNG_MESSAGE =
  'core/ draws randomness only from the seeded Rng (core/random/rng.ts); see STYLE.md habit 3.';
const TIME_FILES_EXEMPT = ['core/clock/real-clock.ts', 'core/random/rng.ts'];

const ambientTimeRules = {
  'no-restricted-globals': [
    'error',
    ...[
      'setTimeout',
      'setInterval',
      'setImmediate',
      'clearTimeout',
      'clearInterval',
      'clearImmediate',
    ].map((name) => ({ name, message: CLOCK_MESSAGE })),
    { name: 'performance', message: CLOCK_MESSAGE },
  ],
  'no-restricted-properties': [
    'error',
    { object: 'Date', property: 'now', message: CLOCK_MESSAGE },
    { object: 'performance', property: 'now', message: CLOCK_MESSAGE },
    { object: 'Math', property: 'random', message: RNG_MESSAGE },
    ...['setTimeout', 'setInterval', 'setImmediate', 'performance', 'Date'].flatMap((property) =>
      ['globalThis', 'global', 'window'].map((object) => ({
        object,
        property,
        message: CLOCK_MESSAGE,
      })),
    ),
    { object: 'process', property: 'hrtime', message: CLOCK_MESSAGE },
    { object: 'crypto', property: 'randomUUID', message: RNG_MESSAGE },
    { object: 'crypto', property: 'getRandomValues', message: RNG_MESSAGE },
  ],
  'no-restricted-syntax': [
    'error',
    {
      selector: "NewExpression[callee.name='Date'][arguments.length=0]",
      message: `\`new Date()\` reads the wall clock. ${CLOCK_MESSAGE}`,
    },
    {
      selector: "CallExpression[callee.name='Date']",
      message: `\`Date()\` reads the wall clock. ${CLOCK_MESSAGE}`,
    },
  ],
};

// ---------------------------------------------------------------------------------------------
// Elements for eslint-plugin-boundaries: every linted file must belong to one.
// Order matters: the first matching descriptor wins, so specific folders come first.

const ROOT_CONFIG_FILES = ['eslint.config.js', 'vite.config.ts', 'vitest.config.ts'];

const elements = [
  { type: 'core-api', pattern: 'core/host/api', partialMatch: false },
  { type: 'core', pattern: 'core', partialMatch: false },
  { type: 'electron', pattern: 'electron', partialMatch: false },
  { type: 'renderer-store', pattern: 'renderer/store', partialMatch: false },
  { type: 'renderer-ui', pattern: 'renderer/ui', partialMatch: false },
  {
    type: 'renderer-feature',
    pattern: 'renderer/features/*',
    capture: ['feature'],
    partialMatch: false,
  },
  { type: 'renderer', pattern: 'renderer', partialMatch: false },
  { type: 'cli', pattern: 'cli', partialMatch: false },
  { type: 'test', pattern: 'test', partialMatch: false },
  { type: 'bench', pattern: 'bench', partialMatch: false },
  { type: 'examples', pattern: 'examples', partialMatch: false },
  { type: 'scripts', pattern: 'scripts', partialMatch: false },
  { type: 'bin', pattern: 'bin', partialMatch: false },
];

export default tseslint.config(
  {
    name: 'rehearsal/ignores',
    ignores: [
      'node_modules/',
      'dist/',
      'dist-*/',
      'coverage/',
      'bench/results/',
      'tmp/',
      'scratch/',
      '**/*.d.ts.map',
    ],
  },
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    name: 'rehearsal/typescript',
    files: TS_FILES,
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // Async correctness matters in a queue engine: an unawaited promise is a lost error.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true },
      ],
      // With verbatimModuleSyntax, `import { type X }` keeps a side-effect import at run time.
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { fixStyle: 'separate-type-imports' },
      ],
      '@typescript-eslint/no-import-type-side-effects': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      // noUncheckedIndexedAccess makes `xs[i]!` after a bounds check a common, honest idiom.
      '@typescript-eslint/no-non-null-assertion': 'off',
      // JSON-shaped records (journal worlds, wire options) are plain objects on purpose: they are
      // checkpointed and sent as JSON, so deleting a key from one is the honest operation.
      '@typescript-eslint/no-dynamic-delete': 'off',
      '@typescript-eslint/ban-ts-comment': [
        'error',
        { 'ts-expect-error': 'allow-with-description' },
      ],
      eqeqeq: ['error', 'always'],
      'no-console': 'off',
    },
  },
  {
    name: 'rehearsal/node-globals',
    files: [
      'core/**',
      'cli/**',
      'electron/**',
      'test/**',
      'bench/**',
      'examples/**',
      'scripts/**',
      'bin/**',
      '*.js',
      '*.ts',
    ],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    name: 'rehearsal/browser-globals',
    files: ['renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    name: 'rehearsal/javascript',
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
  },

  // ---- import boundaries, one block per layer (files do not overlap) ----
  restrictImports('core', ['core/**'], coreRestrictions, [
    'core/host/api/**',
    'core/db/**',
    'core/host/ws-server.ts',
  ]),
  restrictImports('core-db', ['core/db/**'], [...coreRestrictions.filter((p) => p !== noSqlite)]),
  restrictImports(
    'core-ws-server',
    ['core/host/ws-server.ts'],
    [...coreRestrictions.filter((p) => p !== noWs)],
  ),
  restrictImports('core-host-api', ['core/host/api/**'], apiRestrictions),
  restrictImports(
    'renderer',
    ['renderer/**'],
    [...rendererRestrictions, noZustand],
    ['renderer/store/**'],
  ),
  restrictImports('renderer-store', ['renderer/store/**'], rendererRestrictions),
  restrictImports('electron', ['electron/**'], electronRestrictions, ['electron/preload.ts']),
  restrictImports('electron-preload', ['electron/preload.ts'], preloadRestrictions),
  restrictImports('cli', ['cli/**'], cliRestrictions),
  restrictImports('examples', ['examples/**'], examplesRestrictions),

  // ---- no ambient time or randomness in core ----
  {
    name: 'rehearsal/core-time',
    files: ['core/**'],
    ignores: TIME_FILES_EXEMPT,
    rules: ambientTimeRules,
  },

  // ---- elements: unknown files, feature isolation, presentational ui ----
  {
    name: 'rehearsal/boundaries',
    files: ['**/*.ts', '**/*.tsx', '**/*.js'],
    plugins: { boundaries },
    settings: {
      'boundaries/elements': elements,
      'boundaries/root-path': import.meta.dirname,
      'boundaries/include': ['**/*.ts', '**/*.tsx', '**/*.js'],
      // Root tool configs are the only files outside a folder element; boundaries v7 can declare a
      // single root file only through the deprecated `mode: 'file'`, so they are listed here.
      'boundaries/ignore': [...ROOT_CONFIG_FILES, 'node_modules/**', 'dist/**', 'dist-*/**'],
    },
    rules: {
      'boundaries/no-unknown-files': 'error',
      'boundaries/dependencies': [
        'error',
        {
          default: 'allow',
          policies: [
            {
              from: { element: { type: 'renderer-feature' } },
              disallow: {
                to: {
                  element: {
                    type: 'renderer-feature',
                    captured: { feature: '!{{from.captured.feature}}' },
                  },
                },
              },
              message:
                'renderer/features/{{from.captured.feature}} never imports another feature ({{to.captured.feature}}): share through renderer/ui, the store or commands.',
            },
            {
              from: { element: { type: 'renderer-ui' } },
              disallow: {
                to: { element: { types: { anyOf: ['renderer-store', 'core-api', 'core'] } } },
              },
              message:
                'renderer/ui/ is presentational: no store, no engine. Pass data in as props.',
            },
          ],
        },
      ],
    },
  },
);
