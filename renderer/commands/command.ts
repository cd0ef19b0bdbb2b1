/**
 * A user action, once: the palette lists it, the keymap runs it, buttons may call it
 * (excalidraw's actions). One command per file in this folder; registry.ts lists them.
 */
import type { AppStore } from '../store/create-app-store.ts';
import type { AppState, ViewId } from '../store/types.ts';

/** A key combination: `key` is KeyboardEvent.key; `mod` is Ctrl, or Cmd on a Mac. */
export type Shortcut = { key: string; mod?: boolean; shift?: boolean; label: string };

export type Command = {
  id: string;
  title: string;
  /** Palette group. */
  section: 'Clock' | 'Time travel' | 'View' | 'Messages' | 'Queues' | 'App';
  /** Extra words the palette matches. */
  keywords?: string;
  shortcut?: Shortcut;
  /** False greys it out in the palette and ignores its shortcut. */
  enabled?: (s: AppState) => boolean;
  run: (store: AppStore) => void | Promise<void>;
};

/** A scenario run's clock can move; other runs (stored, module, empty) cannot. */
export const clockMovable = (s: AppState): boolean =>
  s.clock.info?.mode === 'scenario' && s.connection.status === 'open';

/** A command that shows one of the views. */
export function viewCommand(view: ViewId, title: string, key: string): Command {
  return {
    id: `view.${view}`,
    title: `Go to ${title}`,
    section: 'View',
    keywords: view,
    shortcut: { key, label: key },
    run: (store) => store.getState().actions.setView(view),
  };
}
