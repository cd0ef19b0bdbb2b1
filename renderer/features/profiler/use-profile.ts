/**
 * Follows the journal into a profile: pages through `journalPage` from where it left off
 * whenever the run grows (at most every REFRESH_MS), and starts over on another run.
 */
import { useEffect, useRef, useState } from 'react';
import type { EngineApi } from '../../../core/host/api/index.ts';
import { emptyProfile, foldProfile, type ProfileAcc } from './profile.ts';

const PAGE = 5000;
const REFRESH_MS = 500;

export function useProfile(
  api: EngineApi,
  runId: string | null,
  lastSeq: number,
): { acc: ProfileAcc; version: number; loading: boolean } {
  const acc = useRef<{ runId: string | null; acc: ProfileAcc }>({ runId, acc: emptyProfile() });
  const [version, setVersion] = useState(0);
  const [loading, setLoading] = useState(false);
  const busy = useRef(false);
  const lastRun = useRef(-Infinity);
  const alive = useRef(true);
  const latest = useRef(lastSeq);
  latest.current = lastSeq;

  useEffect(() => {
    alive.current = true;
    return () => {
      alive.current = false;
    };
  }, []);

  useEffect(() => {
    if (acc.current.runId !== runId) acc.current = { runId, acc: emptyProfile() };
    if (busy.current || acc.current.acc.lastSeq >= lastSeq) return;
    const timer = window.setTimeout(
      () => {
        lastRun.current = performance.now();
        busy.current = true;
        setLoading(true);
        const mine = acc.current;
        const current = () => alive.current && acc.current === mine;
        void (async () => {
          try {
            while (current() && mine.acc.lastSeq < latest.current) {
              const page = await api.call('journalPage', {
                afterSeq: mine.acc.lastSeq,
                limit: PAGE,
              });
              if (page.events.length === 0) break;
              foldProfile(mine.acc, page.events);
              if (current()) setVersion((v) => v + 1);
            }
          } catch {
            // Shown by the store (connection banner, toasts); retried on the next change.
          } finally {
            busy.current = false;
            if (alive.current) {
              setLoading(false);
              // Another run was opened meanwhile: start on it.
              if (acc.current !== mine) setVersion((v) => v + 1);
            }
          }
        })();
      },
      // Throttled, not debounced: a playing run changes lastSeq every frame.
      acc.current.acc.lastSeq === 0
        ? 0
        : Math.max(0, lastRun.current + REFRESH_MS - performance.now()),
    );
    return () => window.clearTimeout(timer);
  }, [api, runId, lastSeq, version]);

  return { acc: acc.current.acc, version, loading };
}
