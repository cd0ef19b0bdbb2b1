import type { Command } from './command.ts';

/** ←: one event back in time (starts time travel from the latest event). */
export const stepBack: Command = {
  id: 'travel.back',
  title: 'Step back one event (time travel)',
  section: 'Time travel',
  keywords: 'previous undo rewind',
  shortcut: { key: 'ArrowLeft', label: '←' },
  enabled: (s) => (s.timeTravel.cursor ?? s.journal.lastSeq) > 0,
  run: (store) => store.getState().actions.stepBack(),
};
