/**
 * Words of suggested commands (`Next: rehearsal state --at 22 --db 'my run.db'`), quoted for a
 * POSIX shell only when they need it, so they can be copied as they are.
 */

/** `word` as is when it is safe in a shell, else in single quotes. */
export function shellWord(word: string): string {
  if (/^[\w./:@%+=,-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}
