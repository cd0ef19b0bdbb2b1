/**
 * The message filters as `messages` query params (server paging), or as a predicate over
 * messages held locally (time travel, and "retrying", which the query cannot express).
 */
import type { ParamsIn } from '../../../core/host/api/index.ts';
import type { MessageFilter, MessageStatus } from '../../store/types.ts';

/** A row of the list, whichever source it came from. */
export type Row = {
  messageId: string;
  label: string | null;
  actor: string;
  queue: string;
  status: MessageStatus;
  attempts: number;
  enqueuedT: number;
  updatedT: number;
  etaT: number | null;
  error: { type: string; message: string } | null;
};

/** True when the filter needs the local path. */
export function needsLocal(f: MessageFilter): boolean {
  return f.status === 'retrying';
}

/** Query params for a page (server path). */
export function toQuery(f: MessageFilter, offset: number, limit: number): ParamsIn<'messages'> {
  const p: ParamsIn<'messages'> = { offset, limit };
  if (f.queue) p.queue = f.queue;
  if (f.actor) p.actor = f.actor;
  if (f.label) p.label = f.label;
  if (f.text) p.text = f.text;
  if (f.status === 'live') p.finished = false;
  else if (f.status !== '' && f.status !== 'retrying') p.status = f.status;
  return p;
}

/** "retrying": waiting for a next attempt after a failure. */
export const isRetrying = (r: Pick<Row, 'status' | 'attempts'>): boolean =>
  (r.status === 'delayed' || r.status === 'ready') && r.attempts > 0;

/** The local predicate (same meaning as the query, case-insensitive text). */
export function matches(f: MessageFilter, r: Row, search?: string): boolean {
  if (f.queue && r.queue !== f.queue) return false;
  if (f.actor && r.actor !== f.actor) return false;
  if (f.label && !(r.label ?? '').startsWith(f.label)) return false;
  if (f.status === 'retrying' && !isRetrying(r)) return false;
  if (f.status === 'live' && !['ready', 'delayed', 'running', 'dead'].includes(r.status))
    return false;
  if (f.status !== '' && f.status !== 'retrying' && f.status !== 'live' && r.status !== f.status)
    return false;
  if (f.text) {
    const hay = (
      search ??
      `${r.messageId} ${r.label ?? ''} ${r.actor} ${r.queue} ${r.error?.type ?? ''} ${r.error?.message ?? ''}`
    ).toLowerCase();
    if (!hay.includes(f.text.toLowerCase())) return false;
  }
  return true;
}
