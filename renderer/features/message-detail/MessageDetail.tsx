/**
 * One message in full: status, attempt waterfall, each error and retry with its formula, options,
 * arguments, result, links to its parent and children, and its journal history. Follows the
 * time-travel cursor.
 */
import { Button } from '../../ui/Button.tsx';
import { StatusBadge } from '../../ui/StatusBadge.tsx';
import { useEngine } from '../../engine/engine-context.ts';
import { actorOptionsAt, buildAttempts, retryOptionsFor } from '../../lib/attempts.ts';
import { formatRunTime, shortId } from '../../lib/format.ts';
import { useQuery } from '../../lib/use-query.ts';
import { useActions, useAppStore } from '../../store/use-app-store.ts';
import { ActorOptions } from './ActorOptions.tsx';
import { AttemptList } from './AttemptList.tsx';
import { Waterfall } from './Waterfall.tsx';

const json = (v: unknown) => JSON.stringify(v, null, 2);

export function MessageDetail() {
  const id = useAppStore((s) => s.messages.selectedId);
  if (!id) return null;
  return <Detail id={id} />;
}

function Detail({ id }: { id: string }) {
  const api = useEngine();
  const a = useActions();
  const touched = useAppStore((s) => s.messages.touched);
  const cursor = useAppStore((s) => s.timeTravel.cursor);
  const atSnapshot = useAppStore((s) => s.timeTravel.snapshot);
  const liveT = useAppStore((s) => s.clock.t);
  const mode = useAppStore((s) => s.clock.info?.mode);
  const actorInfo = useAppStore((s) => s.messages.actorInfo);
  const q = useQuery(
    () => api.call('message', { messageId: id }),
    `${id}:${cursor === null ? touched : 'travel'}`,
    400,
  );
  const m = q.data;
  if (!m)
    return (
      <section className="detail" aria-label="Message detail">
        <div className="detail__head">
          <h2>{shortId(id)}</h2>
          <Button
            size="sm"
            variant="ghost"
            onClick={() => a.selectMessage(null)}
            aria-label="Close detail"
          >
            ×
          </Button>
        </div>
        <p className="muted">
          {q.error ? `Cannot load this message: ${(q.error as Error).message}` : 'Loading…'}
        </p>
      </section>
    );

  const travelling = cursor !== null;
  const history = travelling ? m.history.filter((e) => e.seq <= cursor) : m.history;
  const nowT = travelling ? (atSnapshot?.t ?? 0) : Math.max(liveT, m.updatedT);
  const status = travelling
    ? (atSnapshot?.messages[id]?.status ?? (history.length === 0 ? 'not yet sent' : 'finished'))
    : m.status;
  const options = history.reduce<Record<string, unknown>>(
    (o, e) => (e.options ? { ...o, ...e.options } : o),
    {},
  );
  const actor = actorInfo[m.actor];
  // In a fork, the actor's options as they stand at the last event shown.
  const actorOptions = actorOptionsAt(actor, history.at(-1)?.seq ?? 0);
  const attempts = buildAttempts(history, retryOptionsFor(options, actorOptions), nowT);
  const writable = !travelling && (mode === 'scenario' || mode === 'module');

  return (
    <section className="detail" aria-label="Message detail" data-testid="message-detail">
      <div className="detail__head">
        <h2 title={m.messageId}>{m.label ?? shortId(m.messageId)}</h2>
        <StatusBadge status={status.replace(/ /g, '-')} label={status} />
        <Button
          size="sm"
          variant="ghost"
          onClick={() => a.selectMessage(null)}
          aria-label="Close detail"
        >
          ×
        </Button>
      </div>
      <div className="detail__meta">
        <span>
          <strong>{m.actor}</strong> on <strong>{m.queue}</strong>
        </span>
        <span className="muted">
          {m.messageId} · enqueued {formatRunTime(m.enqueuedT)} · {m.reason ?? 'send'}
        </span>
      </div>
      <div className="detail__actions">
        <Button size="sm" onClick={() => a.duplicate(m)} data-testid="duplicate">
          Duplicate into form
        </Button>
        {writable && m.status === 'dead' ? (
          <Button
            size="sm"
            onClick={() => void a.requeueDead({ messageIds: [m.messageId] })}
            data-testid="requeue-one"
          >
            Requeue
          </Button>
        ) : null}
      </div>

      {attempts.length > 0 ? (
        <>
          <h3>Attempts</h3>
          <Waterfall attempts={attempts} fromT={m.enqueuedT} nowT={nowT} />
          <AttemptList attempts={attempts} nowT={nowT} />
        </>
      ) : (
        <p className="muted">
          {history.length === 0 ? 'Not sent yet at this event.' : 'Not started yet.'}
        </p>
      )}

      {m.parentId || m.children.length > 0 ? (
        <>
          <h3>Links</h3>
          <ul className="links">
            {m.parentId ? (
              <li>
                parent{' '}
                <button type="button" className="link" onClick={() => a.selectMessage(m.parentId)}>
                  {shortId(m.parentId)}
                </button>
              </li>
            ) : null}
            {m.children.map((c) => (
              <li key={c}>
                child{' '}
                <button type="button" className="link" onClick={() => a.selectMessage(c)}>
                  {shortId(c)}
                </button>
              </li>
            ))}
          </ul>
        </>
      ) : null}

      <h3>Arguments</h3>
      <pre className="code">{json({ args: m.args, kwargs: m.kwargs })}</pre>
      <h3>Options</h3>
      <pre className="code">{json(options)}</pre>
      {actor ? <ActorOptions actor={{ ...actor, options: actorOptions ?? actor.options }} /> : null}
      {m.result !== undefined && !travelling ? (
        <>
          <h3>Result</h3>
          <pre className="code">{json(m.result)}</pre>
        </>
      ) : null}

      <h3>History</h3>
      <ol className="history">
        {history.map((e) => (
          <li key={e.seq}>
            <button
              type="button"
              className={`history__item${e.seq === cursor ? ' history__item--at' : ''}`}
              onClick={() => {
                a.travelTo(e.seq);
              }}
              title="Time travel to this event"
            >
              <span className="history__seq">#{e.seq}</span>
              <span className="history__t">{formatRunTime(e.t)}</span>
              <span className={`kind kind--${e.kind}`}>{e.kind}</span>
              {e.error ? <span className="muted">{e.error.type}</span> : null}
            </button>
          </li>
        ))}
      </ol>
    </section>
  );
}
