/**
 * The scenario gallery: every built-in scenario with its story; Open starts a fresh run of it,
 * paused at t = 0.
 */
import { useState } from 'react';
import { Button } from '../../ui/Button.tsx';
import { EmptyState } from '../../ui/EmptyState.tsx';
import { Panel } from '../../ui/Panel.tsx';
import { useEngine } from '../../engine/engine-context.ts';
import { useQuery } from '../../lib/use-query.ts';
import { useActions, useAppStore } from '../../store/use-app-store.ts';

export function ScenarioGallery() {
  const api = useEngine();
  const a = useActions();
  const current = useAppStore((s) => s.clock.info?.scenario?.name ?? null);
  const q = useQuery(() => api.call('scenarios'), 'gallery');
  const [opening, setOpening] = useState<string | null>(null);
  const list = q.data?.scenarios ?? [];
  const open = async (name: string) => {
    setOpening(name);
    const r = await a.loadScenario({ name });
    setOpening(null);
    if (!r.ok) a.fail(r.error);
    else a.setView('queues');
  };
  return (
    <Panel title="Scenario gallery" id="gallery-title">
      {list.length === 0 ? (
        <EmptyState title={q.loading ? 'Loading the gallery…' : 'The gallery is empty'}>
          {q.loading ? null : 'Scenario files live in scenarios/*.json; paste one below to run it.'}
        </EmptyState>
      ) : (
        <ul className="gallery" data-testid="gallery">
          {list.map((s) => (
            <li key={s.name} className={`card${s.name === current ? ' card--current' : ''}`}>
              <div className="card__title">{s.title}</div>
              <div className="card__name">{s.name}</div>
              <p className="card__text">{s.description}</p>
              <Button
                variant="primary"
                size="sm"
                onClick={() => void open(s.name)}
                disabled={opening !== null}
                aria-label={`Open ${s.title}`}
                data-testid={`open-${s.name}`}
              >
                {opening === s.name ? 'Opening…' : s.name === current ? 'Open again' : 'Open'}
              </Button>
            </li>
          ))}
        </ul>
      )}
    </Panel>
  );
}
