/**
 * Numbers for people: durations ("2 m 13 s"), run times, rates, percentages.
 */

/** A duration in ms as words: `850 ms`, `1.2 s`, `2 m 13 s`, `3 h 05 m`, `2 d 4 h`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  const sign = ms < 0 ? '-' : '';
  const a = Math.abs(ms);
  if (a < 1000) return `${sign}${Math.round(a)} ms`;
  if (a < 10_000) return `${sign}${(a / 1000).toFixed(2).replace(/\.?0+$/, '')} s`;
  if (a < 60_000) return `${sign}${(a / 1000).toFixed(1).replace(/\.0$/, '')} s`;
  const s = Math.round(a / 1000);
  if (s < 3600) return `${sign}${Math.floor(s / 60)} m ${s % 60} s`;
  if (s < 86_400)
    return `${sign}${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} m`;
  return `${sign}${Math.floor(s / 86_400)} d ${Math.floor((s % 86_400) / 3600)} h`;
}

/** A run time (ms since start) as a clock: `0:04.608`, `1:02:03.000`, `2 d 03:00:00`. */
export function formatRunTime(t: number): string {
  const ms = Math.max(0, Math.round(t));
  const days = Math.floor(ms / 86_400_000);
  const h = Math.floor((ms % 86_400_000) / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  const frac = String(ms % 1000).padStart(3, '0');
  const ss = String(s).padStart(2, '0');
  if (days > 0)
    return `${days} d ${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${ss}`;
  if (h > 0) return `${h}:${String(m).padStart(2, '0')}:${ss}.${frac}`;
  return `${m}:${ss}.${frac}`;
}

/** A rate per second with a sensible precision. */
export function formatRate(perSecond: number): string {
  if (!Number.isFinite(perSecond) || perSecond === 0) return '0/s';
  if (perSecond >= 100) return `${Math.round(perSecond)}/s`;
  if (perSecond >= 1) return `${perSecond.toFixed(1)}/s`;
  return `${perSecond.toFixed(2)}/s`;
}

/** 0.834 → `83 %`. */
export function formatPercent(x: number): string {
  return Number.isFinite(x) ? `${Math.round(x * 100)} %` : '—';
}

/** A count with thin separators: 100000 → `100 000`. */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US').replace(/,/g, '\u202f');
}

/** A number to 2 significant decimals at most. */
export function formatNumber(x: number, digits = 2): string {
  if (!Number.isFinite(x)) return '—';
  return Number(x.toFixed(digits)).toString();
}

/** The first 8 characters of a message id. */
export function shortId(id: string): string {
  return id.length > 8 ? id.slice(0, 8) : id;
}

/** 3 → `³` (for 2³ in formulas). */
export function superscript(n: number): string {
  const map = '⁰¹²³⁴⁵⁶⁷⁸⁹';
  return String(n)
    .split('')
    .map((c) => (c === '-' ? '⁻' : (map[Number(c)] ?? c)))
    .join('');
}
