/**
 * Hand-rolled list windowing: which rows to render for a scroll position, and which pages of
 * the engine's `messages` query they need. Pure.
 */

/** Rows [start, end) to render: the visible ones plus `overscan` on each side. */
export function visibleRange(
  scrollTop: number,
  viewportHeight: number,
  rowHeight: number,
  total: number,
  overscan = 10,
): { start: number; end: number } {
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight);
  const count = Math.ceil(Math.max(0, viewportHeight) / rowHeight) + 1;
  return {
    start: Math.max(0, first - overscan),
    end: Math.min(total, first + count + overscan),
  };
}

/** Page numbers covering rows [start, end). */
export function pagesFor(range: { start: number; end: number }, pageSize: number): number[] {
  if (range.end <= range.start) return [0];
  const out: number[] = [];
  for (let p = Math.floor(range.start / pageSize); p <= Math.floor((range.end - 1) / pageSize); p++)
    out.push(p);
  return out;
}
