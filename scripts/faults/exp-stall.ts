/**
 * Experiment 1b, stalls: two worker processes share the file with short leases, and one of them
 * at a time is frozen (SIGSTOP) for several lease lengths, then thawed (SIGCONT) — a GC pause, a
 * laptop lid, a debugger. Meanwhile the other worker reclaims the frozen one's leases and runs
 * those messages again; when the frozen one wakes up, the attempts it was running finish and it
 * tries to record them. At-least-once allows the second run; it does not allow the stale attempt
 * to be recorded as a completion too (a second result, a second pipeline step, a second group
 * completion).
 */
import { join } from 'node:path';
import { RealClock, SeededRng, SqliteBroker } from '../../core/index.ts';
import { declareAll } from './actors.ts';
import {
  addComplaints,
  complaintFailures,
  complaints,
  fmt,
  NO_COMPLAINTS,
  Peek,
  verdictFailures,
  type Outcome,
} from './common.ts';
import { drawUnits, Sent, type Unit } from './plan.ts';
import { sleep, spawnWorker, stopGracefully, until, waitFor, type Child } from './procs.ts';
import { verify } from './verify.ts';

export type StallOptions = {
  dir: string;
  seed: number;
  messages: number;
  stalls: number;
  threads: number;
  leaseMs: number;
  drainTimeoutMs: number;
};

export async function stallExperiment(o: StallOptions): Promise<Outcome> {
  const t0 = Date.now();
  const file = join(o.dir, 'stall.db');
  const rng = new SeededRng(o.seed);
  const broker = new SqliteBroker({ file, clock: new RealClock(), rng: new SeededRng(o.seed + 1) });
  declareAll(broker);
  const peek = new Peek(file);
  const failures: string[] = [];
  const workers: Child[] = [1, 2].map((index) =>
    spawnWorker({ db: file, index, threads: o.threads, leaseMs: o.leaseMs, workerTimeoutMs: 50 }),
  );
  const sent = new Sent();
  let heldAtStall = 0;
  try {
    for (const w of workers) await waitFor(w, 'started', 60_000);
    const units = drawUnits(rng, o.messages, 1500);
    const upFront = Math.floor(units.length / 4);
    const perStall = Math.ceil((units.length - upFront) / Math.max(1, o.stalls));
    const sendBatch = (b: Unit[]): void =>
      broker.batch(() => b.forEach((u) => sent.send(broker, u)));
    sendBatch(units.slice(0, upFront));
    for (let s = 0; s < o.stalls; s++) {
      sendBatch(units.slice(upFront + s * perStall, upFront + (s + 1) * perStall));
      await sleep(rng.uniform(50, 400));
      const victim = workers[s % 2]!;
      const index = (s % 2) + 1;
      heldAtStall += peek.leasedByWorker(index);
      victim.proc.kill('SIGSTOP');
      // Long enough for the lease to run out and the other worker's heartbeat to reclaim it.
      await sleep(rng.uniform(2.5 * o.leaseMs, 5 * o.leaseMs));
      victim.proc.kill('SIGCONT');
      await sleep(rng.uniform(100, 400));
      if (victim.done) failures.push(`${victim.name} died: ${victim.stderr().slice(0, 300)}`);
    }
    await until(
      () => peek.pendingCount() === 0,
      'the two workers to drain the file',
      o.drainTimeoutMs,
      100,
    );
  } catch (err) {
    failures.push((err as Error).message);
  }
  let said = NO_COMPLAINTS;
  for (const w of workers) {
    const code = await stopGracefully(w);
    if (code !== 0) failures.push(`${w.name} exited with ${code}: ${w.stderr().slice(0, 300)}`);
    said = addComplaints(said, complaints(w.stderr()));
  }
  failures.push(...complaintFailures(said));
  peek.close();
  broker.close();

  const v = verify(file, {
    ids: sent.ids,
    dead: sent.dead,
    pipelines: sent.pipelines,
    groups: sent.groups,
  });
  failures.push(...verdictFailures(v));
  return {
    name: 'stall',
    messages: v.messages,
    kills: 0,
    lost: v.lost,
    duplicated: v.duplicated,
    unrecorded: v.unrecorded,
    durationMs: Date.now() - t0,
    failures,
    details:
      `${o.stalls} stalls of 2.5–5 leases (${o.leaseMs} ms) with ${fmt(heldAtStall)} leases held at the freeze; ` +
      `${fmt(v.redeliveries)} redeliveries after ${fmt(v.requeued.lease_expired ?? 0)} lease_expired requeues; ` +
      `${said.leaseLost} stale deliveries refused ("lease ran out"), ${said.busy} busy waits; ${fmt(v.events)} events, seq gaps ${v.seqGaps}`,
  };
}
