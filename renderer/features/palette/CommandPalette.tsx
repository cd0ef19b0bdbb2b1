/**
 * The command palette (Ctrl/Cmd+K): every command with its shortcut, filtered as you type; ↑/↓ to
 * choose, Enter to run, Esc to close.
 */
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { COMMANDS } from '../../commands/registry.ts';
import { Kbd } from '../../ui/Kbd.tsx';
import { useActions, useAppStore, useAppStoreApi } from '../../store/use-app-store.ts';
import { filterCommands } from './filter-commands.ts';

export function CommandPalette() {
  const open = useAppStore((s) => s.ui.paletteOpen);
  if (!open) return null;
  return <Palette />;
}

function Palette() {
  const store = useAppStoreApi();
  const a = useActions();
  const state = useAppStore((s) => s);
  const [query, setQuery] = useState('');
  const [index, setIndex] = useState(0);
  const input = useRef<HTMLInputElement>(null);
  const list = filterCommands(COMMANDS, query).filter((c) => c.id !== 'app.palette');

  useEffect(() => input.current?.focus(), []);
  useEffect(() => setIndex(0), [query]);

  const run = (i: number) => {
    const c = list[i];
    if (!c || (c.enabled && !c.enabled(state))) return;
    a.setPalette(false);
    void c.run(store);
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      setIndex((i) => Math.min(list.length - 1, i + 1));
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setIndex((i) => Math.max(0, i - 1));
    } else if (e.key === 'Enter') {
      e.preventDefault();
      run(index);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      a.setPalette(false);
    }
  };

  return (
    <div className="overlay" onMouseDown={() => a.setPalette(false)}>
      <div
        className="palette"
        role="dialog"
        aria-modal="true"
        aria-label="Command palette"
        onMouseDown={(e) => e.stopPropagation()}
        data-testid="palette"
      >
        <input
          ref={input}
          className="palette__input"
          placeholder="Type a command…"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={onKeyDown}
          aria-label="Command"
          aria-controls="palette-list"
          aria-activedescendant={list[index] ? `cmd-${list[index].id}` : undefined}
        />
        <ul className="palette__list" id="palette-list" role="listbox">
          {list.length === 0 ? (
            <li className="palette__empty">No command matches “{query}”.</li>
          ) : null}
          {list.map((c, i) => {
            const enabled = !c.enabled || c.enabled(state);
            return (
              <li
                key={c.id}
                id={`cmd-${c.id}`}
                role="option"
                aria-selected={i === index}
                aria-disabled={!enabled}
                className={`palette__item${i === index ? ' palette__item--active' : ''}${enabled ? '' : ' palette__item--disabled'}`}
                onMouseEnter={() => setIndex(i)}
                onClick={() => run(i)}
              >
                <span className="palette__section">{c.section}</span>
                <span className="palette__title">{c.title}</span>
                {c.shortcut ? (
                  <Kbd>
                    {c.shortcut.mod
                      ? `Ctrl+${c.shortcut.label.replace('Ctrl+', '')}`
                      : c.shortcut.label}
                  </Kbd>
                ) : null}
              </li>
            );
          })}
        </ul>
        <div className="palette__foot">
          <Kbd>↑</Kbd> <Kbd>↓</Kbd> choose · <Kbd>Enter</Kbd> run · <Kbd>Esc</Kbd> close
        </div>
      </div>
    </div>
  );
}
