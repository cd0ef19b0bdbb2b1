/**
 * Edges of the command line found by an audit: flags without a value or with an empty one, a
 * --queue nobody listens to, numbers JSON cannot hold, and the exit codes --help promises for
 * Ctrl+C. Each is checked through the real bin, in a temp dir, and bad input must leave no file.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SqliteBroker } from '../../core/index.ts';
import {
  expectRefused,
  fileState,
  fixture,
  rehearsal,
  setup,
  start,
  waitFor,
  type CliResult,
  type Running,
} from './run-cli.ts';

/** Waits until a worker's stderr says it is ready; fails with what it printed otherwise. */
async function waitForReady(w: Running): Promise<void> {
  try {
    await waitFor(
      'the worker to be ready',
      () => (w.stderr().includes('Worker process is ready for action.') ? true : undefined),
      60_000,
    );
  } catch (err) {
    throw new Error(`${(err as Error).message}; its stderr:\n${w.stderr()}`);
  }
}

// A command that wrongly accepts its input may start a worker that never ends: fail fast instead.
const QUICK = { timeoutMs: 20_000 };

describe.concurrent('command-line edges are refused clearly', { timeout: 120_000 }, () => {
  it('names a flag that has a short form by its long name, short form and value placeholder when its value is missing', async () => {
    const { cwd, db } = setup();
    const worker = ['worker', fixture('tasks.ts'), '--db', db];
    const [threads, short, queues, processes, mod] = await Promise.all([
      rehearsal([...worker, '--threads'], { cwd, ...QUICK }),
      rehearsal([...worker, '-t'], { cwd, ...QUICK }),
      rehearsal([...worker, '-Q'], { cwd, ...QUICK }),
      rehearsal([...worker, '--processes'], { cwd, ...QUICK }),
      rehearsal(['enqueue', 'add', '--db', db, '-m'], { cwd, ...QUICK }),
    ]);
    for (const r of [threads, short, queues, processes, mod]) {
      expectRefused(r, 'MISSING_VALUE');
      expect(r.stderr).not.toContain('-t,');
    }
    const expected =
      'error [MISSING_VALUE]: flag `--threads` (-t) of `rehearsal worker` needs a value: --threads N\n';
    expect(threads.stderr).toBe(expected);
    expect(short.stderr).toBe(expected);
    expect(queues.stderr).toContain('flag `--queues` (-Q) of `rehearsal worker` needs a value');
    expect(processes.stderr).toContain('flag `--processes` (-p) of `rehearsal worker`');
    expect(processes.stderr).toContain('--processes N');
    expect(mod.stderr).toContain(
      'flag `--module` (-m) of `rehearsal enqueue` needs a value: --module MODULE',
    );
    expect(fileState(db)).toBe('absent');
  });

  it('refuses an empty value for any flag that takes one, before creating any database', async () => {
    const { cwd, db } = setup();
    const envDb = join(cwd, 'from-env.db');
    const env = { REHEARSAL_DB: envDb };
    const module = fixture('tasks.ts');
    const [queuesEq, commaOnly, dbEq, dbQuoted, threads, enqueueDb, dlqQueue] = await Promise.all([
      rehearsal(['worker', module, '--queues=', '--db', db], { cwd, ...QUICK }),
      rehearsal(['worker', module, '-Q', ',', '--db', db], { cwd, ...QUICK }),
      rehearsal(['worker', module, '--db='], { cwd, env, ...QUICK }),
      rehearsal(['worker', module, '--db', ''], { cwd, ...QUICK }),
      rehearsal(['worker', module, '-t', ' ', '--db', db], { cwd, ...QUICK }),
      rehearsal(['enqueue', 'add', '--module', module, '--db='], { cwd, env, ...QUICK }),
      rehearsal(['dlq', 'list', '--queue=', '--db', db], { cwd, ...QUICK }),
    ]);
    for (const r of [queuesEq, commaOnly, dbEq, dbQuoted, threads, enqueueDb, dlqQueue])
      expectRefused(r, 'MISSING_VALUE');
    expect(queuesEq.stderr).toContain(
      'flag `--queues` (-Q) of `rehearsal worker` got an empty value; it needs one: --queues QUEUE ...',
    );
    expect(queuesEq.stderr).toContain('to use the default, leave out --queues');
    expect(commaOnly.stderr).toContain(
      'flag `--queues` (-Q) of `rehearsal worker` got no queue name',
    );
    expect(dbEq.stderr).toContain(
      'flag `--db` of `rehearsal worker` got an empty value; it needs one: --db FILE',
    );
    expect(dbQuoted.stderr).toContain('flag `--db` of `rehearsal worker` got an empty value');
    expect(threads.stderr).toContain(
      'flag `--threads` (-t) of `rehearsal worker` got a value of only spaces',
    );
    expect(enqueueDb.stderr).toContain('flag `--db` of `rehearsal enqueue` got an empty value');
    expect(dlqQueue.stderr).toContain(
      'flag `--queue` (-Q) of `rehearsal dlq list` got an empty value',
    );
    for (const f of [db, envDb, join(cwd, 'rehearsal.db')]) expect(fileState(f)).toBe('absent');
  });

  it('describes in --help the exit codes Ctrl+C really gives: 0 for a worker and journal --follow', async () => {
    const { cwd, db } = setup();
    const help = await rehearsal(['--help'], { cwd });
    expect(help.code).toBe(0);
    expect(help.stdout).not.toContain('130 stopped by Ctrl+C');
    expect(help.stdout).toMatch(
      /Ctrl\+C \(SIGINT\) or SIGTERM: `worker`, `journal --follow` and `serve` stop cleanly and exit 0,/,
    );
    expect(help.stdout).toMatch(/a second signal stops a worker at once: exit 1/);
    expect(help.stdout).toMatch(/`run`, `replay`,\s+`fork` and `profile` stop early and exit 130/);

    const worker = start(['worker', fixture('tasks.ts'), '--in-process', '--db', db], { cwd });
    await waitForReady(worker);
    const sent = await rehearsal(['enqueue', 'add', '--args', '[1, 2]', '--db', db], { cwd });
    expect(sent.code).toBe(0);
    const follow = start(['journal', '--follow', '--format', 'jsonl', '--db', db], { cwd });
    await waitFor('the journal to print', () => (follow.stdout() !== '' ? true : undefined));
    worker.child.kill('SIGINT');
    follow.child.kill('SIGINT');
    expect(await worker.exited).toEqual({ code: 0, signal: null });
    expect(await follow.exited).toEqual({ code: 0, signal: null });
  });

  it('refuses --queue naming a queue no actor is on, listing the known queues and the closest, and writes nothing', async () => {
    const { cwd, db } = setup();
    const send = (...extra: string[]): Promise<CliResult> =>
      rehearsal(['enqueue', 'add', '--module', fixture('tasks.ts'), '--db', db, ...extra], {
        cwd,
      });
    const [unknown, typo] = await Promise.all([
      send('--queue', 'nosuchq'),
      send('--queue', 'slwo'),
    ]);
    expectRefused(unknown, 'QUEUE_NOT_FOUND');
    expect(unknown.stderr).toContain(
      'unknown queue `nosuchq` given to --queue: no actor is on it, so no worker would take the message',
    );
    expect(unknown.stderr).toContain('  known queues: default, failing, other, slow\n');
    expect(unknown.stderr).toContain('leave out --queue to use the queue of `add` (`default`)');
    expectRefused(typo, 'QUEUE_NOT_FOUND');
    expect(typo.stderr).toContain('did you mean `slow`?');
    expect(fileState(db)).toBe('absent');

    // Another actor's queue is fine, and so is a queue the database's queues table has.
    const other = await send('--queue', 'slow');
    expect(other.code).toBe(0);
    const broker = new SqliteBroker({ file: db });
    broker.declareQueue('manual');
    broker.close();
    const before = fileState(db);
    const stillUnknown = await send('--queue', 'nosuchq');
    expectRefused(stillUnknown, 'QUEUE_NOT_FOUND');
    expect(stillUnknown.stderr).toContain('known queues: default, failing, manual, other, slow');
    expect(fileState(db)).toBe(before);
    const declared = await send('--queue', 'manual');
    expect(declared.code).toBe(0);
  });

  it('refuses a number too large for a JavaScript number in --args, --kwargs and --pipeline, with its JSON path', async () => {
    const { cwd, db } = setup();
    const base = ['enqueue', '--module', fixture('tasks.ts'), '--db', db];
    const [args, kwargs, steps] = await Promise.all([
      rehearsal([...base, 'add', '--args', '[1e999]'], { cwd }),
      rehearsal([...base, 'add', '--kwargs', '{"a": {"b c": [1, -1e999]}}'], { cwd }),
      rehearsal([...base, '--pipeline', '[{"actor": "add", "args": [1, 2e308]}]'], { cwd }),
    ]);
    for (const r of [args, kwargs, steps]) expectRefused(r, 'NUMBER_OUT_OF_RANGE');
    expect(args.stderr).toContain('--args[0]: 1e999 is too large for a number');
    expect(args.stderr).toContain('  [1e999]\n   ^\n');
    expect(kwargs.stderr).toContain('--kwargs.a["b c"][1]: -1e999 is too large for a number');
    expect(steps.stderr).toContain('--pipeline[0].args[1]: 2e308 is too large for a number');
    expect(fileState(db)).toBe('absent');
  });

  it('names the upper limit of --delay, says "an object", and says a folder is not a module file', async () => {
    const { cwd, db } = setup();
    mkdirSync(join(cwd, 'tasks'));
    writeFileSync(join(cwd, 'tasks', 'email.ts'), 'export {};\n');
    mkdirSync(join(cwd, 'empty'));
    const enqueue = ['enqueue', 'add', '--module', fixture('tasks.ts'), '--db', db];
    const [delay, object, folder, empty] = await Promise.all([
      rehearsal([...enqueue, '--delay', '99999999999999999999'], { cwd }),
      rehearsal([...enqueue, '--args', '{"a":1}'], { cwd }),
      rehearsal(['worker', 'tasks', '--db', db], { cwd, ...QUICK }),
      rehearsal(['worker', 'empty', '--db', db], { cwd, ...QUICK }),
    ]);
    expectRefused(delay, 'INVALID_ARGUMENT');
    expect(delay.stderr).toContain(
      '--delay must be a whole number from 0 to 9007199254740991 (2^53 - 1, the largest that is exact), got "99999999999999999999"',
    );
    expectRefused(object, 'ARGS_NOT_ARRAY');
    expect(object.stderr).toContain('got an object');
    expectRefused(folder, 'MODULE_NOT_A_FILE');
    expect(folder.stderr).toContain(
      'module tasks is a folder; MODULE must be a .ts or .js file that exports actors',
    );
    expect(folder.stderr).toContain(`module files in tasks: ${join('tasks', 'email.ts')}`);
    expectRefused(empty, 'MODULE_NOT_A_FILE');
    expect(empty.stderr).toContain('empty holds no .ts or .js file');
    expect(fileState(db)).toBe('absent');
  });
});
