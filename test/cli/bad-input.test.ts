import Database from 'better-sqlite3';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectRefused, fileState, fixture, rehearsal, setup } from './run-cli.ts';

/** `PRAGMA application_id` of a Rehearsal database ("RHRS"). */
const REHEARSAL_APP_ID = 0x52485253;

/** A SQLite file that is not a Rehearsal database. */
function foreignSqlite(file: string): void {
  const db = new Database(file);
  db.exec('CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)');
  db.close();
}

/** A Rehearsal database written by a newer Rehearsal (schema version 99). */
function newerSchemaDb(file: string, journalMode: 'WAL' | 'DELETE'): void {
  const db = new Database(file);
  db.pragma(`journal_mode = ${journalMode}`);
  db.exec('CREATE TABLE from_the_future (x)');
  db.pragma(`application_id = ${REHEARSAL_APP_ID}`);
  db.pragma('user_version = 99');
  db.close();
}

describe.concurrent(
  'bad input is refused with a coded error, exit 2, and no database write',
  { timeout: 120_000 },
  () => {
    it('reports an unknown actor option in the module with the module path (worker)', async () => {
      const { cwd, db } = setup();
      const r = await rehearsal(['worker', fixture('bad-option.ts'), '--db', db], { cwd });
      expectRefused(r, 'UNKNOWN_ACTOR_OPTION');
      expect(r.stderr).toMatch(/bad-option\.ts:\d+:\d+: unknown actor option `maxRetires`/);
      expect(r.stderr).toContain('did you mean `maxRetries`?');
      expect(fileState(db)).toBe('absent');
    });

    it('reports bad JSON in --args with the flag, the position and a caret', async () => {
      const { cwd, db } = setup();
      const r = await rehearsal(
        ['enqueue', 'add', '--module', fixture('tasks.ts'), '--args', '[1, 2', '--db', db],
        { cwd },
      );
      expectRefused(r, 'INVALID_JSON');
      expect(r.stderr).toContain("--args is not valid JSON: expected ',' or ']' at position 5");
      expect(r.stderr).toContain('  [1, 2\n       ^');
      expect(fileState(db)).toBe('absent');
    });

    it('requires --args to be a JSON array and --kwargs a JSON object', async () => {
      const { cwd, db } = setup();
      const base = ['enqueue', 'add', '--module', fixture('tasks.ts'), '--db', db];
      const [args, kwargs] = await Promise.all([
        rehearsal([...base, '--args', '{"x": 1}'], { cwd }),
        rehearsal([...base, '--kwargs', '[1]'], { cwd }),
      ]);
      expectRefused(args, 'ARGS_NOT_ARRAY');
      expect(args.stderr).toContain('--args must be a JSON array');
      expectRefused(kwargs, 'KWARGS_NOT_OBJECT');
      expect(kwargs.stderr).toContain('--kwargs must be a JSON object');
      expect(fileState(db)).toBe('absent');
    });

    it('refuses an unknown actor, listing the known ones and the closest name', async () => {
      const { cwd, db } = setup();
      const r = await rehearsal(['enqueue', 'ad', '--module', fixture('tasks.ts'), '--db', db], {
        cwd,
      });
      expectRefused(r, 'ACTOR_NOT_FOUND');
      expect(r.stderr).toContain('unknown actor `ad` — did you mean `add`?');
      expect(r.stderr).toContain('known actors: add, also_fails, always_fails, slow');
      expect(fileState(db)).toBe('absent');
    });

    it('refuses an unknown actor when the database does not exist, saying how to fix it', async () => {
      const { cwd, db } = setup();
      const r = await rehearsal(['enqueue', 'add', '--db', db], { cwd });
      expectRefused(r, 'ACTOR_NOT_FOUND');
      expect(r.stderr).toContain('--module');
      expect(fileState(db)).toBe('absent');
    });

    it('refuses a queue name that is not allowed (enqueue --queue, worker --queues)', async () => {
      const { cwd, db } = setup();
      const [enq, work] = await Promise.all([
        rehearsal(
          [
            'enqueue',
            'add',
            '--module',
            fixture('tasks.ts'),
            '--queue',
            'high priority',
            '--db',
            db,
          ],
          { cwd },
        ),
        rehearsal(['worker', fixture('tasks.ts'), '--queues', 'b@d', '--db', db], { cwd }),
      ]);
      expectRefused(enq, 'INVALID_QUEUE_NAME');
      expect(enq.stderr).toContain('"high priority" given to --queue is not allowed');
      expectRefused(work, 'INVALID_QUEUE_NAME');
      expect(work.stderr).toContain('"b@d" given to --queues');
      expect(fileState(db)).toBe('absent');
    });

    it('refuses a negative or non-numeric --delay', async () => {
      const { cwd, db } = setup();
      const r = await rehearsal(
        ['enqueue', 'add', '--module', fixture('tasks.ts'), '--delay=-5', '--db', db],
        { cwd },
      );
      expectRefused(r, 'INVALID_ARGUMENT');
      expect(r.stderr).toContain('--delay must be a whole number at least 0, got "-5"');
      expect(fileState(db)).toBe('absent');
    });

    it('refuses a file that is not SQLite, leaving its bytes unchanged', async () => {
      const { cwd, db } = setup();
      writeFileSync(db, 'these are my notes, not a database\n'.repeat(10));
      const before = fileState(db);
      const [read, write] = await Promise.all([
        rehearsal(['queues', '--db', db], { cwd }),
        rehearsal(['enqueue', 'add', '--module', fixture('tasks.ts'), '--db', db], { cwd }),
      ]);
      expectRefused(read, 'DB_NOT_SQLITE');
      expect(read.stderr).toContain(db);
      expectRefused(write, 'DB_NOT_SQLITE');
      expect(fileState(db)).toBe(before);
    });

    it('refuses a SQLite database that is not a Rehearsal database, leaving it unchanged', async () => {
      const { cwd, db } = setup();
      foreignSqlite(db);
      const before = fileState(db);
      const [read, work] = await Promise.all([
        rehearsal(['journal', '--db', db], { cwd }),
        rehearsal(['worker', fixture('tasks.ts'), '--in-process', '--db', db], { cwd }),
      ]);
      expectRefused(read, 'DB_NOT_REHEARSAL');
      expectRefused(work, 'DB_NOT_REHEARSAL');
      expect(fileState(db)).toBe(before);
    });

    it.each([
      ['WAL', ['dlq', 'list']],
      ['DELETE', ['enqueue', 'add', '--module', fixture('tasks.ts')]],
    ] as const)(
      'refuses a database with a newer schema (%s journal mode), leaving it unchanged',
      async (mode, command) => {
        const { cwd, db } = setup();
        newerSchemaDb(db, mode);
        const before = fileState(db);
        const r = await rehearsal([...command, '--db', db], { cwd });
        expectRefused(r, 'DB_NEWER_SCHEMA');
        expect(r.stderr).toContain(`${db} has schema version 99`);
        expect(fileState(db)).toBe(before);
      },
    );

    it('reports a module that throws on import with the file and the first line of the error', async () => {
      const { cwd, db } = setup();
      const r = await rehearsal(['worker', fixture('throws-on-import.ts'), '--db', db], { cwd });
      expectRefused(r, 'MODULE_LOAD_FAILED');
      expect(r.stderr).toContain('throws-on-import.ts');
      expect(r.stderr).toContain('Error: cannot connect to the mail server');
      expect(r.stderr).not.toContain('second line');
      expect(fileState(db)).toBe('absent');
    });

    it('reports a module with a syntax error with its file and line', async () => {
      const { cwd, db } = setup();
      writeFileSync(join(cwd, 'broken.mts'), 'export const x: number = ;\n');
      const r = await rehearsal(['worker', 'broken.mts', '--db', db], { cwd });
      expectRefused(r, 'MODULE_LOAD_FAILED');
      expect(r.stderr).toMatch(
        /cannot load module broken\.mts: TransformError: broken\.m?ts:1:25: ERROR: /,
      );
      expect(fileState(db)).toBe('absent');
    });

    it('reports a module that does not exist, and one without actors', async () => {
      const { cwd, db } = setup();
      const [missing, empty] = await Promise.all([
        rehearsal(['worker', 'tasks-that-do-not-exist.ts', '--db', db], { cwd }),
        rehearsal(['worker', fixture('no-actors.ts'), '--db', db], { cwd }),
      ]);
      expectRefused(missing, 'MODULE_NOT_FOUND');
      expect(missing.stderr).toContain('tasks-that-do-not-exist.ts');
      expectRefused(empty, 'NO_ACTORS');
      expect(fileState(db)).toBe('absent');
    });

    it('refuses a scenario file given as MODULE, saying how to run it', async () => {
      const { cwd, db } = setup();
      const scenario = join(cwd, 'shop.json');
      writeFileSync(scenario, JSON.stringify({ rehearsal: 1, actors: [{ name: 'a' }] }));
      const r = await rehearsal(['worker', scenario, '--db', db], { cwd });
      expectRefused(r, 'MODULE_NOT_A_MODULE');
      expect(r.stderr).toContain('MODULE must be a .ts or .js file that exports actors');
      expect(r.stderr).toContain(`rehearsal run ${scenario}`);
      expect(fileState(db)).toBe('absent');
    });

    it('never creates the database for commands that only read', async () => {
      const { cwd, db } = setup();
      const results = await Promise.all([
        rehearsal(['queues', '--db', db], { cwd }),
        rehearsal(['dlq', 'list', '--db', db], { cwd }),
        rehearsal(['journal', '--db', db], { cwd }),
        rehearsal(['dlq', 'purge', '--db', db], { cwd }),
      ]);
      for (const r of results) {
        expectRefused(r, 'DB_NOT_FOUND');
        expect(r.stderr).toContain(db);
      }
      expect(fileState(db)).toBe('absent');
    });

    it('uses $REHEARSAL_DB when --db is not given, and prints the stack only with --verbose', async () => {
      const { cwd, db } = setup();
      const r = await rehearsal(['queues', '--verbose'], { cwd, env: { REHEARSAL_DB: db } });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`error [DB_NOT_FOUND]: database ${db} does not exist`);
      expect(r.stderr).toMatch(/^\s+at /m);
      expect(fileState(db)).toBe('absent');
    });
  },
);
