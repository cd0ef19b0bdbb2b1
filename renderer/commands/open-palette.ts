import type { Command } from './command.ts';

/** Ctrl/Cmd+K: the command palette. */
export const openPalette: Command = {
  id: 'app.palette',
  title: 'Command palette',
  section: 'App',
  keywords: 'commands search shortcuts help',
  shortcut: { key: 'k', mod: true, label: 'Ctrl+K' },
  run: (store) => store.getState().actions.setPalette(!store.getState().ui.paletteOpen),
};
