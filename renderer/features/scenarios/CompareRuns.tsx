/**
 * Compare two runs of this folder side by side (e.g. a run and its fork). The engine holds one
 * run at a time, so comparing opens each run read-only in turn, then the first one again.
 */
import { useEffect, useState } from 'react';
import type { MethodResult } from '../../../core/host/api/index.ts';
import { Button } from '../../ui/Button.tsx';
import { Panel } from '../../ui/Panel.tsx';
import { useEngine } from '../../engine/engine-context.ts';
import { formatCount, formatDuration, formatPercent } from '../../lib/format.ts';
import { useQuery } from '../../lib/use-query.ts';
import { useActions, useAppStore } from '../../store/use-app-store.ts';
import { changeClass, compareStats, type CompareRow } from './compare.ts';

type Stats = MethodResult<'stats'>;

const show = (r: CompareRow, v: number) =>
  r.unit === 'ms' ? formatDuration(v) : r.unit === 'ratio' ? formatPercent(v) : formatCount(v);

export function CompareRuns({ suggested }: { suggested: string | null }) {
  const api = useEngine();
  const a = useActions();
  const runId = useAppStore((s) => s.journal.runId);
  const runs = useQuery(() => api.call('runs'), `${runId}:${suggested}`);
  const list = runs.data?.runs ?? [];
  const [left, setLeft] = useState<string>('');
  const [right, setRight] = useState<string>('');
  const [result, setResult] = useState<{ a: Stats; b: Stats; left: string; right: string } | null>(
    null,
  );
  const [busy, setBusy] = useState(false);

  // The first run follows the run open now (opening a fork makes it the one to compare).
  useEffect(() => {
    if (runId) setLeft(runId);
  }, [runId]);
  useEffect(() => {
    if (suggested) setRight(suggested);
  }, [suggested]);

  const compare = async () => {
    if (!left || !right) return;
    setBusy(true);
    try {
      await api.call('openRun', { runId: left });
      const sa = await api.call('stats');
      await api.call('openRun', { runId: right });
      const sb = await api.call('stats');
      await api.call('openRun', { runId: left });
      setResult({ a: sa, b: sb, left, right });
    } catch (err) {
      a.fail(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Panel title="Compare two runs" id="compare-title">
      <div className="compare__pick">
        <select
          className="select select--sm"
          aria-label="First run"
          value={left}
          onChange={(e) => setLeft(e.target.value)}
        >
          <option value="">first run…</option>
          {list.map((r) => (
            <option key={r.runId} value={r.runId}>
              {r.runId}
              {r.current ? ' (current)' : ''}
            </option>
          ))}
        </select>
        <span>vs</span>
        <select
          className="select select--sm"
          aria-label="Second run"
          value={right}
          onChange={(e) => setRight(e.target.value)}
        >
          <option value="">second run…</option>
          {list.map((r) => (
            <option key={r.runId} value={r.runId}>
              {r.runId}
            </option>
          ))}
        </select>
        <Button
          onClick={() => void compare()}
          disabled={busy || !left || !right || left === right}
          data-testid="compare"
        >
          {busy ? 'Comparing…' : 'Compare'}
        </Button>
      </div>
      <p className="muted small">
        Comparing opens both runs read-only; open a scenario again to keep stepping.
      </p>
      {result ? (
        <table className="table table--compare" data-testid="compare-table">
          <thead>
            <tr>
              <th />
              <th className="num">{result.left}</th>
              <th className="num">{result.right}</th>
            </tr>
          </thead>
          <tbody>
            {compareStats(result.a, result.b).map((r) => (
              <tr key={r.label}>
                <th scope="row">{r.label}</th>
                <td className="num">{show(r, r.a)}</td>
                <td className={`num${changeClass(r)}`}>{show(r, r.b)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </Panel>
  );
}
