/**
 * Experiment 3, a worker and the Engine API server on one file: a worker process and the server
 * (`rehearsal serve`'s `startServer`, module mode, with its own worker) run on the same database
 * while the harness sends a mixed load straight into the file and a WebSocket client (the UI's
 * `createEngineClient`) sends through the API. The client subscribes from seq 0 at once, a second
 * subscription joins from seq 0 in the middle, and the connection is dropped on purpose a few
 * times. At the end each subscription must have seen every journal event exactly once, in order,
 * with the journal's content, and the messages are judged as in the other experiments.
 */
import { join } from 'node:path';
import {
  createEngineClient,
  isRunChanged,
  type EngineClient,
  type EngineEvent,
} from '../../core/host/api/index.ts';
import { RealClock, SeededRng, SqliteBroker } from '../../core/index.ts';
import Database from 'better-sqlite3';
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
import {
  sleep,
  spawnScript,
  spawnWorker,
  stopGracefully,
  until,
  waitFor,
  type Child,
} from './procs.ts';
import { verify } from './verify.ts';
import { WsTransport } from './ws-transport.ts';

export type ServeOptions = {
  dir: string;
  seed: number;
  /** Message ids the harness sends straight into the file. */
  messages: number;
  /** Calls the client makes through the API (sends and queries). */
  apiCalls: number;
  /** Connection drops. */
  drops: number;
  /** Refused sends made while nothing else writes, once the load has drained. */
  quietRounds: number;
  threads: number;
  /** Units sent per 25 ms tick. */
  unitsPerTick: number;
  drainTimeoutMs: number;
};

/** What one subscription saw. */
class Seen {
  readonly kinds: string[] = [];
  readonly ids: (string | undefined)[] = [];
  readonly attempts: (number | undefined)[] = [];
  last = 0;
  received = 0;
  repeated = 0;
  skipped = 0;
  runChanged = 0;

  on(e: EngineEvent): void {
    this.received++;
    if (isRunChanged(e)) {
      this.runChanged++;
      return;
    }
    if (e.seq <= this.last) this.repeated++;
    else {
      if (e.seq !== this.last + 1) this.skipped += e.seq - this.last - 1;
      this.last = e.seq;
      this.kinds[e.seq] = e.kind;
      this.ids[e.seq] = e.messageId;
      this.attempts[e.seq] = e.attempt;
    }
  }
}

/** Raw `events` frames, per server-side subscription id: within one, seqs must be consecutive. */
class RawFrames {
  private readonly last = new Map<unknown, number>();
  frames = 0;
  repeated = 0;
  gaps = 0;

  on(frame: unknown): void {
    const f = frame as { type?: unknown; subscriptionId?: unknown; events?: { seq: number }[] };
    if (f.type !== 'events' || !Array.isArray(f.events)) return;
    this.frames++;
    for (const e of f.events) {
      if (e.seq === 0) continue;
      const prev = this.last.get(f.subscriptionId);
      if (prev !== undefined && e.seq <= prev) this.repeated++;
      else if (prev !== undefined && e.seq !== prev + 1) this.gaps++;
      this.last.set(f.subscriptionId, Math.max(prev ?? 0, e.seq));
    }
  }
}

