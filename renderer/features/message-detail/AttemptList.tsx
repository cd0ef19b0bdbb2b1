/**
 * Each attempt in words: how long it ran, how it ended, and for a retry the delay with its
 * formula (min_backoff × 2^retries × jitter).
 */
import type { Attempt } from '../../lib/attempts.ts';
import { formatDuration, formatNumber, superscript } from '../../lib/format.ts';
import { StatusBadge } from '../../ui/StatusBadge.tsx';

export function AttemptList({ attempts, nowT }: { attempts: Attempt[]; nowT: number }) {
  return (
    <ol className="attempts" data-testid="attempts">
      {attempts.map((a, i) => {
        const run = a.phases.find((p) => p.kind === 'running');
        const ran = run ? (run.toT ?? nowT) - run.fromT : null;
        return (
          <li key={i} className="attempts__item">
            <div className="attempts__head">
              <strong>{a.n > 0 ? `Attempt ${a.n}` : 'Never ran'}</strong>
              <StatusBadge
                status={
                  a.outcome === 'time_limited' || a.outcome === 'age_limited' ? 'failed' : a.outcome
                }
                label={a.outcome.replace('_', ' ')}
              />
              {ran !== null ? <span className="muted">ran {formatDuration(ran)}</span> : null}
            </div>
            {a.error ? (
              <div className="attempts__error">
                <code>{a.error.type}</code> {a.error.message}
              </div>
            ) : null}
            {a.retry ? (
              <div className="attempts__retry" data-testid="retry-why">
                → retry {a.retry.retries + 1}
                {a.retry.maxRetries !== null ? ` of ${a.retry.maxRetries}` : ''} in{' '}
                <strong>{formatDuration(a.retry.delayMs)}</strong>
                {a.retry.capped ? (
                  <> (capped by max_backoff)</>
                ) : (
                  <>
                    {' '}
                    = {formatDuration(a.retry.minBackoffMs)} × 2{superscript(a.retry.retries)} ×
                    jitter {formatNumber(a.retry.jitter)}
                    <span className="muted">
                      {' '}
                      (min_backoff × 2^retries × U, U ∈ [1, 2)
                      {a.retry.inferred ? '; min_backoff inferred from the delays' : ''})
                    </span>
                  </>
                )}
              </div>
            ) : null}
          </li>
        );
      })}
    </ol>
  );
}
