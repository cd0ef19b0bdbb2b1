/**
 * Time travel: the world after any journal event, fast through periodic checkpoints.
 *
 * Contract:
 * 1. `stateAt(seq)` = the nearest checkpoint at or before `seq`, plus the events after it, folded.
 * 2. Checkpoints are derived (table `checkpoints`), written every `every` events on demand; they
 *    never change the journal.
 * 3. A seq beyond the journal is an error naming the last seq.
 */
import type { SqliteStore } from '../db/store.ts';
import { RehearsalError } from '../errors.ts';
import type { Journal } from './journal.ts';
import {
  applyEvent,
  emptyWorld,
  FOLD_VERSION,
  queueStates,
  type QueueState,
  type World,
} from './world-state.ts';

/** Meta key of the fold version the stored checkpoints were made with. */
const FOLD_META = 'checkpoint_fold';

/** Events between two checkpoints. */
export const CHECKPOINT_EVERY = 2000;

/** The world after an event, with its queue counts. */
export type StateAt = World & { queues: QueueState[] };

export class TimeTravel {
  private foldChecked = false;
  /** False when stale checkpoints could not be dropped (a read-only file): none are used. */
  private useStored = true;

  constructor(
    private readonly store: SqliteStore,
    private readonly journal: Journal,
    private readonly every = CHECKPOINT_EVERY,
  ) {}

  /** Writes the checkpoints missing up to the end of the journal; returns how many were written. */
  ensureCheckpoints(onProgress?: (seq: number, last: number) => void): number {
    this.dropStaleCheckpoints();
    if (!this.useStored) return 0;
    const last = this.journal.lastSeq();
    const done = this.store.checkpoints.last();
    if (last - done < this.every) return 0;
    let world = this.load(done);
    let written = 0;
    let batch: [number, string][] = [];
    const flush = (): void => {
      const rows = batch;
      batch = [];
      this.store.write(() => {
        rows.forEach(([s, text]) => this.store.checkpoints.put(s, text));
        this.store.messages.setMeta(FOLD_META, String(FOLD_VERSION));
      });
    };
    // Page through the journal: a write cannot run while a read statement is still iterating.
    for (let after = done; after < last;) {
      const page = this.journal.page(after, 5000);
      if (page.length === 0) break;
      for (const e of page) {
        world = applyEvent(world, e);
        if (e.seq % this.every === 0) {
          batch.push([e.seq, JSON.stringify(world)]);
          written++;
          onProgress?.(e.seq, last);
        }
      }
      after = page[page.length - 1]!.seq;
      if (batch.length >= 20) flush();
    }
    if (batch.length) flush();
    return written;
  }

  /** Checkpoints folded by another version of the fold (`FOLD_VERSION`) are thrown away. */
  private dropStaleCheckpoints(): void {
    if (this.foldChecked) return;
    this.foldChecked = true;
    const m = this.store.messages;
    // Nothing stored yet: the version is written with the first checkpoints (a read of a short
    // journal writes nothing).
    if (m.getMeta(FOLD_META) === String(FOLD_VERSION) || this.store.checkpoints.last() === 0)
      return;
    try {
      this.store.write(() => {
        this.store.checkpoints.clear();
        m.setMeta(FOLD_META, String(FOLD_VERSION));
      });
    } catch {
      // A file this process cannot write: fold from the start instead of trusting them.
      this.useStored = false;
    }
  }

  private load(seq: number): World {
    if (seq === 0) return emptyWorld();
    const cp = this.store.checkpoints.atOrBefore(seq);
    return cp ? (JSON.parse(cp.state) as World) : emptyWorld();
  }

  /**
   * The world after event `seq` (contract item 1).
   * @throws RehearsalError `SEQ_OUT_OF_RANGE`.
   */
  stateAt(seq: number): StateAt {
    const last = this.journal.lastSeq();
    if (!Number.isInteger(seq) || seq < 0 || seq > last) {
      throw new RehearsalError(
        'SEQ_OUT_OF_RANGE',
        `seq ${seq} is not in this journal, which has events 1..${last}`,
        { seq, last },
      );
    }
    this.ensureCheckpoints();
    const cp = this.useStored ? this.store.checkpoints.atOrBefore(seq) : undefined;
    let world = cp ? (JSON.parse(cp.state) as World) : emptyWorld();
    const from = cp?.seq ?? 0;
    if (seq > from)
      for (const e of this.journal.page(from, seq - from)) world = applyEvent(world, e);
    return { ...world, queues: queueStates(world) };
  }
}
