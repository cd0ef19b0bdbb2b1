import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  actor,
  EngineHost,
  loadScenario,
  runScenario,
  SqliteBroker,
  VirtualClock,
  type EngineHostOptions,
} from '../../core/index.ts';
import type { EngineEvent } from '../../core/host/api/index.ts';
import { tempDbPath } from '../helpers/temp-db.ts';
import { waitFor } from './engine-api.contract.ts';

const hosts: EngineHost[] = [];
async function open(opts: EngineHostOptions): Promise<EngineHost> {
  const h = await EngineHost.open(opts);
  hosts.push(h);
  return h;
}
afterEach(async () => {
  for (const h of hosts.splice(0)) await h.close();
});

describe('EngineHost', () => {
  it('runs user actors on the real clock in module mode', async () => {
    const add = actor((x: number, y: number) => x + y, { actorName: 'add' });
    const host = await open({ db: tempDbPath(), module: { actors: [add], name: 'tasks.ts' } });
    const info = await host.call('info');
    expect(info).toMatchObject({
      mode: 'module',
      module: 'tasks.ts',
      clock: { kind: 'real' },
      workers: { started: true },
    });
    const { messageId } = await host.call('enqueue', { actor: 'add', args: [2, 3] });
    let state = '';
    await waitFor(() => {
      void host.call('result', { messageId }).then((r) => (state = r.state));
      return state === 'succeeded';
    }, 'the result');
    expect(await host.call('result', { messageId })).toMatchObject({ value: 5 });
    await expect(host.call('clock.step')).rejects.toMatchObject({ code: 'CLOCK_NOT_VIRTUAL' });
    await expect(host.call('loadScenario', { name: 'age-limit' })).rejects.toMatchObject({
      code: 'MODULE_MODE',
    });
  });

  it('streams events that another process writes to the same database', async () => {
    const db = tempDbPath();
    const noop = actor(() => undefined, { actorName: 'noop' });
    const host = await open({ db, module: { actors: [noop], autoStart: false } });
    const events: EngineEvent[] = [];
    host.subscribe(0, (e) => events.push(e));
    const other = new SqliteBroker({ file: db });
    try {
      const remote = actor(() => undefined, { actorName: 'noop', broker: other });
      const sent = remote.send();
      await waitFor(
        () => events.some((e) => 'messageId' in e && e.messageId === sent.messageId),
        "the other process's event",
      );
    } finally {
      other.close();
    }
    expect(events.map((e) => e.seq)).toEqual([1]);
  });

  it('opens a stored run for inspection and starts new runs in sibling files', async () => {
    const db = tempDbPath('runs.db');
    await runScenario(loadScenario('scenarios/delayed-reminders.json'), { db });
    const host = await open({ db });
    const info = await host.call('info');
    expect(info).toMatchObject({
      mode: 'inspect',
      runId: 'runs.db',
      scenario: { title: 'Delayed reminders' },
    });
    expect(info.clock.t).toBeGreaterThan(0);
    expect((await host.call('messages', {})).total).toBe(3);
    await expect(host.call('clock.step')).rejects.toMatchObject({ code: 'RUN_READ_ONLY' });
    const loaded = await host.call('loadScenario', { name: 'delayed-reminders', seed: 9 });
    expect(loaded.runId).toBe('runs-2.db');
    expect(existsSync(join(dirname(db), 'runs-2.db'))).toBe(true);
    const again = await host.call('loadScenario', { name: 'age-limit' });
    expect(again.runId).toBe('runs-3.db');
    const { runs } = await host.call('runs');
    expect(runs.map((r) => [r.runId, r.current])).toEqual([
      ['runs-2.db', false],
      ['runs-3.db', true],
      ['runs.db', false],
    ]);
    await host.call('openRun', { runId: basename(db) });
    expect((await host.call('info')).mode).toBe('inspect');
    await expect(host.call('openRun', { runId: 'missing.db' })).rejects.toMatchObject({
      code: 'RUN_NOT_FOUND',
    });
  });

  it('plays by the injected wall clock: factor × wall ms of virtual time per tick', async () => {
    const wall = new VirtualClock(0);
    const host = await open({ db: tempDbPath(), scenario: 'delayed-reminders', wallClock: wall });
    await host.call('clock.setSpeed', { factor: 10 });
    for (let tick = 0; tick < 10; tick++) {
      await wall.run({ untilMs: wall.now() + 50, untilIdle: false });
      // Clock commands run one at a time: this one waits for the tick to finish.
      await host.call('clock.runUntil', { timeMs: 0 });
    }
    expect((await host.call('info')).clock).toMatchObject({ t: 5000, speed: 10 });
    const paused = await host.call('clock.setSpeed', { factor: 0 });
    expect(paused.speed).toBe(0);
    await wall.run({ untilMs: 1000, untilIdle: false });
    expect((await host.call('info')).clock.t).toBe(paused.t);
  });

  it('refuses a database file it cannot keep runs next to, and conflicting modes', async () => {
    await expect(EngineHost.open({ db: ':memory:' })).rejects.toMatchObject({
      code: 'DB_FILE_REQUIRED',
    });
    await expect(
      EngineHost.open({ db: tempDbPath(), scenario: 'age-limit', module: { actors: [] } }),
    ).rejects.toMatchObject({ code: 'HOST_MODE_CONFLICT' });
  });
});
