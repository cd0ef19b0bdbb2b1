/**
 * Experiment 1, kill -9: one worker process at a time over a mixed workload, killed with SIGKILL
 * at seeded random moments (some while it boots, most while it works) and restarted each time,
 * while the harness keeps sending; then a last worker drains the file and the journal is judged.
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
  progress,
  verdictFailures,
  type Outcome,
} from './common.ts';
import { drawUnits, Sent, type Unit } from './plan.ts';
import { sleep, spawnWorker, stopGracefully, until, waitFor, within } from './procs.ts';
import { verify } from './verify.ts';

export type KillOptions = {
  dir: string;
  seed: number;
  /** Message ids to send (derived pipeline steps and group callbacks included). */
  messages: number;
  kills: number;
  threads: number;
  leaseMs: number;
  /** A running worker lives a random 0..maxRunMs after it printed `started`. */
  maxRunMs: number;
  /** Share of kills aimed at the boot (before `started`). */
  bootKillShare: number;
  /** Delays drawn for delayed messages: 0..maxDelayMs. */
  maxDelayMs: number;
  drainTimeoutMs: number;
};

export async function killExperiment(o: KillOptions): Promise<Outcome> {
  const t0 = Date.now();
  const file = join(o.dir, 'kill-9.db');
  const rng = new SeededRng(o.seed);
  const broker = new SqliteBroker({ file, clock: new RealClock(), rng: new SeededRng(o.seed + 1) });
  declareAll(broker);
  const peek = new Peek(file);
  const units = drawUnits(rng, o.messages, o.maxDelayMs);
  // A backlog up front (so most kills find work in flight), the rest spread over the kills: half
  // of each share before the worker starts (a boot kill finds it waiting), half once it works.
  const upFront = Math.floor(units.length * 0.4);
  const batches: Unit[][] = [units.slice(0, upFront)];
  const perKill = Math.ceil((units.length - upFront) / Math.max(1, o.kills));
  for (let k = 0; k < o.kills; k++)
    batches.push(units.slice(upFront + k * perKill, upFront + (k + 1) * perKill));
  const sent = new Sent();
  const sendBatch = (b: Unit[]): void => broker.batch(() => b.forEach((u) => sent.send(broker, u)));

  const failures: string[] = [];
  let bootKills = 0;
  let heldAtKill = 0;
  let killsWithWork = 0;
  let said = NO_COMPLAINTS;
  sendBatch(batches[0]!);
  for (let k = 0; k < o.kills; k++) {
    const share = batches[k + 1] ?? [];
    const half = Math.ceil(share.length / 2);
    sendBatch(share.slice(0, half));
    const index = k + 1;
    const child = spawnWorker({
      db: file,
      index,
      threads: o.threads,
      leaseMs: o.leaseMs,
      workerTimeoutMs: 50,
    });
    if (rng.next() < o.bootKillShare) {
      await sleep(rng.uniform(0, 1200));
      sendBatch(share.slice(half));
    } else {
      await waitFor(child, 'started', 60_000);
      sendBatch(share.slice(half));
      await sleep(rng.uniform(0, o.maxRunMs));
    }
    if (child.done) {
      failures.push(`worker ${index} exited by itself: ${child.stderr().slice(0, 500)}`);
      continue;
    }
    const booting = !child.stdout().includes('started');
    child.proc.kill('SIGKILL');
    const how = await within(child.exited, `worker ${index} to die`, 10_000);
    if (how !== 'SIGKILL') failures.push(`worker ${index} ended with ${how}, not SIGKILL`);
    if (booting) bootKills++;
    const held = peek.leasedByWorker(index);
    heldAtKill += held;
    if (held > 0) killsWithWork++;
    said = addComplaints(said, complaints(child.stderr()));
    if ((k + 1) % 10 === 0)
      progress(
        `kill-9: ${k + 1}/${o.kills} kills, ${fmt(sent.ids.length)} ids sent, ${fmt(peek.pendingCount())} pending, ${((Date.now() - t0) / 1000).toFixed(0)} s`,
      );
  }
  for (const b of batches.slice(o.kills + 1)) sendBatch(b);

  // The last worker drains everything (delayed messages, retries, redeliveries) and stops cleanly.
  const drainer = spawnWorker({
    db: file,
    index: o.kills + 1,
    threads: o.threads,
    leaseMs: o.leaseMs,
    workerTimeoutMs: 50,
  });
  await waitFor(drainer, 'started', 60_000);
  try {
    await until(
      () => peek.pendingCount() === 0,
      'the last worker to drain the file',
      o.drainTimeoutMs,
      100,
    );
  } catch (err) {
    failures.push((err as Error).message);
  }
  const code = await stopGracefully(drainer);
  if (code !== 0)
    failures.push(`the draining worker exited with ${code}: ${drainer.stderr().slice(0, 500)}`);
  said = addComplaints(said, complaints(drainer.stderr()));
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
  const c = sent.counts;
  return {
    name: 'kill-9',
    messages: v.messages,
    kills: o.kills,
    lost: v.lost,
    duplicated: v.duplicated,
    unrecorded: v.unrecorded,
    durationMs: Date.now() - t0,
    failures,
    details:
      `${o.kills - bootKills} kills while working (${killsWithWork} with messages leased, ${fmt(heldAtKill)} leases in all), ${bootKills} while booting; ` +
      `mix ${fmt(c.plain)} plain + ${fmt(c.flaky)} failing once + ${fmt(c.doomed)} always failing + ${fmt(c.pipelines)} pipelines + ${fmt(c.groups)} groups (${fmt(c.delayed)} delayed); ` +
      `${fmt(v.events)} events, ${fmt(v.redeliveries)} redeliveries after ${fmt(v.requeued.lease_expired ?? 0)} lease_expired requeues, ${fmt(v.retries)} retries, ${fmt(v.deadLettered)} dead letters, seq gaps ${v.seqGaps}; ${said.leaseLost} stale deliveries refused, ${said.busy} busy waits`,
  };
}
