/**
 * The journal as a list: the latest events live, or the events around the cursor while time
 * travelling. Clicking an event travels to it.
 */
import { EmptyState } from '../../ui/EmptyState.tsx';
import { useEngine } from '../../engine/engine-context.ts';
import { formatRunTime, shortId } from '../../lib/format.ts';
import { useQuery } from '../../lib/use-query.ts';
import { howEventsCome } from '../../lib/next-step.ts';
import { useActions, useAppStore } from '../../store/use-app-store.ts';

const AROUND = 60;
const LIVE_SHOWN = 200;

export function JournalView() {
  const api = useEngine();
  const a = useActions();
  const cursor = useAppStore((s) => s.timeTravel.cursor);
  const recent = useAppStore((s) => s.journal.recent);
  const runId = useAppStore((s) => s.journal.runId);
  const mode = useAppStore((s) => s.clock.info?.mode);
  const around = useQuery(
    () =>
      cursor === null
        ? Promise.resolve(null)
        : api.call('journalPage', { afterSeq: Math.max(0, cursor - AROUND / 2), limit: AROUND }),
    `${runId}:${cursor}`,
    100,
  );
  const events =
    cursor === null ? recent.slice(-LIVE_SHOWN).reverse() : (around.data?.events ?? []);
  if (events.length === 0)
    return (
      <EmptyState title="The journal is empty">
        Every state change of the run is one event here. {howEventsCome(mode)}
      </EmptyState>
    );
  return (
    <div className="view view--journal">
      <div className="note">
        {cursor === null
          ? `The latest ${events.length} events, newest first. Click one to time travel to it.`
          : `Events around #${cursor}. Click one to move there; ← and → step one at a time.`}
      </div>
      <table className="table table--journal" data-testid="journal-table">
        <thead>
          <tr>
            <th className="num">seq</th>
            <th className="num">t</th>
            <th>kind</th>
            <th>message</th>
            <th>actor</th>
            <th>queue</th>
            <th>detail</th>
          </tr>
        </thead>
        <tbody>
          {events.map((e) => (
            <tr
              key={e.seq}
              className={e.seq === cursor ? 'row--at' : 'row--click'}
              onClick={() => a.travelTo(e.seq)}
            >
              <td className="num">{e.seq}</td>
              <td className="num">{formatRunTime(e.t)}</td>
              <td>
                <span className={`kind kind--${e.kind}`}>{e.kind}</span>
              </td>
              <td>{e.label ?? (e.messageId ? shortId(e.messageId) : '')}</td>
              <td>{e.actor ?? ''}</td>
              <td>{e.queue ?? ''}</td>
              <td className="muted">
                {e.error
                  ? `${e.error.type}`
                  : e.delay !== undefined
                    ? `delay ${e.delay} ms`
                    : e.attempt !== undefined
                      ? `attempt ${e.attempt}`
                      : (e.reason ?? '')}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
