/**
 * The filters of the message list: queue, actor, status, label prefix and text.
 */
import { useEffect, useState } from 'react';
import { useActions, useAppStore, useShallow } from '../../store/use-app-store.ts';
import type { MessageFilter } from '../../store/types.ts';

const STATUSES: { value: MessageFilter['status']; label: string }[] = [
  { value: '', label: 'any status' },
  { value: 'live', label: 'live (not finished)' },
  { value: 'ready', label: 'ready' },
  { value: 'delayed', label: 'delayed' },
  { value: 'retrying', label: 'retrying' },
  { value: 'running', label: 'running' },
  { value: 'succeeded', label: 'succeeded' },
  { value: 'failed', label: 'failed' },
  { value: 'skipped', label: 'skipped' },
  { value: 'dead', label: 'dead' },
];

/** A text input that reports its value 200 ms after typing stops. */
function DebouncedInput({
  value,
  onChange,
  ...rest
}: {
  value: string;
  onChange: (v: string) => void;
  placeholder: string;
  'aria-label': string;
  'data-testid'?: string;
}) {
  const [text, setText] = useState(value);
  useEffect(() => setText(value), [value]);
  useEffect(() => {
    if (text === value) return;
    const t = window.setTimeout(() => onChange(text), 200);
    return () => window.clearTimeout(t);
  }, [text, value, onChange]);
  return (
    <input
      className="input input--sm"
      type="search"
      value={text}
      onChange={(e) => setText(e.target.value)}
      {...rest}
    />
  );
}

export function MessageFilters() {
  const a = useActions();
  const f = useAppStore((s) => s.messages.filter);
  const actors = useAppStore((s) => s.messages.actors);
  const queues = useAppStore(useShallow((s) => s.queues.counts.map((q) => q.queue)));
  const queueNames = [...new Set([...queues, ...Object.values(actors)])].sort();
  const actorNames = Object.keys(actors).sort();
  const setLabel = (label: string) => a.setFilter({ label });
  const setText = (text: string) => a.setFilter({ text });
  return (
    <div className="filters" role="search" aria-label="Message filters">
      <select
        className="select select--sm"
        aria-label="Queue"
        value={f.queue}
        onChange={(e) => a.setFilter({ queue: e.target.value })}
      >
        <option value="">any queue</option>
        {queueNames.map((q) => (
          <option key={q} value={q}>
            {q}
          </option>
        ))}
      </select>
      <select
        className="select select--sm"
        aria-label="Actor"
        value={f.actor}
        onChange={(e) => a.setFilter({ actor: e.target.value })}
      >
        <option value="">any actor</option>
        {actorNames.map((x) => (
          <option key={x} value={x}>
            {x}
          </option>
        ))}
      </select>
      <select
        className="select select--sm"
        aria-label="Status"
        value={f.status}
        onChange={(e) => a.setFilter({ status: e.target.value as MessageFilter['status'] })}
        data-testid="status-filter"
      >
        {STATUSES.map((s) => (
          <option key={s.value} value={s.value}>
            {s.label}
          </option>
        ))}
      </select>
      <DebouncedInput
        value={f.label}
        onChange={setLabel}
        placeholder="label starts with…"
        aria-label="Label"
      />
      <DebouncedInput
        value={f.text}
        onChange={setText}
        placeholder="search id, args, error…"
        aria-label="Search text"
        data-testid="text-filter"
      />
      {f.queue || f.actor || f.status || f.label || f.text ? (
        <button
          type="button"
          className="link"
          onClick={() => a.setFilter({ queue: '', actor: '', status: '', label: '', text: '' })}
        >
          clear
        </button>
      ) : null}
    </div>
  );
}
