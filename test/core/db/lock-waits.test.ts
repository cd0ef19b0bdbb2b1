import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LockWaits } from '../../../core/db/lock-waits.ts';
import { tempDbPath } from '../../helpers/temp-db.ts';

describe('lock wait announcements between connections', () => {
  it('tell the holder once per announcement by another connection, never its own', async () => {
    const flag = `${tempDbPath()}-wait`;
    const holder = new LockWaits(flag);
    const waiter = new LockWaits(flag);
    expect(holder.othersWaiting()).toBe(false);
    waiter.announce();
    expect(existsSync(flag)).toBe(true);
    expect(waiter.othersWaiting()).toBe(false);
    expect(holder.othersWaiting()).toBe(true);
    expect(holder.othersWaiting()).toBe(false);
    // File times are coarse (a few ms): a later announcement moves the time again.
    await new Promise((r) => setTimeout(r, 20));
    waiter.announce();
    expect(holder.othersWaiting()).toBe(true);
    waiter.close();
    expect(existsSync(flag)).toBe(false);
    holder.close();
  });

  it('announce in a folder that does not exist without throwing (no announcement)', () => {
    const waits = new LockWaits('/nonexistent-folder/x.db-wait');
    expect(() => waits.announce()).not.toThrow();
    expect(waits.othersWaiting()).toBe(false);
    waits.close();
  });
});
