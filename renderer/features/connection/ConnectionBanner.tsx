/**
 * A banner while the engine is unreachable: says so, and that the app reconnects and resumes
 * from the last event on its own.
 */
import { useAppStore } from '../../store/use-app-store.ts';

export function ConnectionBanner() {
  const status = useAppStore((s) => s.connection.status);
  const everOpened = useAppStore((s) => s.connection.everOpened);
  const attempts = useAppStore((s) => s.connection.attempts);
  const lastSeq = useAppStore((s) => s.journal.lastSeq);
  if (status === 'open') return null;
  const text =
    status === 'closed'
      ? 'The connection to the engine is closed. Reload the page to connect again.'
      : everOpened
        ? `Connection to the engine lost — reconnecting${attempts > 1 ? ` (attempt ${attempts})` : ''}… The view resumes from event #${lastSeq} when it is back.`
        : 'Connecting to the engine…';
  return (
    <div
      className={`banner banner--${everOpened || status === 'closed' ? 'lost' : 'info'}`}
      role="alert"
      data-testid="connection-banner"
    >
      <span className="banner__dot" aria-hidden="true" />
      {text}
    </div>
  );
}
