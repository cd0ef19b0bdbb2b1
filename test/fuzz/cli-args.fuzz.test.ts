/**
 * Fuzz target (c): command-line arguments. `main(argv, io)` (cli/main.ts) runs in this process
 * for every input — hostile words, and well-formed command lines built from each command's spec
 * with hostile values — against real files: a run database, a foreign SQLite file, a text file,
 * scenarios. Every input ends with exit 0, 1 or 3, or exit 2 with `error [CODE]` and the
 * databases byte-identical; never `INTERNAL`, never an exception out of `main`, never a leaked
 * signal handler. A handful of inputs also go through the real bin in a child process, for the
 * commands that would run forever in process (`worker`, `serve`).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandSpec } from '../../cli/args.ts';
import {
  diffSpec,
  dlqListSpec,
  dlqPurgeSpec,
  dlqRequeueSpec,
  enqueueSpec,
  forkSpec,
  journalSpec,
  queuesSpec,
  replaySpec,
  resultSpec,
  runSpec,
  stateSpec,
} from '../../cli/specs.ts';
import { parseScenario } from '../../core/sim/load-scenario.ts';
import { runScenario } from '../../core/sim/simulator.ts';
import { rehearsal, scratchDir } from '../cli/run-cli.ts';
import { runMain } from '../helpers/run-main.ts';
import { dbState, fileHash } from './file-state.ts';
import { fcParams, fuzzRuns, fuzzTimeout, reportCount } from './fuzz-config.ts';
import { EDGE_KEYS } from './json-mutations.ts';

/** A tiny scenario: one success with a stored result, one dead letter; runs in milliseconds. */
const TINY = {
  rehearsal: 1,
  name: 'tiny',
  seed: 3,
  actors: [
    {
      name: 'add',
      options: { store_results: true },
      behavior: { duration: { dist: 'constant', ms: 1 }, result: { op: 'sum' } },
    },
    {
      name: 'flaky',
      options: { max_retries: 1, min_backoff: 1, max_backoff: 2 },
      behavior: { fail: { first: 5, error: 'ConnectionError' } },
    },
  ],
  messages: [
    { id: 'sum-1', actor: 'add', args: [1, 2] },
    { id: 'flaky-1', actor: 'flaky' },
  ],
};

/** The files every input may name (all inside one scratch folder). */
type Files = {
  cwd: string;
  run: string;
  foreignSqlite: string;
  notes: string;
  scenario: string;
  badScenario: string;
  folder: string;
};

let files: Files;

/** Files whose bytes a refused command must leave as they were. */
const watched = (): string[] => [files.run, files.foreignSqlite, files.notes, files.scenario];

beforeAll(async () => {
  const cwd = scratchDir();
  files = {
    cwd,
    run: join(cwd, 'tiny.run.db'),
    foreignSqlite: join(cwd, 'customers.db'),
    notes: join(cwd, 'notes.db'),
    scenario: join(cwd, 'tiny.json'),
    badScenario: join(cwd, 'bad.json'),
    folder: join(cwd, 'folder'),
  };
  writeFileSync(files.scenario, JSON.stringify(TINY, null, 2));
  writeFileSync(files.badScenario, '{"rehearsal": 1, "actors": [{"name": "a", "queue": 7}]');
  writeFileSync(files.notes, 'these are my notes, not a database\n');
  mkdirSync(files.folder);
  const db = new Database(files.foreignSqlite);
  db.exec('CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)');
  db.close();
  await runScenario(parseScenario(TINY), { db: files.run });
});

/** Words a fuzzer puts where a value goes. */
function valueWords(): string[] {
  return [
    '',
    ' ',
    '-',
    '--',
    '-1',
    '0',
    '1',
    '2',
    '7',
    '1.5',
    '1e309',
    '9007199254740993',
    'NaN',
    'null',
    '[1, 2',
    '[1, 2]',
    '[]',
    '{}',
    '{"a": 1}',
    '[{"actor": "add", "args": [1, 2]}, {"actor": "add"}]',
    '[{"actor": "nope"}]',
    '{"actor": "add"}',
    '"x"',
    'x'.repeat(300),
    '["\\u0000"]',
    '💥',
    'add',
    'flaky',
    'ad',
    'default',
    'default.DQ',
    'b@d',
    'sum-1',
    'flaky-1',
    'virtual',
    'real',
    'table',
    'jsonl',
    'json',
    'actors.add.options.max_retries=1',
    'actors.add.behavior.__proto__.polluted=1',
    'actors.flaky.options.max_retries=x',
    'workers[0].threads=1000000000',
    'a=b',
    '=',
    ...EDGE_KEYS,
    files.run,
    files.foreignSqlite,
    files.notes,
    files.scenario,
    files.badScenario,
    files.folder,
    join(files.cwd, 'missing.db'),
    join(files.cwd, 'new.run.db'),
    join(files.folder, 'out.jsonl'),
    'tiny.run.db',
    'tiny.json',
    'missing.json',
  ];
}

