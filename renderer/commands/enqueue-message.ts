import type { Command } from './command.ts';

/** N: open the enqueue form. */
export const enqueueMessage: Command = {
  id: 'messages.enqueue',
  title: 'Enqueue a message…',
  section: 'Messages',
  keywords: 'send new',
  shortcut: { key: 'n', label: 'N' },
  run: (store) => store.getState().actions.setView('enqueue'),
};
