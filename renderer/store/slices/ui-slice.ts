/**
 * Ui actions: the view, the theme, the palette, the teaching focus and toasts.
 */
import { asApiError, type SliceContext } from './context.ts';
import type { AppActions, Theme } from '../types.ts';

/** How long a toast stays, ms. */
const INFO_TOAST_MS = 5000;
const ERROR_TOAST_MS = 12000;
/** At most this many toasts at once (the oldest go). */
const MAX_TOASTS = 4;

/** Where the chosen theme is remembered (localStorage in the app). */
export type ThemeStorage = { get(): Theme | null; set(theme: Theme): void };

type UiActions = Pick<
  AppActions,
  | 'setView'
  | 'setTheme'
  | 'toggleTheme'
  | 'setPalette'
  | 'focusEvent'
  | 'toast'
  | 'dismissToast'
  | 'fail'
>;

export function uiActions(ctx: SliceContext, storage: ThemeStorage | null): UiActions {
  const { set, get, schedule } = ctx;
  let nextToast = 1;
  const actions: UiActions = {
    setView: (view) => set((s) => ({ ui: { ...s.ui, view } })),
    setTheme: (theme) => {
      storage?.set(theme);
      set((s) => ({ ui: { ...s.ui, theme } }));
    },
    toggleTheme: () => actions.setTheme(get().ui.theme === 'dark' ? 'light' : 'dark'),
    setPalette: (open) => set((s) => ({ ui: { ...s.ui, paletteOpen: open } })),
    focusEvent: (seq) => set((s) => ({ ui: { ...s.ui, focusSeq: seq } })),
    toast: (t) => {
      const id = nextToast++;
      set((s) => ({ ui: { ...s.ui, toasts: [...s.ui.toasts, { ...t, id }].slice(-MAX_TOASTS) } }));
      schedule.setTimer(t.kind === 'error' ? ERROR_TOAST_MS : INFO_TOAST_MS, () =>
        actions.dismissToast(id),
      );
    },
    dismissToast: (id) =>
      set((s) =>
        s.ui.toasts.some((t) => t.id === id)
          ? { ui: { ...s.ui, toasts: s.ui.toasts.filter((t) => t.id !== id) } }
          : {},
      ),
    fail: (err) => {
      const e = asApiError(err);
      actions.toast({ kind: 'error', code: e.code, message: e.message });
    },
  };
  return actions;
}
