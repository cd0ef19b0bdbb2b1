/**
 * Message actions: select, filter, enqueue, and "duplicate" a message into the enqueue form.
 */
import { emptyDraft } from './initial.ts';
import type { SliceContext } from './context.ts';
import type { AppActions } from '../types.ts';

type MessageActions = Pick<AppActions, 'selectMessage' | 'setFilter' | 'enqueue' | 'duplicate'>;

const json = (v: unknown): string => JSON.stringify(v, null, 2);
const opt = (options: Record<string, unknown>, key: string): string => {
  const v = options[key];
  return typeof v === 'number' ? String(v) : '';
};

export function messageActions(ctx: SliceContext): MessageActions {
  const { set, get, attempt } = ctx;
  return {
    selectMessage: (id) => set((s) => ({ messages: { ...s.messages, selectedId: id } })),
    setFilter: (patch) =>
      set((s) => ({ messages: { ...s.messages, filter: { ...s.messages.filter, ...patch } } })),
    enqueue: async (params) => {
      const r = await attempt('enqueue', params);
      if (r.ok) {
        get().actions.toast({
          kind: 'info',
          code: 'ENQUEUED',
          message: `Enqueued ${params.actor} as ${r.value.messageId.slice(0, 8)}…`,
        });
        set((s) => ({ messages: { ...s.messages, selectedId: r.value.messageId } }));
        void get().actions.refreshLive();
      }
      return r;
    },
    duplicate: (m) =>
      set((s) => ({
        ui: {
          ...s.ui,
          view: 'enqueue',
          draft: {
            ...emptyDraft(s.ui.draft.rev + 1),
            actor: m.actor,
            args: json(m.args),
            kwargs: json(m.kwargs),
            maxRetries: opt(m.options, 'max_retries'),
            minBackoffMs: opt(m.options, 'min_backoff'),
            priority: opt(m.options, 'broker_priority'),
            label: m.label ?? '',
          },
        },
      })),
  };
}
