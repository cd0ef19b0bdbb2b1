/**
 * The scrubber over the whole journal: drag (or use ← →) to see the world after any event; "Live"
 * comes back to now.
 */
import { Button } from '../../ui/Button.tsx';
import { IconBack, IconForward } from '../../ui/icons.tsx';
import { formatRunTime } from '../../lib/format.ts';
import { useActions, useAppStore } from '../../store/use-app-store.ts';

export function TimelineScrubber() {
  const a = useActions();
  const last = useAppStore((s) => s.journal.lastSeq);
  const cursor = useAppStore((s) => s.timeTravel.cursor);
  const loading = useAppStore((s) => s.timeTravel.loading);
  const snapT = useAppStore((s) => s.timeTravel.snapshot?.t ?? null);
  const liveT = useAppStore((s) => s.clock.t);
  const travelling = cursor !== null;
  const value = cursor ?? last;
  return (
    <div className={`scrubber${travelling ? ' scrubber--travelling' : ''}`} data-testid="scrubber">
      <Button
        variant="ghost"
        size="sm"
        onClick={() => a.stepBack()}
        disabled={value <= 0}
        aria-label="One event back"
        title="One event back (←)"
      >
        <IconBack />
      </Button>
      <input
        type="range"
        className="scrubber__range"
        min={0}
        max={Math.max(1, last)}
        step={1}
        value={value}
        disabled={last === 0}
        aria-label="Journal position"
        aria-valuetext={`event ${value} of ${last}`}
        onChange={(e) => a.travelTo(Number(e.target.value))}
      />
      <Button
        variant="ghost"
        size="sm"
        onClick={() => void a.stepForward()}
        disabled={!travelling}
        aria-label="One event forward"
        title="One event forward (→)"
      >
        <IconForward />
      </Button>
      <span className="scrubber__pos" data-testid="scrubber-pos">
        {travelling ? (
          <>
            <strong>
              #{value} / {last}
            </strong>{' '}
            {snapT !== null ? `at ${formatRunTime(snapT)}` : ''}
            {loading ? ' …' : ''}
          </>
        ) : (
          <>
            live · #{last} · {formatRunTime(liveT)}
          </>
        )}
      </span>
      <Button
        variant={travelling ? 'primary' : 'ghost'}
        size="sm"
        onClick={() => a.goLive()}
        disabled={!travelling}
        data-testid="go-live"
        title="Back to live (L)"
      >
        <span className="live-dot" aria-hidden="true" /> Live
      </Button>
    </div>
  );
}
