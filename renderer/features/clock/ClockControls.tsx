/**
 * The clock: play/pause, step, run until idle or a time, the play speed, and where the run is.
 */
import { useState, type FormEvent } from 'react';
import { Button } from '../../ui/Button.tsx';
import { IconPause, IconPlay, IconStep, IconFastForward } from '../../ui/icons.tsx';
import { useActions, useAppStore } from '../../store/use-app-store.ts';
import { SPEEDS } from '../../commands/speeds.ts';
import { parseTimeInput } from './parse-time.ts';

const speedLabel = (s: number): string => (s >= 1000 ? `${s / 1000}k×` : `${s}×`);

export function ClockControls() {
  const a = useActions();
  const mode = useAppStore((s) => s.clock.info?.mode ?? 'empty');
  const speed = useAppStore((s) => s.clock.speed);
  const playSpeed = useAppStore((s) => s.clock.playSpeed);
  const idle = useAppStore((s) => s.clock.idle);
  const busy = useAppStore((s) => s.clock.busy);
  const open = useAppStore((s) => s.connection.status === 'open');
  const [until, setUntil] = useState('');
  const [untilError, setUntilError] = useState<string | null>(null);
  const movable = mode === 'scenario' && open;
  const playing = speed > 0;

  const submitUntil = (e: FormEvent) => {
    e.preventDefault();
    const ms = parseTimeInput(until);
    if (ms === null) {
      const why = 'a time like 30s, 2m, 1h or 1500ms';
      setUntilError(why);
      // Said in words too, not only by the red border and the tooltip.
      a.toast({
        kind: 'error',
        code: 'INVALID_TIME',
        message: `Run to “${until}”: expected ${why}.`,
      });
      return;
    }
    setUntilError(null);
    void a.runUntil(ms);
  };

  return (
    <div className="clock" aria-label="Clock">
      <Button
        variant="primary"
        onClick={() => void a.togglePlay()}
        disabled={!movable || (!playing && idle)}
        title="Play / pause (Space)"
        aria-label={playing ? 'Pause' : 'Play'}
        data-testid="play"
      >
        {playing ? <IconPause /> : <IconPlay />}
      </Button>
      <Button
        onClick={() => void a.step()}
        disabled={!movable || busy || idle}
        title="Step to the next instant (→)"
        aria-label="Step"
        data-testid="step"
      >
        <IconStep />
      </Button>
      <Button
        onClick={() => void a.runUntilIdle()}
        disabled={!movable || busy || idle}
        title="Run until idle (Shift+→)"
        data-testid="run-idle"
      >
        <IconFastForward /> idle
      </Button>
      <select
        className="select select--sm"
        aria-label="Play speed"
        value={playSpeed}
        onChange={(e) => void a.setPlaySpeed(Number(e.target.value))}
        disabled={!movable}
        title="Play speed: virtual ms per wall ms ([ and ])"
      >
        {SPEEDS.map((s) => (
          <option key={s} value={s}>
            {speedLabel(s)}
          </option>
        ))}
      </select>
      <form className="clock__until" onSubmit={submitUntil}>
        <input
          className={`input input--sm${untilError ? ' input--invalid' : ''}`}
          placeholder="run to 30s"
          aria-label="Run until time"
          value={until}
          onChange={(e) => setUntil(e.target.value)}
          disabled={!movable}
          title={untilError ?? 'Run the virtual clock to a time since the start (e.g. 30s, 2m)'}
        />
      </form>
    </div>
  );
}
