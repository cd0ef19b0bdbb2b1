/**
 * The options the message's actor runs with (the engine's `actors` query): the actor's own and,
 * muted, the middleware defaults it falls back to. The message's own options still win over both.
 */
import type { ActorInfo } from '../../store/types.ts';
import { formatDuration } from '../../lib/format.ts';

/** Shown first, in this order; the rest follow by name. */
const FIRST = ['max_retries', 'min_backoff', 'max_backoff', 'time_limit', 'max_age'];
/** Options that are durations in ms. */
const DURATIONS = new Set(['min_backoff', 'max_backoff', 'time_limit', 'max_age', 'result_ttl']);

function show(name: string, v: unknown): string {
  if (v === null) return name === 'max_retries' ? 'forever' : 'none';
  if (typeof v === 'number' && DURATIONS.has(name)) return `${v} (${formatDuration(v)})`;
  return typeof v === 'string' ? v : JSON.stringify(v);
}

export function ActorOptions({ actor }: { actor: ActorInfo }) {
  const names = [
    ...FIRST.filter((n) => n in actor.options),
    ...Object.keys(actor.options)
      .filter((n) => !FIRST.includes(n))
      .sort(),
  ];
  return (
    <>
      <h3>Actor options</h3>
      <dl className="actor-options" data-testid="actor-options">
        <div>
          <dt>priority</dt>
          <dd>{actor.priority}</dd>
        </div>
        {names.map((n) => {
          const own = n in actor.declared;
          return (
            <div key={n} className={own ? undefined : 'actor-options__default'}>
              <dt>{n}</dt>
              <dd>
                {show(n, actor.options[n])}
                {own ? null : <span className="actor-options__tag">default</span>}
              </dd>
            </div>
          );
        })}
      </dl>
    </>
  );
}
