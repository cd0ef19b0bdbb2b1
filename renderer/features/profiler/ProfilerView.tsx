/**
 * The profiler: throughput, queue depth and latency percentiles over run time, a latency
 * histogram, Little's law and utilisation; export as CSV or PNG. Follows the time-travel cursor.
 */
import { useRef } from 'react';
import { Button } from '../../ui/Button.tsx';
import { EmptyState } from '../../ui/EmptyState.tsx';
import { Panel } from '../../ui/Panel.tsx';
import { useEngine } from '../../engine/engine-context.ts';
import { formatCount, formatDuration } from '../../lib/format.ts';
import { useQuery } from '../../lib/use-query.ts';
import { useActions, useAppStore } from '../../store/use-app-store.ts';
import { Chart } from './Chart.tsx';
import { chartsPng, download } from './export.ts';
import { LittlesLaw } from './LittlesLaw.tsx';
import { histogram, seriesCsv, toSeries } from './profile.ts';
import { useProfile } from './use-profile.ts';

const COLORS = [
  '--st-ready',
  '--st-delayed',
  '--st-running',
  '--st-succeeded',
  '--st-dead',
  '--st-retrying',
];
const color = (v: string) =>
  getComputedStyle(document.documentElement).getPropertyValue(v).trim() || '#888';

export default function ProfilerView() {
  const api = useEngine();
  const a = useActions();
  const runId = useAppStore((s) => s.journal.runId);
  const lastSeq = useAppStore((s) => s.journal.lastSeq);
  const cursor = useAppStore((s) => s.timeTravel.cursor);
  const cursorT = useAppStore((s) => s.timeTravel.snapshot?.t ?? null);
  useAppStore((s) => s.ui.theme);
  const charts = useRef<HTMLDivElement>(null);
  const { acc, loading } = useProfile(api, runId, lastSeq);
  const stats = useQuery(() => api.call('stats'), `${runId}:${Math.floor(lastSeq / 50)}`, 1000);
  const untilT = cursor !== null && cursorT !== null ? cursorT : acc.lastT;
  const series = toSeries(acc, untilT);
  const hist = histogram(acc, untilT);
  const depth = stats.data?.queueLength ?? {};
  const depthQueues = Object.keys(depth).sort();
  // Queue depth as steps sampled on the series' x.
  const depthValues = depthQueues.map((q) => {
    const pts = depth[q] ?? [];
    let j = 0;
    let v = 0;
    return series.x.map((xs) => {
      while (j < pts.length && pts[j]![0] / 1000 <= xs + series.widthMs / 1000) v = pts[j++]![1];
      return v;
    });
  });

  if (lastSeq === 0)
    return (
      <EmptyState title="Nothing to profile yet">
        The profiler charts throughput, queue depth and latency as the run goes. Open a scenario and
        play it (Space), or run it to the end (Shift+→).
      </EmptyState>
    );

  const exportCsv = () =>
    download(
      `rehearsal-profile-${runId ?? 'run'}.csv`,
      new Blob([seriesCsv(series, depth)], { type: 'text/csv' }),
    );
  const exportPng = async () => {
    const blob = charts.current ? await chartsPng(charts.current) : null;
    if (blob) download(`rehearsal-profile-${runId ?? 'run'}.png`, blob);
    else a.toast({ kind: 'error', code: 'NO_CHART', message: 'No chart to export yet.' });
  };

  return (
    <div className="view view--profiler">
      <div className="view__bar">
        <span className="muted">
          {formatCount(acc.doneT.length)} finished messages · buckets of{' '}
          {formatDuration(series.widthMs)}
          {cursor !== null ? ` · up to event #${cursor}` : ''}
          {loading ? ' · reading the journal…' : ''}
        </span>
        <span>
          <Button size="sm" onClick={exportCsv} data-testid="export-csv">
            Export CSV
          </Button>{' '}
          <Button size="sm" onClick={() => void exportPng()} data-testid="export-png">
            Export PNG
          </Button>
        </span>
      </div>
      <div className="charts" ref={charts}>
        <Chart
          title="Throughput"
          testId="chart-throughput"
          x={series.x}
          yLabel="per s"
          series={[
            { label: 'completed/s', color: color('--st-succeeded'), values: series.throughput },
            {
              label: 'failed attempts/s',
              color: color('--st-failed'),
              values: series.failures,
              dash: [4, 3],
            },
          ]}
        />
        <Chart
          title="Queue depth"
          testId="chart-depth"
          x={series.x}
          yLabel="messages"
          series={depthQueues.map((q, i) => ({
            label: q,
            color: color(COLORS[i % COLORS.length]!),
            values: depthValues[i]!,
          }))}
        />
        <Chart
          title="Latency percentiles (first enqueue → done)"
          testId="chart-latency"
          x={series.x}
          yLabel="ms"
          series={[
            { label: 'p50', color: color('--st-ready'), values: series.p50 },
            { label: 'p95', color: color('--st-running'), values: series.p95 },
            { label: 'p99', color: color('--st-dead'), values: series.p99 },
          ]}
        />
        <Chart
          title="Latency histogram"
          testId="chart-histogram"
          x={hist.edges}
          xLabel="ms"
          yLabel="messages"
          series={[
            { label: 'messages', color: color('--accent'), values: hist.counts, bars: true },
          ]}
        />
      </div>
      <Panel title="Little’s law and utilization" id="little-title">
        {stats.data ? (
          <LittlesLaw stats={stats.data} />
        ) : (
          <p className="muted">Loading statistics…</p>
        )}
      </Panel>
    </div>
  );
}
