/** Runs commands from the keyboard (commands/keymap.ts decides which). */
import { useEffect } from 'react';
import { COMMANDS } from '../commands/registry.ts';
import { keyPressOf, matchShortcut } from '../commands/keymap.ts';
import type { AppStore } from '../store/create-app-store.ts';

export function useKeymap(store: AppStore): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const state = store.getState();
      // The open palette handles its own keys, except the shortcut that toggles it.
      if (state.ui.paletteOpen && !((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'k'))
        return;
      const press = keyPressOf(e);
      // Escape in a field leaves the field, so the shortcuts work again.
      const el = e.target;
      if (
        e.key === 'Escape' &&
        el instanceof HTMLElement &&
        el.matches('input, textarea, select')
      ) {
        el.blur();
        return;
      }
      const c = matchShortcut(COMMANDS, press);
      if (!c) return;
      e.preventDefault();
      if (c.enabled && !c.enabled(state)) return;
      void c.run(store);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [store]);
}
