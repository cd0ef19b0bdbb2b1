/**
 * A React hook for engine queries that follow live data: runs `fetch` when `key` changes, at most
 * once per `minIntervalMs` (the last change always gets its run), keeps the previous data while
 * loading, and drops answers that arrive after a newer request.
 */
import { useEffect, useRef, useState } from 'react';

export type QueryState<T> = { data: T | undefined; error: unknown; loading: boolean };

export function useQuery<T>(
  fetch: () => Promise<T>,
  key: string,
  minIntervalMs = 0,
): QueryState<T> & { refetch: () => void } {
  const [state, setState] = useState<QueryState<T>>({
    data: undefined,
    error: null,
    loading: true,
  });
  const fetchRef = useRef(fetch);
  fetchRef.current = fetch;
  const seqRef = useRef(0);
  const lastRunRef = useRef(-Infinity);
  const timerRef = useRef<number | null>(null);
  const [tick, setTick] = useState(0);

  useEffect(() => {
    const run = (): void => {
      timerRef.current = null;
      lastRunRef.current = performance.now();
      const my = ++seqRef.current;
      setState((s) => (s.loading ? s : { ...s, loading: true }));
      fetchRef.current().then(
        (data) => {
          if (my === seqRef.current) setState({ data, error: null, loading: false });
        },
        (error: unknown) => {
          if (my === seqRef.current) setState((s) => ({ data: s.data, error, loading: false }));
        },
      );
    };
    const wait = lastRunRef.current + minIntervalMs - performance.now();
    if (timerRef.current !== null) window.clearTimeout(timerRef.current);
    if (wait <= 0) run();
    else timerRef.current = window.setTimeout(run, wait);
    return () => {
      if (timerRef.current !== null) window.clearTimeout(timerRef.current);
      timerRef.current = null;
    };
  }, [key, minIntervalMs, tick]);

  useEffect(() => () => void ++seqRef.current, []);

  return { ...state, refetch: () => setTick((t) => t + 1) };
}
