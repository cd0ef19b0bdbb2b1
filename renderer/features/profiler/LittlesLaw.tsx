/**
 * Little's law and utilisation per queue, from the `stats` query: L = λ·W checked against the
 * measured mean queue length, and ρ = busy time / (slots × span).
 */
import type { MethodResult } from '../../../core/host/api/index.ts';
import { formatDuration, formatNumber, formatPercent, formatRate } from '../../lib/format.ts';

type Stats = MethodResult<'stats'>;

export function LittlesLaw({ stats }: { stats: Stats }) {
  return (
    <div className="little" data-testid="littles-law">
      <table className="table table--greek">
        <thead>
          <tr>
            <th>queue</th>
            <th className="num" title="arrival rate">
              λ
            </th>
            <th className="num" title="mean wait in queue">
              W
            </th>
            <th className="num" title="λ × W: Little's law">
              λ·W
            </th>
            <th className="num" title="measured mean number waiting">
              L
            </th>
            <th className="num" title="busy slot time / (slots × span)">
              ρ
            </th>
            <th className="num">p50</th>
            <th className="num">p95</th>
            <th className="num">p99</th>
          </tr>
        </thead>
        <tbody>
          {stats.queues.map((q) => (
            <tr key={q.name}>
              <th scope="row">{q.name}</th>
              <td className="num">{formatRate(q.arrivalRate)}</td>
              <td className="num">{formatDuration(q.wait.mean)}</td>
              <td className="num">{formatNumber(q.littleLambdaW)}</td>
              <td className="num">{formatNumber(q.meanQueueLength)}</td>
              <td className="num">{formatPercent(q.utilization)}</td>
              <td className="num">{formatDuration(q.latency.p50)}</td>
              <td className="num">{formatDuration(q.latency.p95)}</td>
              <td className="num">{formatDuration(q.latency.p99)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted small">
        Little’s law: the mean number waiting L equals the arrival rate λ times the mean wait W —
        when λ·W and the measured L agree, the run is in a steady state. ρ is the share of the{' '}
        {stats.slots} worker {stats.slots === 1 ? 'slot' : 'slots'} kept busy over{' '}
        {formatDuration(stats.spanMs)}; waits explode as ρ nears 100 %. Latency runs from the first
        enqueue to success or dead letter.
      </p>
    </div>
  );
}
