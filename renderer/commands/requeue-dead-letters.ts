import type { Command } from './command.ts';

/** Requeue every dead letter of the run. */
export const requeueDeadLetters: Command = {
  id: 'queues.requeueDead',
  title: 'Requeue all dead letters',
  section: 'Queues',
  keywords: 'dlq retry again',
  enabled: (s) => s.timeTravel.cursor === null && s.queues.counts.some((q) => q.dead > 0),
  run: (store) => store.getState().actions.requeueDead({}),
};
