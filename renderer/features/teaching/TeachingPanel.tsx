/**
 * The teaching panel: the event at the time-travel cursor (or the latest one) in words, linked to
 * the rule that caused it — "attempt 3 failed with ConnectionError; Retries scheduled retry 3 of
 * 5 in 5.7 s: 1 s × 2² × jitter 1.42".
 */
import type { JournalEventWire } from '../../../core/host/api/index.ts';
import { useEngine } from '../../engine/engine-context.ts';
import { actorOptionsAt } from '../../lib/attempts.ts';
import { explainEvent } from '../../lib/explain.ts';
import { formatRunTime } from '../../lib/format.ts';
import { useQuery } from '../../lib/use-query.ts';
import { howEventsCome } from '../../lib/next-step.ts';
import { useActions, useAppStore } from '../../store/use-app-store.ts';

export function TeachingPanel() {
  const cursorEvent = useAppStore((s) => s.timeTravel.event);
  const cursor = useAppStore((s) => s.timeTravel.cursor);
  const mode = useAppStore((s) => s.clock.info?.mode);
  const focusSeq = useAppStore((s) => s.ui.focusSeq);
  const recent = useAppStore((s) => s.journal.recent);
  const event: JournalEventWire | null =
    cursor !== null
      ? cursorEvent
      : ((focusSeq !== null ? recent.find((e) => e.seq === focusSeq) : undefined) ??
        recent[recent.length - 1] ??
        null);
  return (
    <section className="teach" aria-label="What happened" data-testid="teaching-panel">
      <h2 className="teach__title">
        What happened
        {event ? (
          <span className="teach__where">
            #{event.seq} · {formatRunTime(event.t)}
          </span>
        ) : null}
      </h2>
      {event ? (
        <Explained event={event} />
      ) : (
        <p className="muted">
          Nothing yet. Each event of the journal is explained here as it happens.{' '}
          {howEventsCome(mode)}
        </p>
      )}
    </section>
  );
}

function Explained({ event }: { event: JournalEventWire }) {
  const api = useEngine();
  const a = useActions();
  const id = event.messageId;
  const actorInfo = useAppStore((s) =>
    event.actor ? s.messages.actorInfo[event.actor] : undefined,
  );
  // In a fork, the options in effect at this event (a change holds from its fork point on).
  const actorOptions = actorOptionsAt(actorInfo, event.seq);
  const needsHistory = event.kind === 'retry_scheduled';
  const q = useQuery(
    () =>
      id && needsHistory ? api.call('message', { messageId: id }) : Promise.resolve(undefined),
    `${id}:${event.seq}`,
  );
  // The message's own options over its actor's effective ones (Dramatiq's precedence).
  const ctx = q.data
    ? {
        history: q.data.history,
        options: q.data.history.reduce<Record<string, unknown>>(
          (o, e) => (e.options ? { ...o, ...e.options } : o),
          { ...actorOptions },
        ),
      }
    : actorOptions
      ? { options: { ...actorOptions } }
      : {};
  const x = explainEvent(event, ctx);
  return (
    <div className="teach__body">
      <div className="teach__headline">
        <span className={`kind kind--${event.kind}`}>{event.kind}</span> {x.headline}
      </div>
      <p className="teach__text" data-testid="teaching-text">
        {x.text}
      </p>
      {x.formula ? <code className="teach__formula">{x.formula}</code> : null}
      <div className="teach__rule" title={x.rule.summary}>
        <span className="teach__rule-name">Rule: {x.rule.name}</span>
        <span className="teach__rule-text">{x.rule.summary}</span>
      </div>
      {id ? (
        <button type="button" className="link" onClick={() => a.selectMessage(id)}>
          open this message
        </button>
      ) : null}
    </div>
  );
}
