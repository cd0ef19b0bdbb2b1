/**
 * The runs of this engine's folder (the scenario runs, their forks, replays): open one to step
 * through it, scrub it, or fork it again. The engine holds one run at a time; opening a stored
 * run shows it read-only.
 */
import { Button } from '../../ui/Button.tsx';
import { Panel } from '../../ui/Panel.tsx';
import { useEngine } from '../../engine/engine-context.ts';
import { formatCount } from '../../lib/format.ts';
import { useQuery } from '../../lib/use-query.ts';
import { useActions, useAppStore } from '../../store/use-app-store.ts';

export function RunList({ refreshKey }: { refreshKey: string | null }) {
  const api = useEngine();
  const a = useActions();
  const runId = useAppStore((s) => s.journal.runId);
  const runs = useQuery(() => api.call('runs'), `${runId}:${refreshKey}`);
  const list = runs.data?.runs ?? [];
  return (
    <Panel title="Runs" id="runs-title">
      {list.length === 0 ? (
        <p className="muted">
          No runs yet: open a scenario above; its run, and every fork of it, is listed here.
        </p>
      ) : (
        <table className="table table--runs" data-testid="run-list">
          <thead>
            <tr>
              <th>run</th>
              <th>what it is</th>
              <th className="num">events</th>
              <th className="num">size</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {list.map((r) => (
              <tr key={r.runId} aria-current={r.current ? 'true' : undefined}>
                <th scope="row">
                  <code>{r.runId}</code>
                  {r.current ? <span className="muted small"> · open now</span> : null}
                </th>
                <td>
                  {r.title ?? <span className="muted">not from a scenario</span>}
                  {r.forkOf ? (
                    <div className="muted small">
                      fork of <code>{r.forkOf.run}</code> at #{r.forkOf.atSeq}
                      {r.forkOf.sets.length > 0 ? `: ${r.forkOf.sets.join(', ')}` : ''}
                    </div>
                  ) : null}
                </td>
                <td className="num">{r.events === undefined ? '—' : formatCount(r.events)}</td>
                <td className="num">{formatCount(Math.ceil(r.bytes / 1024))} KiB</td>
                <td className="num">
                  <Button
                    size="sm"
                    disabled={r.current}
                    onClick={() => void a.openRun(r.runId)}
                    data-testid={`open-run-${r.runId}`}
                    aria-label={`Open ${r.runId}`}
                  >
                    Open
                  </Button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Panel>
  );
}
