/**
 * The queues dashboard: ready, delayed, in flight and dead per queue, rates, pause/resume, and
 * the dead letters with requeue. Shows the world at the cursor while time travelling.
 */
import { Button } from '../../ui/Button.tsx';
import { EmptyState } from '../../ui/EmptyState.tsx';
import { Panel } from '../../ui/Panel.tsx';
import { Stat } from '../../ui/Stat.tsx';
import { formatCount } from '../../lib/format.ts';
import { useActions, useAppStore } from '../../store/use-app-store.ts';
import { DeadLetters } from './DeadLetters.tsx';
import { QueueRow } from './QueueRow.tsx';
import { queueRates } from './rates.ts';

export function QueuesPanel() {
  const a = useActions();
  const counts = useAppStore((s) => s.queues.counts);
  const samples = useAppStore((s) => s.queues.samples);
  const snapshot = useAppStore((s) => s.timeTravel.snapshot);
  const cursor = useAppStore((s) => s.timeTravel.cursor);
  const mode = useAppStore((s) => s.clock.info?.mode ?? 'empty');
  const totals = snapshot?.totals;
  const travelling = cursor !== null;
  const lastSeq = useAppStore((s) => s.clock.seq);
  // The dead letters listed are today's: shown live, and at the last event (where a stored run
  // opens), where they are also the world at the cursor.
  const deadListed = !travelling || cursor >= lastSeq;

  const paused = new Map(counts.map((q) => [q.queue, q.paused]));
  const rows =
    travelling && snapshot
      ? mergeQueues(
          snapshot.queues,
          counts.map((q) => q.queue),
        ).map((q) => ({ ...q, paused: paused.get(q.queue) ?? false }))
      : counts;
  const sum = rows.reduce(
    (acc, q) => ({
      ready: acc.ready + q.ready,
      delayed: acc.delayed + q.delayed,
      inFlight: acc.inFlight + q.inFlight,
      dead: acc.dead + q.dead,
    }),
    { ready: 0, delayed: 0, inFlight: 0, dead: 0 },
  );

  if (mode === 'empty')
    return (
      <EmptyState
        title="No run loaded"
        action={
          <Button variant="primary" onClick={() => a.setView('scenarios')}>
            Open a scenario
          </Button>
        }
      >
        Open a scenario from the gallery to rehearse it step by step, or start the server with a
        module of actors (<code>rehearsal serve tasks.ts</code>).
      </EmptyState>
    );

  return (
    <div className="view view--queues">
      <div className="stats-row">
        <Stat label="ready" value={formatCount(sum.ready)} tone="ready" />
        <Stat label="delayed" value={formatCount(sum.delayed)} tone="delayed" />
        <Stat label="in flight" value={formatCount(sum.inFlight)} tone="running" />
        <Stat label="dead" value={formatCount(sum.dead)} tone="dead" />
        {totals ? (
          <>
            <Stat label="succeeded" value={formatCount(totals.succeeded ?? 0)} tone="succeeded" />
            <Stat label="retries" value={formatCount(totals.retries ?? 0)} />
          </>
        ) : null}
      </div>
      <Panel title={travelling ? `Queues at event #${cursor}` : 'Queues'} id="queues-title">
        {rows.length === 0 ? (
          <EmptyState title="No queues yet">
            Queues appear when their first message is enqueued. Step the clock (→) or enqueue a
            message.
          </EmptyState>
        ) : (
          <table className="table table--queues" data-testid="queues-table">
            <thead>
              <tr>
                <th>queue</th>
                <th className="num">ready</th>
                <th className="num">delayed</th>
                <th className="num">in flight</th>
                <th className="num">dead</th>
                <th className="num" title="arrivals per second of run time, last 10 s">
                  in/s
                </th>
                <th className="num" title="completions per second of run time, last 10 s">
                  done/s
                </th>
                <th />
              </tr>
            </thead>
            <tbody>
              {rows.map((q) => (
                <QueueRow
                  key={q.queue}
                  q={q}
                  rates={travelling ? null : queueRates(samples, q.queue)}
                  readOnly={travelling || (mode !== 'scenario' && mode !== 'module')}
                  onPause={() => void a.pauseQueue(q.queue)}
                  onResume={() => void a.resumeQueue(q.queue)}
                  onRequeue={() => void a.requeueDead({ queue: q.queue })}
                />
              ))}
            </tbody>
          </table>
        )}
      </Panel>
      {deadListed ? <DeadLetters /> : null}
    </div>
  );
}

function mergeQueues<
  Q extends { queue: string; ready: number; delayed: number; inFlight: number; dead: number },
>(
  at: readonly Q[],
  names: readonly string[],
): { queue: string; ready: number; delayed: number; inFlight: number; dead: number }[] {
  const byName = new Map<
    string,
    { queue: string; ready: number; delayed: number; inFlight: number; dead: number }
  >(at.map((q) => [q.queue, q]));
  for (const n of names)
    if (!byName.has(n)) byName.set(n, { queue: n, ready: 0, delayed: 0, inFlight: 0, dead: 0 });
  return [...byName.values()].sort((x, y) => x.queue.localeCompare(y.queue));
}
