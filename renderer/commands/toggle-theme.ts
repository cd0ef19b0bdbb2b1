import type { Command } from './command.ts';

/** T: switch between the dark and the light theme. */
export const toggleTheme: Command = {
  id: 'app.theme',
  title: 'Toggle dark / light theme',
  section: 'App',
  keywords: 'colour color appearance',
  shortcut: { key: 't', label: 'T' },
  run: (store) => store.getState().actions.toggleTheme(),
};
