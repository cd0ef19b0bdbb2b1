import { clockMovable, type Command } from './command.ts';

/** Space: play or pause the virtual clock at the chosen speed. */
export const togglePlay: Command = {
  id: 'clock.togglePlay',
  title: 'Play / pause the clock',
  section: 'Clock',
  keywords: 'run speed',
  shortcut: { key: ' ', label: 'Space' },
  enabled: clockMovable,
  run: (store) => store.getState().actions.togglePlay(),
};
