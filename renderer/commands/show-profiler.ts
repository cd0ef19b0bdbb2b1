import { viewCommand } from './command.ts';

/** 5: the Profiler view. */
export const showProfiler = viewCommand('profiler', 'Profiler', '5');
