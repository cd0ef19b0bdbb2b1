/**
 * The palette's matching: every word typed must start a word of the command's title, section or
 * keywords (so "run id" finds "Run until idle"). Pure.
 */
import type { Command } from '../../commands/command.ts';

export function filterCommands(commands: readonly Command[], query: string): Command[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [...commands];
  return commands.filter((c) => {
    const hay = `${c.title} ${c.section} ${c.keywords ?? ''} ${c.shortcut?.label ?? ''}`
      .toLowerCase()
      .split(/[^a-z0-9+→←]+/)
      .filter(Boolean);
    return words.every((w) => hay.some((h) => h.startsWith(w)));
  });
}
