/**
 * Every command, in palette order. Add a command: one file in this folder, one line here.
 */
import type { Command } from './command.ts';
import { clearSelection } from './clear-selection.ts';
import { enqueueMessage } from './enqueue-message.ts';
import { faster } from './faster.ts';
import { goLive } from './go-live.ts';
import { jumpToStart } from './jump-to-start.ts';
import { openPalette } from './open-palette.ts';
import { requeueDeadLetters } from './requeue-dead-letters.ts';
import { runUntilIdle } from './run-until-idle.ts';
import { showEnqueue } from './show-enqueue.ts';
import { showJournal } from './show-journal.ts';
import { showMessages } from './show-messages.ts';
import { showPipelines } from './show-pipelines.ts';
import { showProfiler } from './show-profiler.ts';
import { showQueues } from './show-queues.ts';
import { showScenarios } from './show-scenarios.ts';
import { slower } from './slower.ts';
import { stepBack } from './step-back.ts';
import { stepForward } from './step-forward.ts';
import { toggleTheme } from './toggle-theme.ts';
import { togglePlay } from './toggle-play.ts';

export const COMMANDS: readonly Command[] = [
  togglePlay,
  stepForward,
  runUntilIdle,
  faster,
  slower,
  stepBack,
  jumpToStart,
  goLive,
  showQueues,
  showMessages,
  showEnqueue,
  showPipelines,
  showProfiler,
  showScenarios,
  showJournal,
  enqueueMessage,
  requeueDeadLetters,
  openPalette,
  toggleTheme,
  clearSelection,
];

/** The command with this id. */
export function commandById(id: string): Command | undefined {
  return COMMANDS.find((c) => c.id === id);
}
