import type { Command } from './command.ts';

/** Home: time travel to before the first event. */
export const jumpToStart: Command = {
  id: 'travel.start',
  title: 'Jump to the start of the journal',
  section: 'Time travel',
  keywords: 'beginning first seq 0',
  shortcut: { key: 'Home', label: 'Home' },
  enabled: (s) => s.journal.lastSeq > 0,
  run: (store) => store.getState().actions.travelTo(0),
};
