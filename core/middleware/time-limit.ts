/**
 * TimeLimit (option `time_limit`, default 600000 ms): interrupts an attempt that runs longer than
 * its limit with `TimeLimitExceeded` (empty text), which Retries then treats as any failure.
 *
 * Differs from Dramatiq on purpose (README): the deadline is a clock timer set when the attempt
 * starts, so the interrupt lands exactly at `time_limit` instead of within `time_limit + interval`
 * of a 1 s watchdog, and it needs no `after_process_boot`. How the running code is stopped is the
 * worker's runner's business (an isolated thread is terminated; an in-process actor is abandoned
 * and its `signal` aborted).
 */
import type { Timer } from '../clock/clock.ts';
import type { Broker } from '../broker/broker.ts';
import type { MessageProxy } from '../broker/message-proxy.ts';
import { resolveOption } from '../actor-options.ts';
import { TimeLimitExceeded } from '../errors.ts';
import { Middleware, type ProcessOutcome } from './middleware.ts';
import { interruptOf } from '../worker/interrupts.ts';

const KEY = 'TimeLimit.timer';

export class TimeLimit extends Middleware {
  override readonly actorOptions = new Set(['time_limit']);
  /** Default limit in ms (600000); Infinity = none. */
  readonly timeLimitMs: number;
  /** Dramatiq's watchdog interval (1000); kept for reference, the deadline here is exact. */
  readonly intervalMs: number;

  constructor(opts: { timeLimitMs?: number; intervalMs?: number } = {}) {
    super();
    this.timeLimitMs = opts.timeLimitMs ?? 600_000;
    this.intervalMs = opts.intervalMs ?? 1000;
  }

  override optionDefaults(): Readonly<Record<string, unknown>> {
    return { time_limit: Number.isFinite(this.timeLimitMs) ? this.timeLimitMs : null };
  }

  override beforeProcessMessage(broker: Broker, p: MessageProxy): void {
    const actor = broker.getActor(p.actorName);
    const limit = resolveOption('time_limit', p.options, actor?.options ?? {}, this.timeLimitMs);
    // A limit of 0 or less is a deadline already passed: the attempt is interrupted at once, as
    // Dramatiq's watchdog does at its next check (only a missing or infinite limit means none).
    if (typeof limit !== 'number' || !Number.isFinite(limit)) return;
    const timer = broker.clock.setTimer(Math.max(0, limit), () => {
      const interrupt = interruptOf(p);
      if (!interrupt) return;
      broker.logger.log({
        level: 'WARNING',
        logger: 'dramatiq.middleware.time_limit.TimeLimit',
        message: `Time limit exceeded. Raising exception in worker thread ${p.thread ?? '?'}.`,
      });
      // Interrupt first: the attempt may hold the database's write lock (a thread mid-send), and
      // only stopping it releases the lock this journal row needs. The attempt settles
      // asynchronously, so `time_limited` still precedes `failed`.
      interrupt(new TimeLimitExceeded());
      broker.batch(() =>
        broker.journal.append({
          kind: 'time_limited',
          messageId: p.messageId,
          label: p.label,
          actor: p.actorName,
          queue: p.queueName,
          attempt: p.attempt,
          error: { type: 'TimeLimitExceeded', message: '' },
        }),
      );
    });
    p.stash.set(KEY, timer);
  }

  override afterProcessMessage(_broker: Broker, p: MessageProxy, _outcome: ProcessOutcome): void {
    this.disarm(p);
  }

  override afterSkipMessage(_broker: Broker, p: MessageProxy): void {
    this.disarm(p);
  }

  private disarm(p: MessageProxy): void {
    (p.stash.get(KEY) as Timer | undefined)?.cancel();
    p.stash.delete(KEY);
  }
}
