/**
 * Run your own scenario: paste its JSON; problems are listed inline with their JSON path
 * (`actors[0].options.max_retries: …`) and nothing starts until it is valid.
 */
import { useState } from 'react';
import { Button } from '../../ui/Button.tsx';
import { Field } from '../../ui/Field.tsx';
import { Panel } from '../../ui/Panel.tsx';
import { useActions } from '../../store/use-app-store.ts';
import { problemsOf, type Problem } from './problems.ts';

const EXAMPLE = `{
  "rehearsal": 1,
  "name": "My scenario",
  "seed": 1,
  "actors": [
    { "name": "flaky", "options": { "max_retries": 3, "min_backoff": 1000 },
      "behavior": { "duration": { "dist": "constant", "value": 100 },
                    "fail": { "first": 2, "error": "ConnectionError" } } }
  ],
  "messages": [{ "id": "job-1", "actor": "flaky", "args": [] }]
}`;

export function ScenarioEditor() {
  const a = useActions();
  const [text, setText] = useState(EXAMPLE);
  const [problems, setProblems] = useState<Problem[] | null>(null);
  const [jsonError, setJsonError] = useState<string | null>(null);
  const run = async () => {
    let scenario: unknown;
    try {
      scenario = JSON.parse(text);
    } catch (e) {
      setJsonError(`Not JSON: ${(e as Error).message}`);
      setProblems(null);
      return;
    }
    setJsonError(null);
    if (typeof scenario !== 'object' || scenario === null || Array.isArray(scenario)) {
      setProblems([{ path: '', message: 'a scenario is a JSON object' }]);
      return;
    }
    const r = await a.loadScenario({ scenario: scenario as Record<string, unknown> });
    if (r.ok) {
      setProblems(null);
      a.setView('queues');
    } else setProblems(problemsOf(r.error));
  };
  return (
    <Panel title="Your own scenario" id="editor-title">
      <Field label="Scenario JSON" htmlFor="scenario-json" error={jsonError} wide>
        <textarea
          id="scenario-json"
          className="textarea textarea--code"
          rows={12}
          spellCheck={false}
          value={text}
          onChange={(e) => setText(e.target.value)}
          aria-invalid={jsonError !== null || (problems?.length ?? 0) > 0}
        />
      </Field>
      {problems && problems.length > 0 ? (
        <ul className="problems" role="alert" data-testid="scenario-problems">
          {problems.map((p, i) => (
            <li key={i}>
              <code className="problems__path">{p.path || '(top level)'}</code> {p.message}
            </li>
          ))}
        </ul>
      ) : null}
      <Button variant="primary" onClick={() => void run()} data-testid="run-scenario">
        Validate and run
      </Button>
    </Panel>
  );
}
