import { memo } from 'react';
import { StatusBadge } from '../../ui/StatusBadge.tsx';
import { formatRunTime, shortId } from '../../lib/format.ts';
import { isRetrying, type Row } from './filters.ts';

/** One row of the message list (absolutely placed by the list). */
export const MessageRow = memo(function MessageRow({
  row,
  index,
  top,
  selected,
  onSelect,
}: {
  row: Row | undefined;
  index: number;
  top: number;
  selected: boolean;
  onSelect: (id: string, index: number) => void;
}) {
  if (!row)
    return (
      <div
        className="mrow mrow--loading"
        style={{ transform: `translateY(${top}px)` }}
        aria-hidden="true"
      >
        <span className="mrow__skeleton" />
      </div>
    );
  const retrying = isRetrying(row);
  return (
    <div
      className={`mrow${selected ? ' mrow--selected' : ''}`}
      style={{ transform: `translateY(${top}px)` }}
      role="option"
      aria-selected={selected}
      id={`msg-${index}`}
      data-testid="message-row"
      onClick={() => onSelect(row.messageId, index)}
    >
      <span className="mrow__status">
        <StatusBadge status={retrying ? 'retrying' : row.status} />
      </span>
      <span className="mrow__name" title={row.messageId}>
        {row.label ?? shortId(row.messageId)}
      </span>
      <span className="mrow__actor">{row.actor}</span>
      <span className="mrow__queue">{row.queue}</span>
      <span className="mrow__num">{row.attempts}</span>
      <span className="mrow__num">{formatRunTime(row.enqueuedT)}</span>
      <span className="mrow__err" title={row.error?.message}>
        {row.error?.type ?? ''}
      </span>
    </div>
  );
});
