import { describe, expect, it } from 'vitest';
import { applyEvent, applyEvents, RECENT_CAP } from '../../renderer/store/apply-event.ts';
import { initialData } from '../../renderer/store/slices/initial.ts';
import { deepFreeze, runChanged, syntheticJournal } from './events.ts';

describe('applyEvent', () => {
  it('folds events into the clock, the journal, per-queue flow and the actors seen', () => {
    const events = syntheticJournal(10, 2);
    const s = applyEvents(initialData(), events);
    const last = events[events.length - 1]!;
    expect(s.journal.lastSeq).toBe(last.seq);
    expect(s.journal.lastT).toBe(last.t);
    expect(s.clock.seq).toBe(last.seq);
    expect(s.clock.t).toBe(last.t);
    expect(s.journal.recent).toHaveLength(events.length);
    expect(s.journal.kinds.enqueued).toBe(12); // 10 sends + 2 retries
    expect(s.queues.flow.q0).toMatchObject({
      arrived: 5,
      retried: 1,
      started: 5,
      succeeded: 4,
      failed: 1,
    });
    expect(s.messages.actors).toEqual({ actor_0: 'q0', actor_1: 'q1' });
    expect(s.messages.touched).toBe(events.length);
  });

  it('never mutates the state it is given (deep-frozen input)', () => {
    const events = syntheticJournal(50);
    const before = deepFreeze(applyEvents(initialData(), events.slice(0, 100)));
    const snapshot = JSON.stringify(before);
    const after = applyEvents(before, events.slice(100));
    expect(JSON.stringify(before)).toBe(snapshot);
    expect(after).not.toBe(before);
    expect(after.journal.lastSeq).toBe(events.length);
  });

  it('gives the same state one event at a time as in one batch', () => {
    const events = syntheticJournal(40);
    const batch = applyEvents(initialData(), events);
    const single = events.reduce((s, e) => applyEvent(s, e), initialData());
    expect(single.journal).toEqual(batch.journal);
    expect(single.queues).toEqual(batch.queues);
    expect(single.messages).toEqual(batch.messages);
  });

  it('ignores events at or below the last seq (a resumed stream may repeat one)', () => {
    const events = syntheticJournal(5);
    const s = applyEvents(initialData(), events);
    const again = applyEvents(s, events.slice(-3));
    expect(again).toBe(s);
  });

  it('keeps only the latest RECENT_CAP events', () => {
    const events = syntheticJournal(400);
    const s = applyEvents(initialData(), events);
    expect(s.journal.recent).toHaveLength(RECENT_CAP);
    expect(s.journal.recent[RECENT_CAP - 1]!.seq).toBe(events.length);
    const stepwise = events.reduce((st, e) => applyEvent(st, e), initialData());
    expect(stepwise.journal.recent.map((e) => e.seq)).toEqual(s.journal.recent.map((e) => e.seq));
  });

  it('resets what it derived from the old run on run_changed, keeping the ui', () => {
    const old = applyEvents(initialData(), syntheticJournal(5));
    const withUi = { ...old, ui: { ...old.ui, view: 'profiler' as const } };
    const s = applyEvents(withUi, [runChanged('next.db'), ...syntheticJournal(1)]);
    expect(s.journal.runId).toBe('next.db');
    expect(s.journal.lastSeq).toBe(6); // message 0 fails once: 6 events
    expect(s.queues.flow).toEqual({ q0: expect.objectContaining({ arrived: 1 }) });
    expect(s.ui.view).toBe('profiler');
  });

  it('applies at least 50 000 journal events per second in per-frame batches', () => {
    const events = syntheticJournal(20_000); // 116 000 events
    // Warm up the JIT.
    applyEvents(initialData(), events.slice(0, 5000));
    const t0 = performance.now();
    let s = initialData();
    for (let i = 0; i < events.length; i += 1000) s = applyEvents(s, events.slice(i, i + 1000));
    const batchedMs = performance.now() - t0;
    const t1 = performance.now();
    let one = initialData();
    const single = events.slice(0, 30_000);
    for (const e of single) one = applyEvent(one, e);
    const singleMs = performance.now() - t1;
    const batchedRate = Math.round(events.length / (batchedMs / 1000));
    const singleRate = Math.round(single.length / (singleMs / 1000));
    console.log(
      `store apply rate: ${batchedRate.toLocaleString('en-US')} events/s in frames of 1000, ${singleRate.toLocaleString('en-US')} events/s one at a time`,
    );
    expect(s.journal.lastSeq).toBe(events.length);
    // The store applies live events once per animation frame: that path must beat 50 000/s.
    expect(batchedRate).toBeGreaterThan(50_000);
    // One at a time copies the recent-events window per event; still fast, with room for a busy CI.
    expect(singleRate).toBeGreaterThan(20_000);
  });
});
