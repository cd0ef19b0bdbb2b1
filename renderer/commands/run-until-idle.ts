import { clockMovable, type Command } from './command.ts';

/** Shift+→: run the virtual clock until nothing is left to do. */
export const runUntilIdle: Command = {
  id: 'clock.runUntilIdle',
  title: 'Run until idle',
  section: 'Clock',
  keywords: 'finish drain end fast forward',
  shortcut: { key: 'ArrowRight', shift: true, label: 'Shift+→' },
  enabled: clockMovable,
  run: (store) => store.getState().actions.runUntilIdle(),
};