const SPECS: readonly CommandSpec[] = [
  enqueueSpec,
  queuesSpec,
  journalSpec,
  dlqListSpec,
  dlqRequeueSpec,
  dlqPurgeSpec,
  runSpec,
  stateSpec,
  replaySpec,
  forkSpec,
  diffSpec,
  resultSpec,
];

/** Flags left out in process: they wait for something that never comes. */
const SKIPPED_FLAGS = new Set(['follow', 'wait']);

function argvArb(): fc.Arbitrary<string[]> {
  const value = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...valueWords()) },
    { weight: 1, arbitrary: fc.string({ maxLength: 16 }) },
  );
  const flagsOf = (spec: CommandSpec): fc.Arbitrary<string[]> => {
    const names = Object.keys(spec.options).filter((n) => !SKIPPED_FLAGS.has(n));
    const flag = fc
      .tuple(
        fc.oneof(
          { weight: 8, arbitrary: fc.constantFrom(...names, 'verbose') },
          { weight: 1, arbitrary: fc.constantFrom('nope', 'db', 'h') },
        ),
        value,
        fc.oneof(
          { weight: 6, arbitrary: fc.constant('space') },
          { weight: 2, arbitrary: fc.constant('equals') },
          { weight: 1, arbitrary: fc.constant('bare') },
        ),
      )
      .map(([name, v, form]): string[] => {
        const type = spec.options[name]?.type ?? (name === 'verbose' ? 'boolean' : 'string');
        const dashes = name.length === 1 ? '-' : '--';
        if (type === 'boolean')
          return [form === 'equals' ? `${dashes}${name}=${v}` : `${dashes}${name}`];
        if (form === 'equals') return [`${dashes}${name}=${v}`];
        if (form === 'bare') return [`${dashes}${name}`];
        return [`${dashes}${name}`, v];
      });
    return fc.array(flag, { maxLength: 3 }).map((fs) => fs.flat());
  };
  const positionalsOf = (spec: CommandSpec): fc.Arbitrary<string[]> =>
    fc
      .tuple(
        ...spec.positionals.map((p) =>
          fc.oneof(
            {
              weight: 8,
              arbitrary: fc.array(
                value,
                p.variadic ? { minLength: 1, maxLength: 3 } : { minLength: 1, maxLength: 1 },
              ),
            },
            { weight: 1, arbitrary: fc.constant<string[]>([]) },
          ),
        ),
        fc.oneof(
          { weight: 8, arbitrary: fc.constant<string[]>([]) },
          { weight: 1, arbitrary: fc.array(value, { minLength: 1, maxLength: 2 }) },
        ),
      )
      .map((groups) => groups.flat());
  const structured = fc
    .constantFrom(...SPECS)
    .chain((spec) =>
      fc
        .tuple(positionalsOf(spec), flagsOf(spec), fc.boolean())
        .map(([positionals, flags, flagsFirst]) => [
          ...spec.name.split(' '),
          ...(flagsFirst ? [...flags, ...positionals] : [...positionals, ...flags]),
        ]),
    );
  const words = fc.array(
    fc.oneof(
      fc.constantFrom(...SPECS.map((s) => s.name.split(' ')[0]!), 'dlq', 'help', '--help', '-V'),
      value,
      fc.string({ maxLength: 8 }),
    ),
    { maxLength: 6 },
  );
  // Every input names --db, so nothing falls back to ./rehearsal.db of the repository; and no
  // word holds a NUL, which execve cannot pass (a real command line never has one).
  const withDb = (argv: string[]): string[] =>
    (argv.some((a) => a === '--db' || a.startsWith('--db='))
      ? argv
      : [...argv, '--db', files.run]
    ).map((a) => a.replaceAll('\u0000', '\\u0000'));
  return fc
    .oneof({ weight: 6, arbitrary: structured }, { weight: 1, arbitrary: words })
    .map(withDb);
}

