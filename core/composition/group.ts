/**
 * Groups (Dramatiq §8.2): children run in parallel; results come back in child order; completion
 * callbacks run exactly once, after the last child (a pipeline child counts when its last step
 * succeeds).
 *
 * Contract:
 * 1. `run()` enqueues every child in one transaction: the group is enqueued whole or not at all.
 * 2. With completion callbacks, a fresh UUID names a barrier of `children.length` parties (TTL
 *    `barrierTtlMs`, default 86400000); each child (a pipeline child's last step) carries
 *    `group_completion_uuid` and `group_completion_callbacks`.
 * 3. An empty group is an error; groups nested in a group with callbacks are not supported.
 */
import type { Broker } from '../broker/broker.ts';
import { RehearsalError } from '../errors.ts';
import { copyMessage, toMessageData, type Message } from '../message.ts';
import { Barrier } from '../rate-limits/rate-limiter.ts';
import { getResult, hasResult, type GetResultOptions } from '../results/results-middleware.ts';
import { Pipeline } from './pipeline.ts';

/** What a group is built from. */
export type GroupChild = Message | Pipeline | Group;

export class Group {
  readonly kind = 'group' as const;
  readonly children: readonly GroupChild[];
  readonly broker: Broker;
  private readonly callbacks: Message[] = [];
  readonly barrierTtlMs: number;

  constructor(children: readonly GroupChild[], opts: { broker: Broker; barrierTtlMs?: number }) {
    if (children.length === 0)
      throw new RehearsalError('EMPTY_GROUP', 'a group needs at least one child', {});
    this.children = [...children];
    this.broker = opts.broker;
    this.barrierTtlMs = opts.barrierTtlMs ?? 86_400_000;
  }

  /** Adds a message to enqueue when every child has completed. */
  addCompletionCallback(message: Message): this {
    if (this.children.some((c) => c instanceof Group)) {
      throw new RehearsalError(
        'GROUP_NESTED_WITH_CALLBACKS',
        'groups nested in a group with completion callbacks are not supported',
        {},
      );
    }
    this.callbacks.push(message);
    return this;
  }

  /** Enqueues every child (contract items 1 and 2); returns this group. */
  run(opts: { delayMs?: number | null; label?: string | null } = {}): this {
    const hasGroupCallbacks = this.broker.middleware.some((m) => m.name === 'GroupCallbacks');
    if (this.callbacks.length > 0 && !hasGroupCallbacks) {
      throw new RehearsalError(
        'GROUP_CALLBACKS_MISSING',
        'completion callbacks need the GroupCallbacks middleware on the broker',
        {},
      );
    }
    let marks: Record<string, unknown> | null = null;
    this.broker.batch(() => {
      if (this.callbacks.length > 0) {
        const uuid = this.broker.rng.uuid4();
        new Barrier(uuid, {
          ttlMs: this.barrierTtlMs,
          backend: this.broker.rateLimiterBackend(),
        }).create(this.children.length);
        marks = {
          group_completion_uuid: uuid,
          group_completion_callbacks: this.callbacks.map(toMessageData),
        };
      }
      this.children.forEach((child, k) => {
        const label =
          opts.label === undefined || opts.label === null ? null : `${opts.label}[${k}]`;
        const delayMs = opts.delayMs ?? null;
        if (child instanceof Group) child.run({ delayMs, label });
        else if (child instanceof Pipeline)
          (marks ? child.withLastStepOptions(marks) : child).run({ delayMs, label });
        else
          this.broker.enqueue(marks ? copyMessage(child, { options: marks }) : child, {
            delayMs,
            reason: 'send',
            label,
          });
      });
    });
    this.marked = marks;
    return this;
  }

  private marked: Record<string, unknown> | null = null;

  /** The message whose result stands for child `k` (a pipeline's last step). */
  private resultMessage(child: Message | Pipeline): Message {
    if (child instanceof Pipeline) {
      const last = child.messages[child.messages.length - 1]!;
      return this.marked ? copyMessage(last, { options: this.marked }) : last;
    }
    return child;
  }

  /** Results in child order (a group child yields a list), sharing one deadline. */
  async getResults(opts: GetResultOptions = {}): Promise<unknown[]> {
    const deadline = this.broker.clock.now() + (opts.timeoutMs ?? 10_000);
    const out: unknown[] = [];
    for (const c of this.children) {
      const left = { ...opts, timeoutMs: Math.max(0, deadline - this.broker.clock.now()) };
      out.push(
        c instanceof Group
          ? await c.getResults(left)
          : await getResult(this.broker, this.resultMessage(c), left),
      );
    }
    return out;
  }

  /** Waits until every child has a result. */
  async wait(opts: { timeoutMs?: number } = {}): Promise<void> {
    await this.getResults({ block: true, ...opts });
  }

  /**
   * Number of leading children whose result exists (a group child: all of its own), as
   * Dramatiq's counts them.
   * @throws ResultFailure when a child before the first missing result failed.
   */
  get completedCount(): number {
    let n = 0;
    for (const c of this.children) {
      if (!(c instanceof Group ? c.completed : hasResult(this.broker, this.resultMessage(c))))
        break;
      n++;
    }
    return n;
  }

  get completed(): boolean {
    return this.completedCount === this.children.length;
  }
}

/** Builds a group (`group([a.message(1), pipeline([...])], { broker })`). */
export function group(
  children: readonly GroupChild[],
  opts: { broker?: Broker; barrierTtlMs?: number } = {},
): Group {
  const broker =
    opts.broker ??
    children
      .map((c) => (c instanceof Pipeline || c instanceof Group ? c.broker : null))
      .find((b) => b !== null);
  if (!broker)
    throw new RehearsalError(
      'GROUP_NEEDS_BROKER',
      'group() needs { broker } when built from plain messages',
      {},
    );
  return new Group(
    children,
    opts.barrierTtlMs === undefined ? { broker } : { broker, barrierTtlMs: opts.barrierTtlMs },
  );
}
