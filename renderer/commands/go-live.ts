import type { Command } from './command.ts';

/** L: leave time travel and show the world now. */
export const goLive: Command = {
  id: 'travel.live',
  title: 'Back to live',
  section: 'Time travel',
  keywords: 'now present end',
  shortcut: { key: 'l', label: 'L' },
  enabled: (s) => s.timeTravel.cursor !== null,
  run: (store) => store.getState().actions.goLive(),
};
