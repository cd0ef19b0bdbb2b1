/**
 * Your own middleware: per-actor metrics (counts and durations), loaded from the actor module.
 *
 * A module may export `middleware`, an array of Middleware instances; `rehearsal worker` adds
 * them to its broker after the default stack, so their hooks run around every message, exactly
 * like the built-ins (Retries, TimeLimit…). This one counts what each actor did and how long it
 * took, measured with the broker's clock (so it also works on a simulation's virtual time), and
 * logs a summary every 10 messages and when the worker stops.
 *
 *   rehearsal worker examples/metrics-middleware.ts --threads 4
 *   for i in 1 2 3 4 5 6 7 8 9 10 11 12; do rehearsal enqueue make_thumbnail --args "[\"img$i.png\"]"; done
 *   rehearsal enqueue ping
 *   # metrics lines appear in the worker's log; Ctrl+C prints the final summary
 */
import { setTimeout as sleep } from 'node:timers/promises';
import {
  actor,
  Middleware,
  type Broker,
  type MessageProxy,
  type ProcessOutcome,
  type WorkerInfo,
} from '../core/index.ts';

/** What one actor did so far. */
export type ActorMetrics = {
  started: number;
  succeeded: number;
  failed: number;
  skipped: number;
  /** Total, longest and recent durations of finished attempts, ms. */
  totalMs: number;
  maxMs: number;
  recentMs: number[];
};

/** How many recent durations are kept per actor (for the p95). */
const RECENT = 1000;

/**
 * Counts and times every attempt, per actor. Hooks (see core/middleware/middleware.ts):
 * `beforeProcessMessage` notes the start time in the delivery's `stash`;
 * `afterProcessMessage` (the actor returned or raised) and `afterSkipMessage` (a middleware
 * skipped it) count the outcome; `afterWorkerShutdown` prints the final summary.
 */
export class Metrics extends Middleware {
  private readonly byActor = new Map<string, ActorMetrics>();
  private finished = 0;
  private readonly every: number;

  /** @param opts.every log a summary every N finished attempts (0: only at shutdown). */
  constructor(opts: { every?: number } = {}) {
    super();
    this.every = opts.every ?? 10;
  }

  override beforeProcessMessage(broker: Broker, message: MessageProxy): void {
    message.stash.set(this.name, broker.clock.now());
    this.of(message.actorName).started++;
  }

  override afterProcessMessage(
    broker: Broker,
    message: MessageProxy,
    outcome: ProcessOutcome,
  ): void {
    const m = this.of(message.actorName);
    if (outcome.ok) m.succeeded++;
    else m.failed++;
    const startedAt = message.stash.get(this.name);
    if (typeof startedAt === 'number') {
      const ms = broker.clock.now() - startedAt;
      m.totalMs += ms;
      m.maxMs = Math.max(m.maxMs, ms);
      m.recentMs.push(ms);
      if (m.recentMs.length > RECENT) m.recentMs.shift();
    }
    this.finished++;
    if (this.every > 0 && this.finished % this.every === 0) {
      this.log(broker, `after ${this.finished} attempts`);
    }
  }

  override afterSkipMessage(_broker: Broker, message: MessageProxy): void {
    this.of(message.actorName).skipped++;
  }

  override afterWorkerShutdown(broker: Broker, _worker: WorkerInfo): void {
    this.log(broker, 'at shutdown');
  }

  /** A copy of the metrics so far, by actor name. */
  snapshot(): Record<string, ActorMetrics> {
    const out: Record<string, ActorMetrics> = {};
    for (const [name, m] of this.byActor) out[name] = { ...m, recentMs: [...m.recentMs] };
    return out;
  }

  /** One line per actor, e.g. `make_thumbnail: 12 started, 10 ok, 2 failed, 0 skipped; ...`. */
  lines(): string[] {
    return [...this.byActor.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, m]) => {
        const done = m.succeeded + m.failed;
        const timing =
          done === 0
            ? 'no attempt finished yet'
            : `duration mean ${(m.totalMs / done).toFixed(1)} ms, p95 ${p95(m.recentMs).toFixed(1)} ms, max ${m.maxMs.toFixed(1)} ms`;
        return `${name}: ${m.started} started, ${m.succeeded} ok, ${m.failed} failed, ${m.skipped} skipped; ${timing}`;
      });
  }

  private of(actorName: string): ActorMetrics {
    let m = this.byActor.get(actorName);
    if (!m) {
      m = { started: 0, succeeded: 0, failed: 0, skipped: 0, totalMs: 0, maxMs: 0, recentMs: [] };
      this.byActor.set(actorName, m);
    }
    return m;
  }

  /** Logs through the broker's logger: the worker's stderr, in Dramatiq's format. */
  private log(broker: Broker, when: string): void {
    for (const line of [`metrics ${when}:`, ...this.lines().map((l) => `  ${l}`)]) {
      broker.logger.log({ level: 'INFO', logger: 'examples.Metrics', message: line });
    }
  }
}

function p95(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(0.95 * sorted.length) - 1)]!;
}

/** The module's middleware: `rehearsal worker` adds these to its broker. */
export const middleware = [new Metrics({ every: 10 })];

/** Renders a thumbnail (simulated: 50–250 ms); one in five attempts fails and is retried. */
export const make_thumbnail = actor(
  async (path: string): Promise<void> => {
    await sleep(50 + Math.random() * 200);
    if (Math.random() < 0.2) throw new Error(`could not decode ${path}`);
  },
  { actorName: 'make_thumbnail', queueName: 'images', maxRetries: 2, minBackoff: 100 },
);

/** A quick actor, to see a second row in the metrics. */
export const ping = actor((): void => undefined, { actorName: 'ping' });
