import { viewCommand } from './command.ts';

/** 1: the Queues view. */
export const showQueues = viewCommand('queues', 'Queues', '1');
