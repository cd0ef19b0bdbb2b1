import { Button } from '../../ui/Button.tsx';
import { formatCount, formatRate } from '../../lib/format.ts';
import type { QueueRates } from './rates.ts';

type Row = {
  queue: string;
  ready: number;
  delayed: number;
  inFlight: number;
  dead: number;
  paused: boolean;
};

/** One queue of the dashboard. */
export function QueueRow({
  q,
  rates,
  readOnly,
  onPause,
  onResume,
  onRequeue,
}: {
  q: Row;
  rates: QueueRates | null;
  readOnly: boolean;
  onPause: () => void;
  onResume: () => void;
  onRequeue: () => void;
}) {
  return (
    <tr data-testid={`queue-${q.queue}`}>
      <th scope="row">
        {q.queue}
        {q.paused ? <span className="tag tag--paused">paused</span> : null}
      </th>
      <td className="num">{formatCount(q.ready)}</td>
      <td className="num">{formatCount(q.delayed)}</td>
      <td className="num">{formatCount(q.inFlight)}</td>
      <td className={`num${q.dead > 0 ? ' num--dead' : ''}`}>{formatCount(q.dead)}</td>
      <td className="num muted">{rates ? formatRate(rates.arrivalsPerS) : '—'}</td>
      <td className="num muted">{rates ? formatRate(rates.donePerS) : '—'}</td>
      <td className="row-actions">
        {readOnly ? null : (
          <>
            {q.paused ? (
              <Button size="sm" onClick={onResume} aria-label={`Resume ${q.queue}`}>
                Resume
              </Button>
            ) : (
              <Button size="sm" variant="ghost" onClick={onPause} aria-label={`Pause ${q.queue}`}>
                Pause
              </Button>
            )}
            {q.dead > 0 ? (
              <Button
                size="sm"
                onClick={onRequeue}
                aria-label={`Requeue dead letters of ${q.queue}`}
              >
                Requeue {q.dead}
              </Button>
            ) : null}
          </>
        )}
      </td>
    </tr>
  );
}
