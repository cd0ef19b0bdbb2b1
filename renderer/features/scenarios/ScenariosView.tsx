/**
 * The scenarios view: the gallery, fork and compare, the runs to open, your own scenario.
 */
import { useState } from 'react';
import { CompareRuns } from './CompareRuns.tsx';
import { ForkPanel } from './ForkPanel.tsx';
import { RunList } from './RunList.tsx';
import { ScenarioEditor } from './ScenarioEditor.tsx';
import { ScenarioGallery } from './ScenarioGallery.tsx';

export function ScenariosView() {
  const [forked, setForked] = useState<string | null>(null);
  return (
    <div className="view view--scenarios">
      <ScenarioGallery />
      <div className="two-col">
        <ForkPanel onForked={setForked} />
        <CompareRuns suggested={forked} />
      </div>
      <RunList refreshKey={forked} />
      <ScenarioEditor />
    </div>
  );
}
