/**
 * Run actions: open a gallery scenario (or a scenario object), fork the run at an event with
 * changed settings, open a stored run. The journal slice notices the switch (`run_changed`) and
 * reloads.
 */
import type { SliceContext } from './context.ts';
import type { AppActions } from '../types.ts';

type RunActions = Pick<AppActions, 'loadScenario' | 'fork' | 'openRun'>;

export function runActions(ctx: SliceContext, goLive: () => void): RunActions {
  const { get, attempt, call } = ctx;
  return {
    loadScenario: async (params) => {
      const r = await attempt('loadScenario', params);
      if (r.ok) {
        goLive();
        get().actions.toast({
          kind: 'info',
          code: 'LOADED',
          message: `Opened “${r.value.title}”.`,
        });
      }
      return r;
    },
    fork: (atSeq, sets) => attempt('fork', { atSeq, sets }),
    openRun: async (runId) => {
      goLive();
      const r = await call('openRun', { runId });
      if (r)
        get().actions.toast({
          kind: 'info',
          code: 'OPENED',
          message: `Opened ${r.runId} (${r.mode}).`,
        });
    },
  };
}
