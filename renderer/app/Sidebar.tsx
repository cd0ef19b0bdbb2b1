/** The views, with their number keys. */
import type { ReactNode } from 'react';
import {
  IconChart,
  IconGraph,
  IconJournal,
  IconMessages,
  IconPlus,
  IconQueues,
  IconScenario,
} from '../ui/icons.tsx';
import { Kbd } from '../ui/Kbd.tsx';
import { useActions, useAppStore } from '../store/use-app-store.ts';
import type { ViewId } from '../store/types.ts';

const ITEMS: { view: ViewId; label: string; key: string; icon: ReactNode }[] = [
  { view: 'queues', label: 'Queues', key: '1', icon: <IconQueues /> },
  { view: 'messages', label: 'Messages', key: '2', icon: <IconMessages /> },
  { view: 'enqueue', label: 'Enqueue', key: '3', icon: <IconPlus /> },
  { view: 'pipelines', label: 'Pipelines', key: '4', icon: <IconGraph /> },
  { view: 'profiler', label: 'Profiler', key: '5', icon: <IconChart /> },
  { view: 'scenarios', label: 'Scenarios', key: '6', icon: <IconScenario /> },
  { view: 'journal', label: 'Journal', key: '7', icon: <IconJournal /> },
];

export function Sidebar() {
  const view = useAppStore((s) => s.ui.view);
  const dead = useAppStore((s) => s.queues.counts.reduce((n, q) => n + q.dead, 0));
  const a = useActions();
  return (
    <nav className="sidebar" aria-label="Views">
      {ITEMS.map((it) => (
        <button
          key={it.view}
          type="button"
          className={`sidebar__item${view === it.view ? ' sidebar__item--active' : ''}`}
          aria-current={view === it.view ? 'page' : undefined}
          onClick={() => a.setView(it.view)}
          data-testid={`nav-${it.view}`}
        >
          <span className="sidebar__icon" aria-hidden="true">
            {it.icon}
          </span>
          <span className="sidebar__label">{it.label}</span>
          {it.view === 'queues' && dead > 0 ? (
            <span className="sidebar__badge" title="dead letters">
              {dead}
            </span>
          ) : null}
          <Kbd>{it.key}</Kbd>
        </button>
      ))}
    </nav>
  );
}
