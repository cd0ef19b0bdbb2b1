/**
 * The application shell: top bar (run, clock), the journal scrubber, the views, and the
 * inspector (teaching panel, message detail). Heavy views load on first use.
 */
import { lazy, Suspense, useEffect } from 'react';
import { ConnectionBanner } from '../features/connection/ConnectionBanner.tsx';
import { EnqueueForm } from '../features/enqueue/EnqueueForm.tsx';
import { MessageDetail } from '../features/message-detail/MessageDetail.tsx';
import { MessageList } from '../features/messages/MessageList.tsx';
import { CommandPalette } from '../features/palette/CommandPalette.tsx';
import { QueuesPanel } from '../features/queues/QueuesPanel.tsx';
import { ScenariosView } from '../features/scenarios/ScenariosView.tsx';
import { TeachingPanel } from '../features/teaching/TeachingPanel.tsx';
import { JournalView } from '../features/timeline/JournalView.tsx';
import { Toasts } from '../features/toasts/Toasts.tsx';
import { useAppStore, useAppStoreApi } from '../store/use-app-store.ts';
import type { ViewId } from '../store/types.ts';
import { ErrorBoundary } from './ErrorBoundary.tsx';
import { Sidebar } from './Sidebar.tsx';
import { TopBar } from './TopBar.tsx';
import { TransportBar } from './TransportBar.tsx';
import { useKeymap } from './use-keymap.ts';

const PipelineGraph = lazy(() => import('../features/pipelines/PipelineGraph.tsx'));
const ProfilerView = lazy(() => import('../features/profiler/ProfilerView.tsx'));

function View({ view }: { view: ViewId }) {
  switch (view) {
    case 'queues':
      return <QueuesPanel />;
    case 'messages':
      return <MessageList />;
    case 'enqueue':
      return <EnqueueForm />;
    case 'pipelines':
      return <PipelineGraph />;
    case 'profiler':
      return <ProfilerView />;
    case 'scenarios':
      return <ScenariosView />;
    case 'journal':
      return <JournalView />;
  }
}

export function App() {
  const store = useAppStoreApi();
  const view = useAppStore((s) => s.ui.view);
  const theme = useAppStore((s) => s.ui.theme);
  const fatal = useAppStore((s) => s.connection.fatal);
  const travelling = useAppStore((s) => s.timeTravel.cursor !== null);
  useKeymap(store);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);
  useEffect(() => store.getState().actions.start(), [store]);

  if (fatal)
    return (
      <main className="fatal">
        <h1>Rehearsal</h1>
        <p>{fatal}</p>
      </main>
    );

  return (
    <div className={`app${travelling ? ' app--travelling' : ''}`} data-view={view}>
      <ConnectionBanner />
      <TopBar />
      <TransportBar />
      <div className="body">
        <Sidebar />
        <main className="main" data-testid={`view-${view}`}>
          <ErrorBoundary where={view} key={view}>
            <Suspense fallback={<div className="loading">Loading…</div>}>
              <View view={view} />
            </Suspense>
          </ErrorBoundary>
        </main>
        <aside className="inspector" aria-label="Inspector">
          <ErrorBoundary where="Teaching panel">
            <TeachingPanel />
          </ErrorBoundary>
          <ErrorBoundary where="Message detail">
            <MessageDetail />
          </ErrorBoundary>
        </aside>
      </div>
      <Toasts />
      <CommandPalette />
    </div>
  );
}
