import type { Command } from './command.ts';

/** Escape: close the palette, or the message detail. */
export const clearSelection: Command = {
  id: 'app.escape',
  title: 'Close the palette or the message detail',
  section: 'App',
  shortcut: { key: 'Escape', label: 'Esc' },
  run: (store) => {
    const s = store.getState();
    if (s.ui.paletteOpen) s.actions.setPalette(false);
    else s.actions.selectMessage(null);
  },
};
