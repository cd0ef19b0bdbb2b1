/**
 * From a key press to a command.
 *
 * Contract:
 * 1. A shortcut matches on `key` (letters case-insensitively), Shift, and `mod` (Ctrl, or Cmd on
 *    a Mac); Alt never matches.
 * 2. While typing (an input, textarea, select or editable element has focus) only `mod`
 *    shortcuts and Escape act, so typing "t" in a form never switches the theme. Space and Enter
 *    on a focused button or link are left to it (they press it).
 * 3. A range input keeps its own arrow keys (the scrubber moves itself).
 */
import type { Command } from './command.ts';

/** The part of a KeyboardEvent the keymap reads. */
export type KeyPress = {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
  /** The focused element's tag (upper case), its type for inputs, and whether it is editable. */
  target: { tag: string; type?: string; editable?: boolean } | null;
};

const TYPING = new Set(['INPUT', 'TEXTAREA', 'SELECT']);

/** The command a key press runs, if any (contract items 1–3). */
export function matchShortcut(commands: readonly Command[], e: KeyPress): Command | undefined {
  if (e.altKey) return undefined;
  const mod = e.ctrlKey || e.metaKey;
  const tag = e.target?.tag ?? '';
  const typing = (TYPING.has(tag) && e.target?.type !== 'range') || e.target?.editable === true;
  if (e.target?.type === 'range' && e.key.startsWith('Arrow')) return undefined;
  if (
    (tag === 'BUTTON' || tag === 'A' || tag === 'SUMMARY') &&
    (e.key === ' ' || e.key === 'Enter')
  )
    return undefined;
  const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
  return commands.find((c) => {
    const s = c.shortcut;
    if (!s) return false;
    if (typing && !s.mod && s.key !== 'Escape') return false;
    return (
      (s.key.length === 1 ? s.key.toLowerCase() : s.key) === key &&
      Boolean(s.mod) === mod &&
      Boolean(s.shift) === e.shiftKey
    );
  });
}

/** The KeyPress of a DOM keyboard event. */
export function keyPressOf(e: KeyboardEvent): KeyPress {
  const el = e.target instanceof HTMLElement ? e.target : null;
  return {
    key: e.key,
    ctrlKey: e.ctrlKey,
    metaKey: e.metaKey,
    shiftKey: e.shiftKey,
    altKey: e.altKey,
    target: el
      ? {
          tag: el.tagName,
          ...(el instanceof HTMLInputElement ? { type: el.type } : {}),
          editable: el.isContentEditable,
        }
      : null,
  };
}
