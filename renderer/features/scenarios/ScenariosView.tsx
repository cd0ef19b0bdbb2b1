/**
 * The scenarios view: the gallery, your own scenario, fork and compare.
 */
import { useState } from 'react';
import { CompareRuns } from './CompareRuns.tsx';
import { ForkPanel } from './ForkPanel.tsx';
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
      <ScenarioEditor />
    </div>
  );
}
