/**
 * The dead letters of the run, oldest first, each with a requeue button.
 */
import { Button } from '../../ui/Button.tsx';
import { Panel } from '../../ui/Panel.tsx';
import { useEngine } from '../../engine/engine-context.ts';
import { formatRunTime, shortId } from '../../lib/format.ts';
import { useQuery } from '../../lib/use-query.ts';
import { useActions, useAppStore } from '../../store/use-app-store.ts';

const SHOWN = 200;

export function DeadLetters() {
  const api = useEngine();
  const a = useActions();
  const touched = useAppStore((s) => s.messages.touched);
  const runId = useAppStore((s) => s.journal.runId);
  const mode = useAppStore((s) => s.clock.info?.mode);
  const q = useQuery(() => api.call('deadLetters', { limit: SHOWN }), `${runId}:${touched}`, 500);
  const list = q.data?.deadLetters ?? [];
  if (list.length === 0) return null;
  const writable = mode === 'scenario' || mode === 'module';
  return (
    <Panel
      title={`Dead letters (${list.length}${list.length === SHOWN ? '+' : ''})`}
      id="dead-title"
      tools={
        writable ? (
          <Button size="sm" onClick={() => void a.requeueDead({})} data-testid="requeue-all">
            Requeue all
          </Button>
        ) : null
      }
    >
      <table className="table" data-testid="dead-letters">
        <thead>
          <tr>
            <th>message</th>
            <th>actor</th>
            <th>queue</th>
            <th className="num">attempts</th>
            <th className="num">dead at</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {list.map((d) => (
            <tr key={d.id}>
              <td>
                <button type="button" className="link" onClick={() => a.selectMessage(d.messageId)}>
                  {d.label ?? shortId(d.messageId)}
                </button>
              </td>
              <td>{d.actor}</td>
              <td>{d.queue}</td>
              <td className="num">{d.attempts}</td>
              <td className="num">{formatRunTime(d.deadT)}</td>
              <td className="row-actions">
                {writable ? (
                  <Button
                    size="sm"
                    variant="ghost"
                    onClick={() => void a.requeueDead({ messageIds: [d.messageId] })}
                  >
                    Requeue
                  </Button>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Panel>
  );
}
