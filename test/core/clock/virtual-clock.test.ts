import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../core/index.ts';

describe('VirtualClock', () => {
  it('fires timers by due time, then in the order they were set', async () => {
    const c = new VirtualClock(0);
    const seen: string[] = [];
    c.setTimer(20, () => seen.push('b@20'));
    c.setTimer(10, () => seen.push('a@10'));
    c.setTimer(20, () => seen.push('c@20'));
    await c.run();
    expect(seen).toEqual(['a@10', 'b@20', 'c@20']);
    expect(c.now()).toBe(20);
  });

  it('keeps order and idleness while most of its timers are cancelled (compaction)', async () => {
    const c = new VirtualClock(0);
    const seen: number[] = [];
    const kept: number[] = [];
    // 10,000 long timers (a time limit per message), all but every 97th cancelled early.
    const timers = Array.from({ length: 10_000 }, (_, i) =>
      c.setTimer(600_000 + i, () => seen.push(i)),
    );
    timers.forEach((t, i) => {
      if (i % 97 === 0) kept.push(i);
      else t.cancel();
    });
    expect(c.pending).toBe(kept.length);
    // Cancelling twice, or after compaction, changes nothing.
    timers[1]!.cancel();
    expect(c.pending).toBe(kept.length);
    await c.run();
    expect(seen).toEqual(kept);
    expect(c.now()).toBe(600_000 + kept[kept.length - 1]!);
    expect(c.pending).toBe(0);
    expect(c.nextDue()).toBeNull();
  });
});
