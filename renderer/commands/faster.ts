import { SPEEDS } from './speeds.ts';
import type { Command } from './command.ts';

/** ]: play faster (the next speed up). */
export const faster: Command = {
  id: 'clock.faster',
  title: 'Play faster',
  section: 'Clock',
  keywords: 'speed up',
  shortcut: { key: ']', label: ']' },
  run: (store) => {
    const { playSpeed } = store.getState().clock;
    const next = SPEEDS.find((s) => s > playSpeed) ?? SPEEDS[SPEEDS.length - 1]!;
    return store.getState().actions.setPlaySpeed(next);
  },
};
