/**
 * A uPlot chart that follows its container's width and the theme's colours.
 */
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export type ChartSeries = {
  label: string;
  color: string;
  values: (number | null)[];
  bars?: boolean;
  dash?: number[];
};

function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';
}

export function Chart({
  title,
  x,
  series,
  xLabel = 's',
  yLabel,
  height = 180,
  testId,
}: {
  title: string;
  x: number[];
  series: ChartSeries[];
  xLabel?: string;
  yLabel: string;
  height?: number;
  testId?: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const theme = document.documentElement.dataset.theme ?? 'dark';
  const shape = `${theme}|${series.map((s) => `${s.label}${s.bars ? 'b' : ''}`).join(',')}|${xLabel}|${yLabel}`;

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const axis = {
      stroke: cssVar('--text-muted'),
      grid: { stroke: cssVar('--border'), width: 1 },
      ticks: { stroke: cssVar('--border') },
    };
    const opts: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height,
      legend: { show: true, live: false },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: false } },
      axes: [
        { ...axis, label: xLabel, size: 36 },
        { ...axis, label: yLabel, size: 56 },
      ],
      series: [
        { label: xLabel },
        ...series.map((s) => ({
          label: s.label,
          stroke: s.color,
          width: s.bars ? 0 : 1.6,
          ...(s.bars ? { fill: s.color } : {}),
          ...(s.dash ? { dash: s.dash } : {}),
          ...(s.bars
            ? { paths: uPlot.paths.bars!({ size: [0.9, 100] }), points: { show: false } }
            : { points: { show: false } }),
          spanGaps: false,
        })),
      ],
    };
    const u = new uPlot(opts, [[], ...series.map(() => [])] as uPlot.AlignedData, el);
    plot.current = u;
    const ro = new ResizeObserver(() =>
      u.setSize({ width: Math.max(200, el.clientWidth), height }),
    );
    ro.observe(el);
    return () => {
      ro.disconnect();
      u.destroy();
      plot.current = null;
    };
    // The plot is rebuilt only when its shape changes; data updates go through setData.
  }, [shape, height]);

  useEffect(() => {
    plot.current?.setData([x, ...series.map((s) => s.values)] as uPlot.AlignedData);
  });

  return (
    <figure className="chart" data-testid={testId}>
      <figcaption className="chart__title">{title}</figcaption>
      <div ref={box} className="chart__plot" />
    </figure>
  );
}
