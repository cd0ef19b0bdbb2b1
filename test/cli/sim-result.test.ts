/**
 * `rehearsal result` (found through the journal: results are keyed by queue, actor and message
 * id) and `rehearsal enqueue --pipeline / --group`, built with core's pipeline() and group() on
 * the actors a module or the database knows, enqueued whole or not at all.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { countsNow, rehearsal, scratchDir, start } from './run-cli.ts';

const CORE = pathToFileURL(fileURLToPath(new URL('../../core/index.ts', import.meta.url))).href;
const GROUP_SCENARIO = fileURLToPath(
  new URL('../../scenarios/group-fan-out-fan-in.json', import.meta.url),
);

/** An actor module in `dir` whose actors store their results. */
function mathModule(dir: string): string {
  const file = join(dir, 'math.mts');
  writeFileSync(
    file,
    `import { actor } from '${CORE}';
export const add = actor((x: number, y: number) => x + y, { actorName: 'add', storeResults: true });
export const double = actor((x: number) => 2 * x, { actorName: 'double', storeResults: true });
export const explode = actor((): number => { throw new TypeError('nope'); },
  { actorName: 'explode', storeResults: true, maxRetries: 0 });
export const collect = actor(() => undefined, { actorName: 'collect' });
`,
  );
  return file;
}

describe.concurrent('rehearsal result and composed enqueues', { timeout: 90_000 }, () => {
  it('prints a result stored in a run, looked up by label; exit 3 when the actor stores none', async () => {
    const cwd = scratchDir();
    const ran = await rehearsal(['run', GROUP_SCENARIO, '--db', 'g.run.db'], { cwd });
    expect(ran.code, ran.stderr).toBe(0);
    const [stored, none] = await Promise.all([
      rehearsal(['result', 'gallery[2]', '--db', 'g.run.db'], { cwd }),
      rehearsal(['result', 'gallery.on_complete', '--db', 'g.run.db'], { cwd }),
    ]);
    // render squares its argument: child 2 rendered 3.
    expect(stored.code, stored.stderr).toBe(0);
    expect(stored.stdout).toBe('9\n');
    expect(none.code).toBe(3);
    expect(none.stderr).toContain('error [RESULT_MISSING]');
    expect(none.stderr).toContain(
      '(actor build_gallery, queue default) finished without storing a result',
    );
  });

  it('enqueues a pipeline and a group for a worker, then prints the final result, and the failure with exit 1', async () => {
    const cwd = scratchDir();
    const mod = mathModule(cwd);
    const db = join(cwd, 'w.db');
    const [pipe, grp] = await Promise.all([
      rehearsal(
        [
          'enqueue',
          '--pipeline',
          '[{"actor": "add", "args": [1, 2]}, {"actor": "double"}]',
          '--module',
          mod,
          '--db',
          db,
        ],
        { cwd },
      ),
      rehearsal(
        [
          'enqueue',
          '--group',
          '[{"actor": "add", "args": [2, 3]}, {"pipeline": [{"actor": "add", "args": [5, 5]}, {"actor": "double"}]}, {"actor": "explode"}]',
          '--on-complete',
          '{"actor": "collect"}',
          '--module',
          mod,
          '--db',
          db,
        ],
        { cwd },
      ),
    ]);
    expect(pipe.code, pipe.stderr).toBe(0);
    expect(grp.code, grp.stderr).toBe(0);
    const steps = pipe.stdout.trim().split('\n');
    const children = grp.stdout.trim().split('\n');
    expect(steps).toHaveLength(2);
    expect(children).toHaveLength(3);
    // Only the first pipeline step is enqueued now; the group's children all are.
    expect(countsNow(db)?.find((q) => q.queue === 'default')?.ready).toBe(4);

    const w = start(['worker', mod, '--in-process', '--db', db], { cwd });
    try {
      // The pipeline's last step is enqueued only when the first finishes: --wait waits for it
      // to appear in the journal, then for its result.
      const [last, failed] = await Promise.all([
        rehearsal(['result', steps[1]!, '--wait', '30000', '--db', db], { cwd }),
        rehearsal(['result', children[2]!.slice(0, 8), '--wait', '30000', '--db', db], { cwd }),
      ]);
      expect(last.code, last.stderr).toBe(0);
      expect(last.stdout).toBe('6\n');
      expect(failed.code).toBe(1);
      expect(failed.stderr).toContain('error [RESULT_FAILURE]: actor raised TypeError: nope');
      expect(failed.stderr).toContain('(actor explode, queue default) failed for good');
    } finally {
      w.child.kill('SIGTERM');
      await w.exited;
    }
  });

  it('refuses a pipeline or group with an unknown actor or a bad step, writing nothing', async () => {
    const cwd = scratchDir();
    const mod = mathModule(cwd);
    const db = join(cwd, 'none.db');
    const [unknown, bad] = await Promise.all([
      rehearsal(
        [
          'enqueue',
          '--group',
          '[{"actor": "add", "args": [1, 2]}, {"actor": "dubble"}]',
          '--module',
          mod,
          '--db',
          db,
        ],
        { cwd },
      ),
      rehearsal(
        [
          'enqueue',
          '--pipeline',
          '[{"actor": "add", "arg": [1]}, {"actor": "double", "args": 3}]',
          '--db',
          db,
        ],
        { cwd },
      ),
    ]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain(
      'error [ACTOR_NOT_FOUND]: unknown actor `dubble` — did you mean `double`?',
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(
      'error [INVALID_PIPELINE]: --pipeline has 2 problems; nothing was enqueued',
    );
    expect(bad.stderr).toContain('--pipeline[0].arg: unknown field — did you mean "args"?');
    expect(bad.stderr).toContain('--pipeline[1].args: expected a JSON array, got a number');
    expect(existsSync(db)).toBe(false);
  });
});
