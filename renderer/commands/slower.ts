import { SPEEDS } from './speeds.ts';
import type { Command } from './command.ts';

/** [: play slower (the next speed down). */
export const slower: Command = {
  id: 'clock.slower',
  title: 'Play slower',
  section: 'Clock',
  keywords: 'speed down',
  shortcut: { key: '[', label: '[' },
  run: (store) => {
    const { playSpeed } = store.getState().clock;
    const next = [...SPEEDS].reverse().find((s) => s < playSpeed) ?? SPEEDS[0]!;
    return store.getState().actions.setPlaySpeed(next);
  },
};
