/**
 * `state_at_p95_ms`: time travel on a 1 M-event journal. A real simulated run (no-op actors,
 * Poisson arrivals on two threads, 4 events per message) is copied forward in time until the
 * journal holds `events` rows (each copy gets fresh message ids and later times), then the
 * checkpoints are built once (timed apart) and `stateAt` is asked for random positions.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { parseScenario, runScenario, SqliteBroker, TimeTravel } from '../core/index.ts';
import { nowMs, round } from './lib.ts';

export type StateAtFigures = {
  events: number;
  build_checkpoints_s: number;
  p50_ms: number;
  p95_ms: number;
  max_ms: number;
  samples: number;
};

export async function stateAtBench(
  dir: string,
  events = 1_000_000,
  samples = 200,
): Promise<StateAtFigures> {
  const file = join(dir, 'time-travel.db');
  const seedMessages = 5000;
  await runScenario(
    parseScenario({
      rehearsal: 1,
      workers: [{ threads: 2 }],
      actors: [{ name: 'work', behavior: { duration: { dist: 'exponential', mean: 80 } } }],
      arrivals: [{ actor: 'work', process: 'poisson', rate: 20, count: seedMessages }],
    }),
    { db: file },
  );
  // Copy the run forward with raw SQL (the journal is append-only; copies get new ids and times).
  const db = new Database(file);
  const base = db.prepare('SELECT count(*) AS n, max(at) - min(at) AS span FROM events').get() as {
    n: number;
    span: number;
  };
  const copies = Math.ceil(events / base.n) - 1;
  const copy = db.prepare(
    `INSERT INTO events (at, wall, kind, message_id, label, actor, queue, attempt, parent_id, reason, delay, worker, thread, data)
     SELECT at + @shift, wall, kind, message_id || '-' || @k, label, actor, queue, attempt, parent_id, reason, delay, worker, thread, data
     FROM events WHERE seq <= @n ORDER BY seq`,
  );
  db.transaction(() => {
    for (let k = 1; k <= copies; k++) copy.run({ shift: k * (base.span + 1000), k, n: base.n });
  })();
  db.prepare('DELETE FROM events WHERE seq > ?').run(events);
  db.close();

  const b = new SqliteBroker({ file });
  try {
    const tt = new TimeTravel(b.store, b.journal);
    const t0 = nowMs();
    tt.ensureCheckpoints();
    const build = (nowMs() - t0) / 1000;
    const last = b.journal.lastSeq();
    const times: number[] = [];
    let x = 12345;
    for (let i = 0; i < samples; i++) {
      x = (x * 1103515245 + 12345) % 2147483648; // a fixed sequence of positions
      const seq = 1 + (x % last);
      const s = nowMs();
      tt.stateAt(seq);
      times.push(nowMs() - s);
    }
    times.sort((a, c) => a - c);
    const at = (p: number): number =>
      times[Math.min(times.length - 1, Math.ceil(p * times.length) - 1)]!;
    return {
      events: last,
      build_checkpoints_s: round(build),
      p50_ms: round(at(0.5)),
      p95_ms: round(at(0.95)),
      max_ms: round(times[times.length - 1]!),
      samples,
    };
  } finally {
    b.close();
  }
}
