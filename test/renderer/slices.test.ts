/**
 * The store against a real engine in process (EngineHost on a temp database): following a run,
 * clock commands, time travel, errors as toasts. No DOM: frames and timers are Node's.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { EngineHost } from '../../core/index.ts';
import { createAppStore, type AppStore } from '../../renderer/store/create-app-store.ts';
import type { Scheduler } from '../../renderer/store/slices/context.ts';
import { tempDbPath } from '../helpers/temp-db.ts';

const schedule: Scheduler = {
  setTimer(ms, fn) {
    const id = setTimeout(fn, ms);
    return { cancel: () => clearTimeout(id) };
  },
  frame: (fn) => void setTimeout(fn, 0),
};

const hosts: EngineHost[] = [];
const stops: (() => void)[] = [];
afterEach(async () => {
  for (const s of stops.splice(0)) s();
  for (const h of hosts.splice(0)) await h.close();
});

async function started(scenario?: string): Promise<{ host: EngineHost; store: AppStore }> {
  const host = await EngineHost.open({ db: tempDbPath(), ...(scenario ? { scenario } : {}) });
  hosts.push(host);
  const store = createAppStore(host, { schedule });
  stops.push(store.getState().actions.start());
  await until(store, (s) => s.clock.info !== null);
  return { host, store };
}

async function until(
  store: AppStore,
  ok: (s: ReturnType<AppStore['getState']>) => boolean,
): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (ok(store.getState())) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error('the store never got there');
}

describe('the app store on a real engine', () => {
  it('follows a scenario run as the clock steps, batching events per frame', async () => {
    const { store } = await started('retries-with-backoff');
    expect(store.getState().clock.info?.mode).toBe('scenario');
    const a = store.getState().actions;
    await a.step();
    await a.step();
    await until(store, (s) => s.journal.lastSeq >= 2);
    await a.runUntilIdle();
    await until(store, (s) => s.journal.lastSeq === 22);
    const s = store.getState();
    expect(s.journal.recent.at(-1)?.kind).toBe('acked');
    expect(s.queues.flow.default).toMatchObject({
      arrived: 1,
      retried: 3,
      succeeded: 1,
      failed: 3,
    });
    expect(s.messages.actors).toEqual({ call_external_api: 'default' });
    await until(store, (st) => st.clock.idle);
  });

  it("loads the run's actors with their effective options, and the new run's on a switch", async () => {
    const { store } = await started('retries-with-backoff');
    await until(store, (s) => 'call_external_api' in s.messages.actorInfo);
    expect(store.getState().messages.actorInfo.call_external_api).toMatchObject({
      queue: 'default',
      options: { max_retries: 5, min_backoff: 1000, max_backoff: 60_000, time_limit: 600_000 },
    });
    await store.getState().actions.loadScenario({ name: 'delayed-reminders' });
    await until(
      store,
      (s) =>
        Object.keys(s.messages.actorInfo).length > 0 &&
        !('call_external_api' in s.messages.actorInfo),
    );
  });

  it('time travels to an event, steps back and forward, and returns live', async () => {
    const { store } = await started('retries-with-backoff');
    const a = store.getState().actions;
    await a.runUntilIdle();
    await until(store, (s) => s.journal.lastSeq === 22);
    a.travelTo(4);
    await until(store, (s) => s.timeTravel.snapshot?.seq === 4);
    expect(store.getState().timeTravel.event?.kind).toBe('retry_scheduled');
    a.stepBack();
    await until(store, (s) => s.timeTravel.snapshot?.seq === 3);
    expect(store.getState().timeTravel.event?.kind).toBe('failed');
    await a.stepForward();
    await until(store, (s) => s.timeTravel.snapshot?.seq === 4);
    a.goLive();
    expect(store.getState().timeTravel.cursor).toBeNull();
  });

  it('shows an engine error as a toast with its code, and keeps working', async () => {
    const { store } = await started();
    const a = store.getState().actions;
    await a.step();
    expect(store.getState().ui.toasts.at(-1)).toMatchObject({ kind: 'error', code: 'NO_RUN' });
    const r = await a.loadScenario({ name: 'retries-with-backoff' });
    expect(r.ok).toBe(true);
    await until(store, (s) => s.clock.info?.mode === 'scenario');
    const bad = await a.enqueue({ actor: 'nope' });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.code).toBe('UNKNOWN_ACTOR');
  });

  it('starts over on run_changed when another scenario is opened', async () => {
    const { store } = await started('retries-with-backoff');
    const a = store.getState().actions;
    await a.runUntilIdle();
    await until(store, (s) => s.journal.lastSeq === 22);
    const runId = store.getState().journal.runId;
    await a.loadScenario({ name: 'delayed-reminders' });
    await until(
      store,
      (s) => s.journal.runId !== runId && s.clock.info?.scenario?.name === 'delayed-reminders',
    );
    expect(store.getState().journal.lastSeq).toBe(0);
    expect(store.getState().queues.flow).toEqual({});
  });
});
