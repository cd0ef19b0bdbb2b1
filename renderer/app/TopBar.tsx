/** The run's name, mode and state, the theme and the palette. */
import { IconMoon, IconSun } from '../ui/icons.tsx';
import { Kbd } from '../ui/Kbd.tsx';
import { useActions, useAppStore } from '../store/use-app-store.ts';

export function TopBar() {
  const info = useAppStore((s) => s.clock.info);
  const theme = useAppStore((s) => s.ui.theme);
  const speed = useAppStore((s) => s.clock.speed);
  const idle = useAppStore((s) => s.clock.idle);
  const a = useActions();
  const mode = info?.mode ?? 'empty';
  const title =
    info?.scenario?.title ??
    info?.module ??
    (mode === 'inspect' ? info?.runId : null) ??
    'No run loaded';
  const state =
    mode !== 'scenario' ? null : speed > 0 ? `playing ${speed}×` : idle ? 'idle' : 'paused';
  return (
    <header className="topbar">
      <div className="brand">
        <span className="brand__mark" aria-hidden="true">
          ▶
        </span>
        Rehearsal
      </div>
      <div className="runinfo" title={info?.db}>
        <span className="runinfo__title" data-testid="run-title">
          {title}
        </span>
        {mode !== 'empty' ? <span className={`tag tag--${mode}`}>{mode}</span> : null}
        {state ? (
          <span className={`tag tag--state-${state.split(' ')[0]}`} data-testid="clock-state">
            {state}
          </span>
        ) : null}
      </div>
      <div className="topbar__right">
        <button
          type="button"
          className="btn btn--ghost btn--sm"
          onClick={() => a.toggleTheme()}
          title="Toggle theme (T)"
          aria-label={theme === 'dark' ? 'Switch to the light theme' : 'Switch to the dark theme'}
        >
          {theme === 'dark' ? <IconSun /> : <IconMoon />}
        </button>
        <button
          type="button"
          className="btn btn--ghost btn--sm"
          onClick={() => a.setPalette(true)}
          data-testid="open-palette"
          title="Command palette"
        >
          Commands <Kbd>Ctrl+K</Kbd>
        </button>
      </div>
    </header>
  );
}
