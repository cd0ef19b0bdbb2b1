import { viewCommand } from './command.ts';

/** 2: the Messages view. */
export const showMessages = viewCommand('messages', 'Messages', '2');
