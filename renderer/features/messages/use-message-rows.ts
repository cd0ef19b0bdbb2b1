/**
 * The rows of the message list for a visible range: pages of the `messages` query (live), or a
 * local array (time travel, "retrying"). Pages refetch as events touch messages, at most every
 * REFRESH_MS.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { EngineApi } from '../../../core/host/api/index.ts';
import type { MessageFilter, WorldSnapshot } from '../../store/types.ts';
import { isRetrying, matches, needsLocal, toQuery, type Row } from './filters.ts';
import { pagesFor } from './windowing.ts';

export const PAGE_SIZE = 200;
const REFRESH_MS = 400;
/** Most live messages fetched for a local filter. */
const LOCAL_CAP = 20_000;

export type MessageRows = {
  total: number;
  /** The row at an index, or undefined while its page loads. */
  row(i: number): Row | undefined;
  loading: boolean;
  /** Why the list is partial, if it is. */
  note: string | null;
};

type PageCache = { key: string; total: number; pages: Map<number, Row[]> };

export function useMessageRows(
  api: EngineApi,
  filter: MessageFilter,
  range: { start: number; end: number },
  touched: number,
  runId: string | null,
  snapshot: WorldSnapshot | null,
): MessageRows {
  const key = JSON.stringify([filter, runId]);
  const local = snapshot !== null || needsLocal(filter);
  const [cache, setCache] = useState<PageCache>({ key, total: 0, pages: new Map() });
  const [localRows, setLocalRows] = useState<{
    key: string;
    rows: Row[];
    note: string | null;
  } | null>(null);
  const [loading, setLoading] = useState(false);
  const inFlight = useRef(new Set<string>());
  const lastTouched = useRef({ touched, at: 0 });

  const fetchPage = useCallback(
    async (p: number, force: boolean) => {
      const id = `${key}#${p}`;
      if (inFlight.current.has(id)) return;
      inFlight.current.add(id);
      setLoading(true);
      try {
        const r = await api.call('messages', toQuery(filter, p * PAGE_SIZE, PAGE_SIZE));
        setCache((c) => {
          const base = c.key === key ? c : { key, total: 0, pages: new Map<number, Row[]>() };
          if (!force && base.pages.has(p) && base.total === r.total) return base;
          const pages = new Map(base.pages);
          pages.set(p, r.items);
          return { key, total: r.total, pages };
        });
      } catch {
        // The store shows connection problems; the page is fetched again on the next change.
      } finally {
        inFlight.current.delete(id);
        setLoading(inFlight.current.size > 0);
      }
    },
    [api, filter, key],
  );

  // Server path: fetch missing pages of the visible range.
  const wanted = pagesFor(range, PAGE_SIZE);
  const wantedKey = wanted.join(',');
  useEffect(() => {
    if (local) return;
    const c = cache.key === key ? cache : null;
    for (const p of wantedKey.split(',').map(Number))
      if (!c?.pages.has(p)) void fetchPage(p, false);
  }, [local, key, wantedKey, cache, fetchPage]);

  // Server path: refresh visible pages when messages change.
  useEffect(() => {
    if (local || touched === lastTouched.current.touched) return;
    const wait = lastTouched.current.at + REFRESH_MS - performance.now();
    const visible = wantedKey.split(',').map(Number);
    const go = () => {
      lastTouched.current = { touched, at: performance.now() };
      // Pages out of view are stale now: drop them so they load fresh when scrolled to.
      setCache((c) =>
        c.key === key
          ? { ...c, pages: new Map([...c.pages].filter(([p]) => visible.includes(p))) }
          : c,
      );
      for (const p of visible) void fetchPage(p, true);
    };
    if (wait <= 0) {
      go();
      return;
    }
    const t = window.setTimeout(go, wait);
    return () => window.clearTimeout(t);
  }, [local, touched, key, wantedKey, fetchPage]);

  // Local path.
  const localKey = `${key}|${snapshot?.seq ?? 'live'}|${snapshot ? 0 : touched}`;
  useEffect(() => {
    if (!local) return;
    let cancelled = false;
    const done = (rows: Row[], note: string | null) => {
      if (!cancelled) setLocalRows({ key: localKey, rows, note });
    };
    if (snapshot) {
      const rows: Row[] = Object.values(snapshot.messages).map((m) => ({
        messageId: m.messageId,
        label: m.label,
        actor: m.actor,
        queue: m.queue,
        status: m.status,
        attempts: m.attempt,
        enqueuedT: m.enqueuedT,
        updatedT: m.updatedT,
        etaT: m.etaT,
        error: m.error ? { type: m.error.type, message: m.error.message } : null,
      }));
      rows.sort((x, y) => x.enqueuedT - y.enqueuedT || x.messageId.localeCompare(y.messageId));
      done(
        rows.filter((r) => matches(filter, r)),
        'The world at this event: live messages (ready, delayed, running, dead). Finished ones are counted on the dashboard.',
      );
      return;
    }
    // "retrying": fetch the waiting messages and keep those that already ran.
    void (async () => {
      const out: Row[] = [];
      for (let offset = 0; offset < LOCAL_CAP; offset += 1000) {
        const r = await api
          .call('messages', {
            ...toQuery({ ...filter, status: '' }, offset, 1000),
            status: ['delayed', 'ready'],
          })
          .catch(() => null);
        if (!r || cancelled) return;
        out.push(...r.items.filter((x) => isRetrying(x) && matches(filter, x)));
        if (offset + 1000 >= r.total) return done(out, null);
      }
      done(out, `Showing retries among the first ${LOCAL_CAP} waiting messages.`);
    })();
    return () => {
      cancelled = true;
    };
  }, [local, localKey, api, filter, snapshot]);

  if (local) {
    const rows = localRows?.key === localKey ? localRows.rows : (localRows?.rows ?? []);
    return {
      total: rows.length,
      row: (i) => rows[i],
      loading: localRows?.key !== localKey,
      note: localRows?.note ?? null,
    };
  }
  const c = cache.key === key ? cache : null;
  return {
    total: c?.total ?? 0,
    row: (i) => c?.pages.get(Math.floor(i / PAGE_SIZE))?.[i % PAGE_SIZE],
    loading: loading || !c,
    note: null,
  };
}
