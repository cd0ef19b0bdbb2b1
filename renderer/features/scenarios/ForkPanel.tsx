/**
 * Fork: re-run this scenario from an event with some settings changed (`PATH=VALUE` lines, e.g.
 * `actors.call_external_api.options.max_retries=1`), then compare the two runs.
 */
import { useState } from 'react';
import { Button } from '../../ui/Button.tsx';
import { Field } from '../../ui/Field.tsx';
import { Panel } from '../../ui/Panel.tsx';
import { useActions, useAppStore, useShallow } from '../../store/use-app-store.ts';
import { problemsOf, type Problem } from './problems.ts';

export function ForkPanel({ onForked }: { onForked: (runId: string) => void }) {
  const a = useActions();
  const cursor = useAppStore((s) => s.timeTravel.cursor);
  const last = useAppStore((s) => s.journal.lastSeq);
  const actors = useAppStore(useShallow((s) => Object.keys(s.messages.actors)));
  const mode = useAppStore((s) => s.clock.info?.mode);
  const at = cursor ?? last;
  const [sets, setSets] = useState('');
  const [problems, setProblems] = useState<Problem[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ runId: string; text: string } | null>(null);
  const example = `actors.${actors[0] ?? 'my_actor'}.options.max_retries=1`;
  const fork = async () => {
    setBusy(true);
    const lines = sets
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '');
    const r = await a.fork(at, lines);
    setBusy(false);
    if (r.ok) {
      setProblems(null);
      setResult({
        runId: r.value.runId,
        text: `${r.value.runId}: ${r.value.sharedEvents} events shared, ${r.value.events} in all`,
      });
      onForked(r.value.runId);
    } else setProblems(problemsOf(r.error));
  };
  return (
    <Panel title={`Fork at event #${at}`} id="fork-title">
      {mode !== 'scenario' && mode !== 'inspect' ? (
        <p className="muted">Open a scenario run to fork it.</p>
      ) : (
        <>
          <p className="muted">
            Re-runs the scenario with the same seed, identical up to event #{at}, then with your
            changes. Scrub to pick another event.
          </p>
          <Field
            label="Changes (one PATH=VALUE per line)"
            htmlFor="fork-sets"
            hint={`e.g. ${example}, workers[0].threads=4`}
            wide
          >
            <textarea
              id="fork-sets"
              className="textarea textarea--code"
              rows={3}
              spellCheck={false}
              placeholder={example}
              value={sets}
              onChange={(e) => setSets(e.target.value)}
            />
          </Field>
          {problems ? (
            <ul className="problems" role="alert">
              {problems.map((p, i) => (
                <li key={i}>
                  {p.path ? <code className="problems__path">{p.path}</code> : null} {p.message}
                </li>
              ))}
            </ul>
          ) : null}
          {result ? (
            <p className="ok">
              Forked: {result.text}{' '}
              <Button
                size="sm"
                onClick={() => void a.openRun(result.runId)}
                data-testid="open-fork"
              >
                Open the fork
              </Button>
            </p>
          ) : null}
          <Button variant="primary" onClick={() => void fork()} disabled={busy} data-testid="fork">
            {busy ? 'Forking…' : `Fork at #${at}`}
          </Button>
        </>
      )}
    </Panel>
  );
}
