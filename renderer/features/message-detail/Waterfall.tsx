/**
 * Attempts as a waterfall: one lane per attempt, bars for waiting, delayed, running and backoff,
 * on one time axis from the first enqueue to now.
 */
import type { Attempt } from '../../lib/attempts.ts';
import { formatDuration } from '../../lib/format.ts';

const PHASE_LABEL = {
  waiting: 'waiting',
  delayed: 'delayed',
  running: 'running',
  backoff: 'backoff',
} as const;

export function Waterfall({
  attempts,
  fromT,
  nowT,
}: {
  attempts: Attempt[];
  fromT: number;
  nowT: number;
}) {
  const end = Math.max(nowT, ...attempts.flatMap((a) => a.phases.map((p) => p.toT ?? nowT)));
  const span = Math.max(1, end - fromT);
  const pct = (t: number) => `${(((t - fromT) / span) * 100).toFixed(3)}%`;
  return (
    <div className="waterfall" data-testid="waterfall">
      {attempts.map((a, i) => (
        <div className="waterfall__lane" key={i}>
          <span className="waterfall__label">{a.n > 0 ? `#${a.n}` : '—'}</span>
          <div className="waterfall__track">
            {a.phases.map((p, j) => {
              const to = p.toT ?? nowT;
              return (
                <span
                  key={j}
                  className={`waterfall__bar waterfall__bar--${p.kind}`}
                  style={{
                    left: pct(p.fromT),
                    width: `max(2px, ${(((to - p.fromT) / span) * 100).toFixed(3)}%)`,
                  }}
                  title={`${PHASE_LABEL[p.kind]} ${formatDuration(to - p.fromT)}`}
                />
              );
            })}
          </div>
        </div>
      ))}
      <div className="waterfall__axis">
        <span>0</span>
        <span>{formatDuration(span)}</span>
      </div>
      <div className="legend">
        {(['waiting', 'delayed', 'running', 'backoff'] as const).map((k) => (
          <span key={k} className="legend__item">
            <span className={`legend__swatch waterfall__bar--${k}`} />
            {PHASE_LABEL[k]}
          </span>
        ))}
      </div>
    </div>
  );
}
