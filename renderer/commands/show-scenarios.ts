import { viewCommand } from './command.ts';

/** 6: the Scenarios view. */
export const showScenarios = viewCommand('scenarios', 'Scenarios', '6');
