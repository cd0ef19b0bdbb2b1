/**
 * Named statements over `checkpoints` (derived snapshots of the journal fold).
 */
import type { Db } from '../types.ts';

export function checkpointStatements(db: Db) {
  const put = db.prepare<[number, string]>(
    'INSERT OR REPLACE INTO checkpoints (seq, state) VALUES (?, ?)',
  );
  const atOrBefore = db.prepare<[number], { seq: number; state: string }>(
    'SELECT seq, state FROM checkpoints WHERE seq <= ? ORDER BY seq DESC LIMIT 1',
  );
  const last = db.prepare<[], { seq: number | null }>('SELECT max(seq) AS seq FROM checkpoints');
  const clear = db.prepare('DELETE FROM checkpoints');
  return {
    /** Stores the snapshot taken after event `seq`. */
    put: (seq: number, state: string): void => void put.run(seq, state),
    /** The latest snapshot at or before `seq`. */
    atOrBefore: (seq: number): { seq: number; state: string } | undefined => atOrBefore.get(seq),
    /** The highest checkpointed seq, 0 when none. */
    last: (): number => last.get()?.seq ?? 0,
    clear: (): void => void clear.run(),
  };
}

export type CheckpointStatements = ReturnType<typeof checkpointStatements>;
