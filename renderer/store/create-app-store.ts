/**
 * `createAppStore(api)`: the app's one store, a vanilla zustand store built from slices, testable
 * without React or a browser (inject the scheduler and the connection).
 *
 * Contract:
 * 1. State is plain data (types.ts); every change goes through `state.actions`.
 * 2. Engine failures in actions become toasts with their code (`call`); forms get them back
 *    instead (`attempt`), to show them inline.
 * 3. `actions.start()` follows the run (journal-slice.ts); nothing talks to the engine before.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { EngineApi } from '../../core/host/api/index.ts';
import { clockActions } from './slices/clock-slice.ts';
import { asApiError, type Scheduler, type SliceContext } from './slices/context.ts';
import { initialData } from './slices/initial.ts';
import { journalActions, type ConnectionSource } from './slices/journal-slice.ts';
import { messageActions } from './slices/messages-slice.ts';
import { queueActions } from './slices/queues-slice.ts';
import { runActions } from './slices/runs-slice.ts';
import { timeTravelActions } from './slices/time-travel-slice.ts';
import { uiActions, type ThemeStorage } from './slices/ui-slice.ts';
import type { AppState, Theme } from './types.ts';

export type AppStore = StoreApi<AppState>;

/** Options of `createAppStore`. */
export type AppStoreOptions = {
  /** The transport's status, for the connection banner (none: always connected). */
  connection?: ConnectionSource;
  /** Timers and frames (default: the browser's). */
  schedule?: Scheduler;
  /** Remembers the theme (default: none). */
  themeStorage?: ThemeStorage;
  /** The first theme when none is remembered. */
  theme?: Theme;
};

/** The browser's timers and animation frames. */
export function browserScheduler(): Scheduler {
  return {
    setTimer(delayMs, fn) {
      const id = globalThis.setTimeout(fn, delayMs);
      return { cancel: () => globalThis.clearTimeout(id) };
    },
    frame(fn) {
      if (typeof requestAnimationFrame === 'function') requestAnimationFrame(() => fn());
      else globalThis.setTimeout(fn, 16);
    },
  };
}

/** Creates the store (see the module contract). */
export function createAppStore(api: EngineApi, opts: AppStoreOptions = {}): AppStore {
  const schedule = opts.schedule ?? browserScheduler();
  const theme = opts.themeStorage?.get() ?? opts.theme ?? 'dark';
  return createStore<AppState>()((set, get) => {
    const ctx: SliceContext = {
      api,
      set: (fn) => set((s) => fn(s)),
      get,
      schedule,
      async call(method, ...params) {
        try {
          return await api.call(method, ...params);
        } catch (err) {
          get().actions.fail(err);
          return undefined;
        }
      },
      async attempt(method, ...params) {
        try {
          return { ok: true, value: await api.call(method, ...params) };
        } catch (err) {
          return { ok: false, error: asApiError(err) };
        }
      },
    };
    const travel = timeTravelActions(ctx);
    return {
      ...initialData(theme),
      actions: {
        ...journalActions(ctx, opts.connection ?? null),
        ...clockActions(ctx, travel.goLive),
        ...travel,
        ...queueActions(ctx),
        ...messageActions(ctx),
        ...runActions(ctx, travel.goLive),
        ...uiActions(ctx, opts.themeStorage ?? null),
      },
    };
  });
}
