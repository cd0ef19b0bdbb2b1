/**
 * The messages of the run as a windowed list: only the rows in view (plus a few) exist in the
 * DOM, so 100 000 messages scroll like 100. ↑/↓ move the selection when the list has focus.
 */
import {
  useCallback,
  useEffect,
  useLayoutEffect,
  useRef,
  useState,
  type KeyboardEvent,
} from 'react';
import { EmptyState } from '../../ui/EmptyState.tsx';
import { useEngine } from '../../engine/engine-context.ts';
import { formatCount } from '../../lib/format.ts';
import { howEventsCome } from '../../lib/next-step.ts';
import { useActions, useAppStore } from '../../store/use-app-store.ts';
import { MessageFilters } from './MessageFilters.tsx';
import { MessageRow } from './MessageRow.tsx';
import { useMessageRows } from './use-message-rows.ts';
import { visibleRange } from './windowing.ts';

export const ROW_HEIGHT = 32;

export function MessageList() {
  const api = useEngine();
  const a = useActions();
  const filter = useAppStore((s) => s.messages.filter);
  const touched = useAppStore((s) => s.messages.touched);
  const runId = useAppStore((s) => s.journal.runId);
  const mode = useAppStore((s) => s.clock.info?.mode);
  const selectedId = useAppStore((s) => s.messages.selectedId);
  const snapshot = useAppStore((s) => s.timeTravel.snapshot);
  const cursor = useAppStore((s) => s.timeTravel.cursor);
  const viewport = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(600);
  const [activeIndex, setActiveIndex] = useState<number | null>(null);

  useLayoutEffect(() => {
    const el = viewport.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setHeight(el.clientHeight));
    ro.observe(el);
    setHeight(el.clientHeight);
    return () => ro.disconnect();
  }, []);

  useEffect(() => {
    viewport.current?.scrollTo({ top: 0 });
    setScrollTop(0);
  }, [filter, runId]);

  const travelling = cursor !== null;
  const range0 = visibleRange(scrollTop, height, ROW_HEIGHT, Number.MAX_SAFE_INTEGER);
  const rows = useMessageRows(api, filter, range0, touched, runId, travelling ? snapshot : null);
  const range = visibleRange(scrollTop, height, ROW_HEIGHT, rows.total);

  const onSelect = useCallback(
    (id: string, index: number) => {
      setActiveIndex(index);
      a.selectMessage(id);
    },
    [a],
  );

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    e.preventDefault();
    const next = Math.max(
      0,
      Math.min(rows.total - 1, (activeIndex ?? -1) + (e.key === 'ArrowDown' ? 1 : -1)),
    );
    const row = rows.row(next);
    setActiveIndex(next);
    if (row) a.selectMessage(row.messageId);
    const el = viewport.current;
    if (el) {
      const top = next * ROW_HEIGHT;
      if (top < el.scrollTop) el.scrollTop = top;
      else if (top + ROW_HEIGHT > el.scrollTop + el.clientHeight)
        el.scrollTop = top + ROW_HEIGHT - el.clientHeight;
    }
  };

  const items = [];
  for (let i = range.start; i < range.end; i++) {
    const row = rows.row(i);
    items.push(
      <MessageRow
        key={i}
        row={row}
        index={i}
        top={i * ROW_HEIGHT}
        selected={row !== undefined && row.messageId === selectedId}
        onSelect={onSelect}
      />,
    );
  }

  return (
    <div className="view view--messages">
      <div className="view__bar">
        <MessageFilters />
        <span className="muted" data-testid="message-total">
          {formatCount(rows.total)} message{rows.total === 1 ? '' : 's'}
          {travelling ? ` live at #${cursor}` : ''}
          {rows.loading ? ' …' : ''}
        </span>
      </div>
      {rows.note ? <div className="note">{rows.note}</div> : null}
      <div className="mlist__head" aria-hidden="true">
        <span>status</span>
        <span>message</span>
        <span>actor</span>
        <span>queue</span>
        <span className="num">att.</span>
        <span className="num">enqueued</span>
        <span>error</span>
      </div>
      <div
        className="mlist"
        ref={viewport}
        tabIndex={0}
        role="listbox"
        aria-label="Messages"
        aria-activedescendant={activeIndex !== null ? `msg-${activeIndex}` : undefined}
        onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
        onKeyDown={onKeyDown}
        data-testid="message-list"
      >
        {rows.total === 0 && !rows.loading ? (
          <EmptyState
            title={
              filter.queue || filter.actor || filter.status || filter.label || filter.text
                ? 'No message matches these filters'
                : 'No messages yet'
            }
          >
            {travelling
              ? 'No live message at this event.'
              : `Messages appear here as they are sent. ${howEventsCome(mode)}`}
          </EmptyState>
        ) : (
          <div className="mlist__spacer" style={{ height: rows.total * ROW_HEIGHT }}>
            {items}
          </div>
        )}
      </div>
    </div>
  );
}
