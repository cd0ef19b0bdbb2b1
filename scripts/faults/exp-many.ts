/**
 * Experiment 2, many processes: 4 worker processes × 8 threads on one database file, while the
 * harness enqueues 100,000 near no-op messages in batches; then every message must have run and
 * completed exactly once and the journal's seq must be 1..N without a gap.
 */
import { join } from 'node:path';
import { RealClock, SqliteBroker } from '../../core/index.ts';
import * as A from './actors.ts';
import { declareAll } from './actors.ts';
import {
  addComplaints,
  complaintFailures,
  complaints,
  fmt,
  NO_COMPLAINTS,
  Peek,
  progress,
  verdictFailures,
  type Outcome,
} from './common.ts';
import { sleep, spawnWorker, stopGracefully, until, waitFor, type Child } from './procs.ts';
import { verify } from './verify.ts';

export type ManyOptions = {
  dir: string;
  messages: number;
  processes: number;
  threads: number;
  batch: number;
  drainTimeoutMs: number;
};

export async function manyExperiment(o: ManyOptions): Promise<Outcome> {
  const t0 = Date.now();
  const file = join(o.dir, 'many.db');
  const broker = new SqliteBroker({ file, clock: new RealClock() });
  declareAll(broker);
  const peek = new Peek(file);
  const failures: string[] = [];
  const children: Child[] = [];
  for (let i = 1; i <= o.processes; i++)
    children.push(spawnWorker({ db: file, index: i, threads: o.threads, workerTimeoutMs: 100 }));
  for (const c of children) await waitFor(c, 'started', 60_000);

  const ids: string[] = [];
  const tSend = Date.now();
  for (let sent = 0; sent < o.messages;) {
    const n = Math.min(o.batch, o.messages - sent);
    broker.batch(() => {
      for (let j = 0; j < n; j++) ids.push(A.tiny.send(sent + j).messageId);
    });
    sent += n;
    // Let the event loop breathe (and the workers take the write lock) between batches.
    await sleep(1);
  }
  const sendMs = Date.now() - tSend;
  progress(`many: ${fmt(ids.length)} messages enqueued in ${(sendMs / 1000).toFixed(1)} s`);
  try {
    let lastReport = Date.now();
    await until(
      () => {
        if (Date.now() - lastReport > 10_000) {
          lastReport = Date.now();
          progress(`many: ${fmt(peek.pendingCount())} pending`);
        }
        return peek.pendingCount() === 0;
      },
      `${o.processes} processes to drain ${fmt(o.messages)} messages`,
      o.drainTimeoutMs,
      100,
    );
  } catch (err) {
    failures.push((err as Error).message);
  }
  const drainMs = Date.now() - tSend;
  let said = NO_COMPLAINTS;
  for (const c of children) {
    const code = await stopGracefully(c);
    if (code !== 0) failures.push(`${c.name} exited with ${code}: ${c.stderr().slice(0, 300)}`);
    said = addComplaints(said, complaints(c.stderr()));
  }
  failures.push(...complaintFailures(said));
  peek.close();
  broker.close();

  const v = verify(file, { ids });
  failures.push(...verdictFailures(v));
  if (v.completions !== ids.length)
    failures.push(`${fmt(v.completions)} completions for ${fmt(ids.length)} messages`);
  const perProcess = [...v.startedPerWorker].sort((a, b) => a[0] - b[0]).map(([, n]) => fmt(n));
  return {
    name: 'many-processes',
    messages: v.messages,
    kills: 0,
    lost: v.lost,
    duplicated: v.duplicated,
    unrecorded: v.unrecorded,
    durationMs: Date.now() - t0,
    failures,
    details:
      `${o.processes} processes × ${o.threads} threads; ${fmt(v.completions)} completions; started per process ${perProcess.join(' / ')}; ` +
      `${fmt(v.events)} events, seq 1..${fmt(v.events)} with ${v.seqGaps} gaps; ${fmt(v.requeued.lease_expired ?? 0)} leases expired, ${said.busy} busy waits; ` +
      `sent in ${(sendMs / 1000).toFixed(1)} s, all acked ${(drainMs / 1000).toFixed(1)} s after the first send (${fmt(Math.round(ids.length / (drainMs / 1000)))} msg/s)`,
  };
}
