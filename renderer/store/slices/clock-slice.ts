/**
 * Clock actions: play/pause at a speed, step to the next instant, run until a time or idle.
 * Every one of them returns to live first (driving the clock while looking at the past would
 * change a future you cannot see).
 */
import type { SliceContext } from './context.ts';
import type { AppActions, ClockState } from '../types.ts';

type ClockActions = Pick<
  AppActions,
  'togglePlay' | 'setPlaySpeed' | 'step' | 'runUntilIdle' | 'runUntil'
>;

export function clockActions(ctx: SliceContext, goLive: () => void): ClockActions {
  const { set, get, call } = ctx;

  const apply = (c: ClockState | undefined): void => {
    if (!c) return;
    // The command has committed: read the queue counts it left now, not after the next event.
    void get().actions.refreshLive();
    set((s) => ({
      clock: {
        ...s.clock,
        t: Math.max(s.clock.t, c.t),
        seq: Math.max(s.clock.seq, c.seq),
        idle: c.idle,
        speed: c.speed,
      },
    }));
  };

  const busy = async (fn: () => Promise<void>): Promise<void> => {
    set((s) => ({ clock: { ...s.clock, busy: true } }));
    try {
      await fn();
    } finally {
      set((s) => ({ clock: { ...s.clock, busy: false } }));
    }
  };

  const setSpeed = async (factor: number): Promise<void> => {
    apply(await call('clock.setSpeed', { factor }));
    if (factor > 0) void get().actions.refreshLive();
  };

  return {
    togglePlay: async () => {
      goLive();
      const { speed, playSpeed } = get().clock;
      await setSpeed(speed > 0 ? 0 : playSpeed);
    },
    setPlaySpeed: async (factor) => {
      set((s) => ({ clock: { ...s.clock, playSpeed: factor } }));
      if (get().clock.speed > 0) await setSpeed(factor);
    },
    step: () =>
      busy(async () => {
        goLive();
        apply(await call('clock.step'));
      }),
    runUntilIdle: () =>
      busy(async () => {
        goLive();
        apply(await call('clock.runUntil', { idle: true }));
      }),
    runUntil: (timeMs) =>
      busy(async () => {
        goLive();
        apply(await call('clock.runUntil', { timeMs: Math.max(0, Math.round(timeMs)) }));
      }),
  };
}
