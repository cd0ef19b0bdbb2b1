import { viewCommand } from './command.ts';

/** 7: the Journal view. */
export const showJournal = viewCommand('journal', 'Journal', '7');
