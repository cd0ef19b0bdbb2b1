/** The player: clock controls, then the scrubber over the journal. */
import { ClockControls } from '../features/clock/ClockControls.tsx';
import { TimelineScrubber } from '../features/timeline/TimelineScrubber.tsx';
import { useAppStore } from '../store/use-app-store.ts';

export function TransportBar() {
  const travelling = useAppStore((s) => s.timeTravel.cursor !== null);
  return (
    <div className={`transport${travelling ? ' transport--travelling' : ''}`}>
      <ClockControls />
      <span className="transport__sep" aria-hidden="true" />
      <TimelineScrubber />
    </div>
  );
}
