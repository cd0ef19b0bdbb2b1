import { viewCommand } from './command.ts';

/** 3: the Enqueue view. */
export const showEnqueue = viewCommand('enqueue', 'Enqueue', '3');
