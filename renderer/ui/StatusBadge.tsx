/** A message status as a coloured pill (colours in styles: `.status--<status>`). */
export function StatusBadge({ status, label }: { status: string; label?: string }) {
  return <span className={`status status--${status}`}>{label ?? status}</span>;
}
