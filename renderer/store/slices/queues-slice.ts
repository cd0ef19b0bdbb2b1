/**
 * Queue actions: pause and resume consumption, requeue dead letters.
 */
import type { SliceContext } from './context.ts';
import type { AppActions } from '../types.ts';

type QueueActions = Pick<AppActions, 'pauseQueue' | 'resumeQueue' | 'requeueDead'>;

export function queueActions(ctx: SliceContext): QueueActions {
  const { get, call } = ctx;
  const after = (): Promise<void> => get().actions.refreshLive();
  return {
    pauseQueue: async (queue) => {
      if (await call('queue.pause', { queue })) await after();
    },
    resumeQueue: async (queue) => {
      if (await call('queue.resume', { queue })) await after();
    },
    requeueDead: async (target) => {
      const params =
        'messageIds' in target
          ? { messageIds: target.messageIds }
          : target.queue !== undefined
            ? { all: true as const, queue: target.queue }
            : { all: true as const };
      const r = await call('dlq.requeue', params);
      if (!r) return;
      get().actions.toast({
        kind: 'info',
        code: 'REQUEUED',
        message:
          r.requeued === 0
            ? 'No dead letters to requeue.'
            : `Requeued ${r.requeued} dead letter${r.requeued === 1 ? '' : 's'}.`,
      });
      await after();
    },
  };
}