export async function serveExperiment(o: ServeOptions): Promise<Outcome> {
  const t0 = Date.now();
  const file = join(o.dir, 'serve.db');
  const rng = new SeededRng(o.seed);
  const broker = new SqliteBroker({ file, clock: new RealClock(), rng: new SeededRng(o.seed + 1) });
  declareAll(broker);
  const peek = new Peek(file);
  const failures: string[] = [];
  const children: Child[] = [];
  let client: EngineClient | null = null;
  try {
    const worker = spawnWorker({ db: file, index: 1, threads: o.threads, workerTimeoutMs: 50 });
    children.push(worker);
    const server = spawnScript(
      'scripts/faults/serve-child.ts',
      { db: file, threads: o.threads },
      'server',
    );
    children.push(server);
    await waitFor(worker, 'started', 60_000);
    await waitFor(server, '"wsUrl"', 60_000);
    const { wsUrl } = JSON.parse(server.stdout().split('\n')[0]!) as { wsUrl: string };
    if (!wsUrl.startsWith('ws://127.0.0.1:'))
      failures.push(`the server is not on loopback: ${wsUrl}`);

    const transport = new WsTransport(wsUrl);
    const raw = new RawFrames();
    transport.onFrame((f) => raw.on(f));
    client = createEngineClient(transport, { timer: new RealClock(), timeoutMs: 60_000 });
    const first = new Seen();
    const subs: Seen[] = [first];
    client.subscribe(0, (e) => first.on(e));

    // The load: units straight into the file every tick, API calls in between.
    const units = drawUnits(rng, o.messages, 1500);
    const sent = new Sent();
    const apiIds: string[] = [];
    const apiPipelines: { steps: string[]; results: unknown[] }[] = [];
    const apiGroups: { members: string[]; callback: string }[] = [];
    const ticks = Math.ceil(units.length / o.unitsPerTick);
    const callEvery = Math.max(1, Math.floor(ticks / Math.max(1, o.apiCalls)));
    const dropAt = new Set(
      Array.from({ length: o.drops }, (_, k) => Math.floor(((k + 1) * ticks) / (o.drops + 1))),
    );
    const lateJoinAt = Math.floor(ticks / 2);
    let refused = 0;
    /**
     * A send the engine refuses half-way: the group's first child is written, then the second
     * names an unknown callback actor and the whole transaction rolls back. Nothing of it may
     * reach a subscriber (its seqs are reused by the next events).
     */
    const refuse = async (n: number): Promise<void> => {
      const answer = await client!
        .call('sendGroup', {
          children: [
            { actor: 'fx_member', args: [n, 0] },
            { actor: 'fx_member', args: [n, 1], options: { on_success: 'fx_no_such_actor' } },
          ],
        })
        .then(
          () => 'accepted',
          (err: unknown) => (err as { code?: string }).code ?? String(err),
        );
      if (answer === 'UNKNOWN_CALLBACK_ACTOR') refused++;
      else failures.push(`a send with an unknown callback actor was answered ${answer}`);
    };
    let calls = 0;
    let callErrors = 0;
    let callError = '';
    const pendingCalls: Promise<void>[] = [];
    for (let t = 0; t < ticks; t++) {
      const batch: Unit[] = units.slice(t * o.unitsPerTick, (t + 1) * o.unitsPerTick);
      broker.batch(() => batch.forEach((u) => sent.send(broker, u)));
      if (t % callEvery === 0 && calls < o.apiCalls) {
        const n = calls++;
        const c = client;
        const call = async (): Promise<void> => {
          switch (n % 6) {
            case 0:
            case 1: {
              const r = await c.call('enqueue', { actor: 'fx_plain', args: [n] });
              apiIds.push(r.messageId);
              break;
            }
            case 2: {
              const r = await c.call('sendPipeline', {
                steps: [
                  { actor: 'fx_step_a', args: [n] },
                  { actor: 'fx_step_b' },
                  { actor: 'fx_step_c' },
                ],
              });
              apiIds.push(...r.messageIds);
              apiPipelines.push({
                steps: r.messageIds,
                results: [n + 1, 2 * (n + 1), 2 * (n + 1) - 3],
              });
              break;
            }
            case 3: {
              const r = await c.call('sendGroup', {
                children: [
                  { actor: 'fx_member', args: [n, 0] },
                  { actor: 'fx_flaky', args: [n] },
                  { actor: 'fx_member', args: [n, 2] },
                ],
                onComplete: { actor: 'fx_group_done', args: [n] },
              });
              const members = r.children.flatMap((ch) => ch.messageIds);
              apiIds.push(...members, r.onCompleteId!);
              apiGroups.push({ members, callback: r.onCompleteId! });
              break;
            }
            case 4:
              await c.call(n % 2 === 0 ? 'info' : 'queues');
              break;
            default:
              await refuse(n);
          }
        };
        pendingCalls.push(
          call().catch((err: unknown) => {
            callErrors++;
            callError = String(err);
          }),
        );
      }
      if (dropAt.has(t)) {
        // A call cut off by the drop may or may not have run (its answer is lost, so its message
        // ids would be unknown): let the calls in flight finish first. Subscriptions are not
        // waited for: they must resume from their last seq.
        await Promise.all(pendingCalls);
        transport.drop();
      }
      if (t === lateJoinAt) {
        const late = new Seen();
        subs.push(late);
        client.subscribe(0, (e) => late.on(e));
      }
      await sleep(25);
    }
    await Promise.all(pendingCalls);
    if (callErrors > 0) failures.push(`${callErrors} API calls failed (${callError})`);
    progress(
      `serve: ${fmt(sent.ids.length)} ids sent into the file, ${calls} API calls (${callErrors} failed), ${transport.opens - 1} reconnects; draining`,
    );
    const caughtUp = async (): Promise<void> => {
      await until(
        () => peek.pendingCount() === 0,
        'the worker and the server to drain the file',
        o.drainTimeoutMs,
        100,
      );
      // Then every subscription must catch up with the journal's last seq (the feed polls ~4×/s).
      const last = peek.lastSeq();
      await until(
        () => subs.every((s) => s.last >= last),
        'every subscription to reach the last seq',
        60_000,
        50,
      );
    };
    try {
      await caughtUp();
      // Quiet rounds: nothing else writes, so the subscriptions are live (caught up, fed by the
      // server's own appends) when a refused send rolls back, and the next send reuses its seqs.
      for (let r = 0; r < o.quietRounds; r++) {
        await sleep(300);
        await refuse(1_000_000 + r);
        apiIds.push((await client.call('enqueue', { actor: 'fx_plain', args: [r] })).messageId);
        await caughtUp();
      }
      await sleep(500); // anything after the end would show up as a repeat
    } catch (err) {
      failures.push((err as Error).message);
    }

    // Compare each subscription with the journal, event by event.
    const db = new Database(file, { readonly: true, fileMustExist: true });
    const rows = db
      .prepare('SELECT seq, kind, message_id, attempt FROM events ORDER BY seq')
      .raw()
      .all() as [number, string, string | null, number | null][];
    db.close();
    let missing = 0;
    let mismatched = 0;
    for (const s of subs) {
      for (const [seq, kind, id, attempt] of rows) {
        if (s.kinds[seq] === undefined) missing++;
        else if (
          s.kinds[seq] !== kind ||
          (s.ids[seq] ?? null) !== id ||
          (s.attempts[seq] ?? null) !== attempt
        )
          mismatched++;
      }
      if (s.last > rows.length)
        failures.push(`a subscription saw seq ${s.last} beyond the journal's ${rows.length}`);
    }
    const repeated = subs.reduce((n, s) => n + s.repeated, 0);
    const runChanged = subs.reduce((n, s) => n + s.runChanged, 0);
    if (missing > 0) failures.push(`${missing} journal events never reached a subscription`);
    if (repeated > 0) failures.push(`${repeated} events reached a subscription twice`);
    if (mismatched > 0) failures.push(`${mismatched} events differ from the journal`);
    if (runChanged > 0) failures.push(`${runChanged} unexpected run_changed events`);
    if (raw.repeated + raw.gaps > 0)
      failures.push(
        `server frames: ${raw.repeated} repeated and ${raw.gaps} skipped seqs within a subscription`,
      );

    client.close();
    client = null;
    let said = NO_COMPLAINTS;
    for (const c of children) {
      const code = await stopGracefully(c);
      if (code !== 0) failures.push(`${c.name} exited with ${code}: ${c.stderr().slice(0, 300)}`);
      said = addComplaints(said, complaints(c.stderr()));
    }
    failures.push(...complaintFailures(said));
    peek.close();
    broker.close();

    const v = verify(file, {
      ids: [...sent.ids, ...apiIds],
      dead: sent.dead,
      pipelines: [...sent.pipelines, ...apiPipelines],
      groups: [...sent.groups, ...apiGroups],
    });
    failures.push(...verdictFailures(v));
    const perWorker = [...v.startedPerWorker].sort((a, b) => a[0] - b[0]);
    return {
      name: 'worker+server',
      messages: v.messages,
      kills: 0,
      // A subscription that got a different event at some seq never got the journal's one.
      lost: v.lost + missing + mismatched,
      duplicated: v.duplicated + repeated,
      unrecorded: v.unrecorded,
      durationMs: Date.now() - t0,
      failures,
      details:
        `${subs.length} subscriptions from seq 0 (one joined mid-run) saw ${fmt(rows.length)} of ${fmt(rows.length)} events each: ` +
        `${missing} missing, ${repeated} repeated, ${mismatched} different from the journal, in order; ` +
        `${transport.opens - 1} reconnects after deliberate drops, ${fmt(raw.frames)} event frames; ${calls} API calls (${refused} refused half-way through their transaction); ` +
        `attempts by the worker process / the server's worker: ${perWorker.map(([w, n]) => `w${w} ${fmt(n)}`).join(', ')}`,
    };
  } finally {
    client?.close();
    for (const c of children) if (!c.done) c.proc.kill('SIGKILL');
  }
}
