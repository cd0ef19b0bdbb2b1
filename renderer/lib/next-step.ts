/**
 * What makes events appear in the current run, for empty states: the advice depends on the mode
 * (a scenario is stepped or played; a module's actors run on the real clock; a stored run is read
 * only; an empty engine needs a scenario first).
 */
import type { MethodResult } from '../../core/host/api/index.ts';

export type RunMode = MethodResult<'info'>['mode'];

/** A sentence ending in a period: how the first events of this run come. */
export function howEventsCome(mode: RunMode | undefined): string {
  switch (mode) {
    case 'scenario':
      return 'Step the clock (→), play it (Space), or enqueue a message (N).';
    case 'module':
      return 'Your actors run on the real clock: enqueue a message (N), send one from your code, or run “rehearsal enqueue” in a terminal.';
    case 'inspect':
      return 'This stored run has none; open a scenario from the gallery (6) to rehearse one.';
    default:
      return 'Open a scenario from the gallery (6) to rehearse it step by step.';
  }
}
