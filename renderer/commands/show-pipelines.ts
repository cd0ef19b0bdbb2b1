import { viewCommand } from './command.ts';

/** 4: the Pipelines view. */
export const showPipelines = viewCommand('pipelines', 'Pipelines', '4');