const listeners = (): number[] =>
  (['SIGINT', 'SIGTERM', 'exit', 'uncaughtException', 'unhandledRejection'] as const).map((e) =>
    process.listenerCount(e),
  );

const originalCwd = process.cwd();
afterAll(() => process.chdir(originalCwd));

describe('command-line arguments under fuzzing', () => {
  const runs = fuzzRuns(1000);
  it(
    'end with exit 0, 1 or 3, or a coded exit 2 that wrote nothing — never INTERNAL or a crash',
    { timeout: fuzzTimeout(runs, 60) },
    async () => {
      // Relative paths in the inputs resolve in the scratch folder, never in the repository.
      process.chdir(files.cwd);
      let n = 0;
      const exits = new Map<number, number>();
      const codes = new Map<string, number>();
      const t0 = performance.now();
      await fc.assert(
        fc.asyncProperty(argvArb(), async (argv) => {
          n++;
          const before = watched().map(dbState);
          const notesBefore = fileHash(files.notes);
          const handlersBefore = listeners();
          const { code, stderr } = await runMain(argv, { cwd: files.cwd });
          exits.set(code, (exits.get(code) ?? 0) + 1);
          const what = `rehearsal ${JSON.stringify(argv)} → ${code}\n${stderr}`;
          expect(stderr, what).not.toContain('[INTERNAL]');
          expect([0, 1, 2, 3], what).toContain(code);
          expect(listeners(), `${what}: signal handlers left behind`).toEqual(handlersBefore);
          expect(({} as Record<string, unknown>).polluted).toBeUndefined();
          expect(fileHash(files.notes), what).toBe(notesBefore);
          if (code === 2) {
            const m = /^error \[([A-Z][A-Z0-9_]+)\]: \S/m.exec(stderr);
            if (m) codes.set(m[1]!, (codes.get(m[1]!) ?? 0) + 1);
            // Usage errors print the help instead of an error line.
            else expect(stderr, what).toMatch(/^Usage: rehearsal/);
            const verbose = argv.some((a) => a === '-v' || a === '--verbose');
            if (!verbose) expect(stderr, what).not.toMatch(/^\s+at /m);
            expect(watched().map(dbState), `${what}: a refused command wrote`).toEqual(before);
          }
        }),
        fcParams(runs),
      );
      reportCount('cli/in-process', n, performance.now() - t0);
      console.log(
        `  exits: ${[...exits].map(([c, k]) => `${c}×${k}`).join(', ')}; codes:`,
        [...codes].map(([c, k]) => `${c} ${k}`).join(', '),
      );
    },
  );

  it(
    'refuses hostile worker and serve lines in a child process with a coded exit 2',
    { timeout: 120_000 },
    async () => {
      const cwd = files.cwd;
      const lines: string[][] = [
        ['worker', 'missing-module.ts', '--db', files.run],
        ['worker', files.notes, '--threads', '-3', '--db', files.run],
        ['worker', files.scenario, '--processes', '1e309', '--db', files.run],
        ['serve', 'b@d!', '--db', files.run],
        ['serve', 'no-such-scenario', '--port', '70000', '--db', files.run],
        ['serve', files.foreignSqlite, '--port', '0'],
      ];
      const t0 = performance.now();
      const before = watched().map(dbState);
      const results = await Promise.all(lines.map((argv) => rehearsal(argv, { cwd })));
      results.forEach((r, i) => {
        const what = `rehearsal ${JSON.stringify(lines[i])} → ${r.code}\n${r.stderr}`;
        expect(r.code, what).toBe(2);
        expect(r.stderr, what).toMatch(/^error \[[A-Z][A-Z0-9_]+\]: /m);
        expect(r.stderr, what).not.toContain('[INTERNAL]');
      });
      expect(watched().map(dbState)).toEqual(before);
      reportCount('cli/child-process', lines.length, performance.now() - t0);
    },
  );
});
