import { describe, expect, it } from 'vitest';
import { matchShortcut, type KeyPress } from '../../renderer/commands/keymap.ts';
import { COMMANDS } from '../../renderer/commands/registry.ts';
import { filterCommands } from '../../renderer/features/palette/filter-commands.ts';

const press = (key: string, extra: Partial<KeyPress> = {}): KeyPress => ({
  key,
  ctrlKey: false,
  metaKey: false,
  shiftKey: false,
  altKey: false,
  target: { tag: 'BODY' },
  ...extra,
});
const idOf = (p: KeyPress) => matchShortcut(COMMANDS, p)?.id;

describe('the command registry and keymap', () => {
  it('gives every command a unique id and every shortcut one command', () => {
    const ids = COMMANDS.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    const keys = COMMANDS.flatMap((c) =>
      c.shortcut ? [`${c.shortcut.mod}${c.shortcut.shift}${c.shortcut.key.toLowerCase()}`] : [],
    );
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('maps space, the arrows and Ctrl/Cmd+K', () => {
    expect(idOf(press(' '))).toBe('clock.togglePlay');
    expect(idOf(press('ArrowRight'))).toBe('clock.step');
    expect(idOf(press('ArrowRight', { shiftKey: true }))).toBe('clock.runUntilIdle');
    expect(idOf(press('ArrowLeft'))).toBe('travel.back');
    expect(idOf(press('k', { ctrlKey: true }))).toBe('app.palette');
    expect(idOf(press('k', { metaKey: true }))).toBe('app.palette');
    expect(idOf(press('2'))).toBe('view.messages');
  });

  it('leaves typing alone: only mod shortcuts and Escape act in a field', () => {
    const input = { tag: 'INPUT', type: 'text' };
    expect(idOf(press('t', { target: input }))).toBeUndefined();
    expect(idOf(press(' ', { target: { tag: 'TEXTAREA' } }))).toBeUndefined();
    expect(idOf(press('k', { ctrlKey: true, target: input }))).toBe('app.palette');
    expect(idOf(press('Escape', { target: input }))).toBe('app.escape');
  });

  it('lets a focused button take Space and a range input keep its arrows', () => {
    expect(idOf(press(' ', { target: { tag: 'BUTTON' } }))).toBeUndefined();
    expect(idOf(press('ArrowLeft', { target: { tag: 'INPUT', type: 'range' } }))).toBeUndefined();
    expect(idOf(press(' ', { target: { tag: 'INPUT', type: 'range' } }))).toBe('clock.togglePlay');
  });

  it('finds commands in the palette by the starts of their words', () => {
    expect(filterCommands(COMMANDS, 'run id').map((c) => c.id)).toEqual(['clock.runUntilIdle']);
    expect(filterCommands(COMMANDS, 'dead').map((c) => c.id)).toContain('queues.requeueDead');
  });
});
