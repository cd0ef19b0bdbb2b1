/**
 * How `rehearsal worker` stops (spec §11): past its shutdown timeout it gives the running
 * messages back and exits, and SIGHUP stops it gracefully and starts it again.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  fixture,
  journal,
  rehearsal,
  scratchDir,
  start,
  waitFor,
  type Running,
} from './run-cli.ts';

function ready(w: Running, count: number): Promise<true> {
  return waitFor(
    `${count} "ready" line(s)`,
    () =>
      w.stderr().split('Worker process is ready for action.').length - 1 >= count
        ? true
        : undefined,
    60_000,
  );
}

describe('stopping a worker', () => {
  it('exits once its shutdown timeout runs out, giving the message still running back to its queue', async () => {
    const cwd = scratchDir();
    const db = join(cwd, 'stop.db');
    const w = start(
      [
        'worker',
        fixture('tasks.ts'),
        '--db',
        db,
        '--threads',
        '1',
        '--in-process',
        '--worker-shutdown-timeout',
        '500',
      ],
      { cwd },
    );
    await ready(w, 1);
    expect(
      (await rehearsal(['enqueue', 'slow', '--args', '[30000]', '--db', db], { cwd })).code,
    ).toBe(0);
    await waitFor('the message to start', async () =>
      (await journal(cwd, db)).some((e) => e.kind === 'started') ? true : undefined,
    );
    const t0 = Date.now();
    w.child.kill('SIGTERM');
    const { code } = await w.exited;
    // The actor would sleep 30 s more; the worker leaves after 0.5 s (plus its exit grace).
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(code).toBe(0);
    expect(w.stderr()).toMatch(
      /1 message\(s\) still running after the shutdown timeout \(500 ms\)/,
    );
    const kinds = (await journal(cwd, db)).map(
      (e) => `${String(e.kind)}${e.reason ? `:${String(e.reason)}` : ''}`,
    );
    expect(kinds).toEqual(['enqueued:send', 'started', 'requeued:shutdown']);
  });

  it('stops gracefully on SIGHUP and starts again with the same arguments', async () => {
    const cwd = scratchDir();
    const db = join(cwd, 'hup.db');
    const w = start(['worker', fixture('tasks.ts'), '--db', db, '--threads', '1', '--in-process'], {
      cwd,
    });
    await ready(w, 1);
    w.child.kill('SIGHUP');
    await ready(w, 2);
    expect(w.stderr()).toContain('Reloading worker...');
    // The restarted worker processes what is sent now.
    expect(
      (await rehearsal(['enqueue', 'add', '--args', '[2, 3]', '--db', db], { cwd })).code,
    ).toBe(0);
    await waitFor('the message to be acked', async () =>
      (await journal(cwd, db)).some((e) => e.kind === 'acked') ? true : undefined,
    );
    w.child.kill('SIGTERM');
    expect((await w.exited).code).toBe(0);
    expect(w.stdout()).toContain('add 2 + 3 = 5');
  });
});
