/**
 * Plain-text tables: aligned columns, a header row, numbers right-aligned.
 */

/** One column: its header and whether its cells align right (numbers). */
export type Column = { header: string; right?: boolean; width?: number };

/** Lays out `rows` under `columns`, widths fitted to the widest cell. */
export function formatTable(columns: readonly Column[], rows: readonly string[][]): string {
  const widths = columns.map((c, i) =>
    Math.max(c.header.length, c.width ?? 0, ...rows.map((r) => (r[i] ?? '').length)),
  );
  const line = (cells: readonly string[]): string =>
    columns
      .map((c, i) => {
        const cell = cells[i] ?? '';
        const last = i === columns.length - 1;
        if (c.right) return cell.padStart(widths[i]!);
        return last ? cell : cell.padEnd(widths[i]!);
      })
      .join('  ')
      .trimEnd();
  return `${[line(columns.map((c) => c.header)), ...rows.map(line)].join('\n')}\n`;
}

/** One row of a table with fixed widths (for streaming: `journal --follow`); long cells end in …. */
export function fixedRow(columns: readonly Required<Column>[], cells: readonly string[]): string {
  return columns
    .map((c, i) => {
      const last = i === columns.length - 1;
      const cell = last ? (cells[i] ?? '') : truncate(cells[i] ?? '', c.width);
      if (c.right) return cell.padStart(c.width);
      return last ? cell : cell.padEnd(c.width);
    })
    .join('  ')
    .trimEnd();
}

/** `text` cut to `max` characters, the last one replaced by … when cut. */
export function truncate(text: string, max: number): string {
  if (max <= 0) return '';
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
