import { afterEach, describe, expect, it, vi } from 'vitest';
import { RealClock } from '../../../core/index.ts';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('RealClock timers', () => {
  it('fire no earlier than their delay of now(), even when the wall clock is set back meanwhile', async () => {
    const clock = new RealClock();
    const t0 = clock.now();
    const fired = new Promise<number>((resolve) => clock.setTimer(150, () => resolve(clock.now())));
    // The system clock is stepped back 40 ms (clock sync on a VM): Node's timers run on the
    // monotonic clock and would fire when now() reads only 110 ms later.
    const realNow = Date.now.bind(Date);
    vi.spyOn(Date, 'now').mockImplementation(() => realNow() - 40);
    expect((await fired) - t0).toBeGreaterThanOrEqual(150);
  });
});
