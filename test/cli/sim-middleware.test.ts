/**
 * User middleware loaded from the actor module (`export const middleware = [...]`): the examples
 * run under `rehearsal worker`, their hooks fire in the worker process (also when actors run in
 * worker threads), and a bad `middleware` export is refused before anything is written.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { countsNow, rehearsal, scratchDir, start, waitFor, type Running } from './run-cli.ts';

const example = (name: string): string =>
  fileURLToPath(new URL(`../../examples/${name}.ts`, import.meta.url));
const CORE = pathToFileURL(fileURLToPath(new URL('../../core/index.ts', import.meta.url))).href;

/** Waits until nothing is ready, delayed or running on `queue`, then stops the worker. */
async function drainAndStop(w: Running, db: string, queue: string, dead = 0): Promise<void> {
  await waitFor(
    `queue ${queue} to drain`,
    () => {
      const q = countsNow(db)?.find((r) => r.queue === queue);
      return q && q.ready + q.delayed + q.in_flight === 0 && q.dead === dead ? true : undefined;
    },
    60_000,
  );
  w.child.kill('SIGTERM');
  expect((await w.exited).code).toBe(0);
}

describe.concurrent('user middleware from the actor module', { timeout: 90_000 }, () => {
  it('examples/metrics-middleware.ts counts and times each actor, in worker threads, and prints the summary at shutdown', async () => {
    const cwd = scratchDir();
    const db = join(cwd, 'metrics.db');
    const sent = await rehearsal(
      [
        'enqueue',
        '--group',
        '[{"actor": "ping"}, {"actor": "ping"}, {"actor": "ping"}]',
        '--module',
        example('metrics-middleware'),
        '--db',
        db,
      ],
      { cwd },
    );
    expect(sent.code, sent.stderr).toBe(0);
    const w = start(['worker', example('metrics-middleware'), '--threads', '1', '--db', db], {
      cwd,
    });
    await drainAndStop(w, db, 'default');
    const log = w.stderr();
    expect(log).toMatch(
      /\[dramatiq\.MainProcess\] \[INFO\] Middleware of .*metrics-middleware\.ts: Metrics\./,
    );
    expect(log).toContain('[examples.Metrics] [INFO] metrics at shutdown:');
    expect(log).toMatch(
      /\[examples\.Metrics\] \[INFO\] {3}ping: 3 started, 3 ok, 0 failed, 0 skipped; duration mean [\d.]+ ms/,
    );
  });

  it('examples/logging-middleware.ts logs the start, the failure and the dead letter of a message', async () => {
    const cwd = scratchDir();
    const db = join(cwd, 'logging.db');
    const mod = example('logging-middleware');
    const sent = await rehearsal(
      ['enqueue', 'charge_card', '--args', '[1002, -5]', '--module', mod, '--db', db],
      { cwd },
    );
    expect(sent.code, sent.stderr).toBe(0);
    const id = sent.stdout.trim().slice(0, 8);
    const w = start(['worker', mod, '--in-process', '--db', db], { cwd });
    await drainAndStop(w, db, 'payments', 1);
    const log = w.stderr();
    expect(log).toContain(
      `[examples.RequestLogger] [INFO] start charge_card(1002, -5) #${id} (attempt 1)`,
    );
    expect(log).toMatch(
      new RegExp(
        `\\[WARNING\\] failed charge_card #${id} in \\d+ ms: ValueError: amount must be positive, got -5`,
      ),
    );
    expect(log).toContain(`[examples.RequestLogger] [WARNING] dead-lettered charge_card #${id}`);
  });

  it('refuses a `middleware` export that is not Middleware instances, naming the item, and writes nothing', async () => {
    const cwd = scratchDir();
    const mod = join(cwd, 'bad-middleware.mts');
    writeFileSync(
      mod,
      `import { actor, Middleware } from '${CORE}';
class Audit extends Middleware {}
export const ping = actor(() => undefined, { actorName: 'ping' });
export const middleware = [new Audit(), Audit];
`,
    );
    const db = join(cwd, 'never.db');
    const r = await rehearsal(['worker', 'bad-middleware.mts', '--db', db], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'error [INVALID_MIDDLEWARE]: bad-middleware.mts exports `middleware`, but item 1 of `middleware` is the class or function Audit, not an instance',
    );
    expect(r.stderr).toContain('did you forget `new`? e.g. new Audit()');
    expect(existsSync(db)).toBe(false);
  });
});
