/**
 * Waits for the write lock, announced between the connections on one database file (in any
 * process). SQLite's lock is not fair: a connection that holds it for a few ms at a time (a
 * worker's group commit) can starve one that waits, whose busy handler sleeps 1, 2, 5, 10… ms
 * between tries. So a connection that finds the lock taken touches `<file>-wait` before it waits,
 * and the holder of a group commit looks at that file's time and lets the lock go when it moved.
 *
 * Contract:
 * 1. `announce()` never throws (a read-only folder just means no announcement).
 * 2. `othersWaiting()` is true once per change of the file made by another connection since the
 *    last call (a connection's own announcement is not news to it).
 * 3. A connection that announced removes the file when it closes.
 */
import { rmSync, statSync, writeFileSync } from 'node:fs';

export class LockWaits {
  private seen: number;
  private announced = false;

  constructor(private readonly flag: string) {
    this.seen = this.mtime();
  }

  /** Says that this connection is about to wait for the write lock (contract item 1). */
  announce(): void {
    try {
      writeFileSync(this.flag, '');
      this.announced = true;
    } catch {
      // Nowhere to announce: the wait still works, only less fairly.
    }
    this.seen = this.mtime();
  }

  /** Removes the file when this connection made it (it is only a signal), as it closes. */
  close(): void {
    if (!this.announced) return;
    this.announced = false;
    try {
      rmSync(this.flag, { force: true });
    } catch {
      // Left behind: harmless (the next waiter touches it again).
    }
  }

  /** Whether another connection announced a wait since the last look (contract item 2). */
  othersWaiting(): boolean {
    const m = this.mtime();
    if (m === this.seen) return false;
    this.seen = m;
    return m !== 0;
  }

  private mtime(): number {
    try {
      return statSync(this.flag, { throwIfNoEntry: false })?.mtimeMs ?? 0;
    } catch {
      return 0;
    }
  }
}
