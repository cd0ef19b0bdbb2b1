import type { Command } from './command.ts';

/** →: step the clock to its next instant (live), or one event forward (time travel). */
export const stepForward: Command = {
  id: 'clock.step',
  title: 'Step forward (next instant, or next event when time travelling)',
  section: 'Clock',
  keywords: 'next event',
  shortcut: { key: 'ArrowRight', label: '→' },
  enabled: (s) =>
    s.timeTravel.cursor !== null ||
    (s.clock.info?.mode === 'scenario' && s.connection.status === 'open'),
  run: (store) => store.getState().actions.stepForward(),
};
