/**
 * Messages built in this process and not yet enqueued. The journal keys a message's rows by its
 * first row (see core/db/migrations/0006); for a message known to be new, that first row needs
 * no lookup. A message object is "fresh" once: the first enqueue takes the mark.
 */
import type { Message } from './message.ts';

const fresh = new WeakSet<Message>();

/** Marks a message that was just built with a new id. */
export function markFresh<M extends Message>(m: M): M {
  fresh.add(m);
  return m;
}

/** True the first time for a message marked fresh; false otherwise (and after). */
export function takeFresh(m: Message): boolean {
  return fresh.delete(m);
}
