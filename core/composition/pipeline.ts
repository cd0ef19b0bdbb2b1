/**
 * Pipelines (Dramatiq §8.1): messages run one after another, each result appended as the last
 * positional argument of the next step unless that step has `pipe_ignore`.
 *
 * Contract:
 * 1. Built from messages and pipelines (nested pipelines are flattened); every message but the
 *    last carries `pipe_target` = the next message as a plain object. Ids are fixed at build time.
 * 2. `run()` enqueues only the first step, with delay = max(run delay, first step's `delay`
 *    option) (null when both are absent or 0); the Pipelines middleware enqueues the rest.
 * 3. A pipeline cannot contain a group; an empty pipeline is an error.
 */
import type { Broker } from '../broker/broker.ts';
import { RehearsalError } from '../errors.ts';
import { copyMessage, toMessageData, type Message } from '../message.ts';
import { getResult, hasResult, type GetResultOptions } from '../results/results-middleware.ts';

/** What a pipeline is built from. */
export type PipelineChild = Message | Pipeline;

export class Pipeline {
  /** The steps as they will be enqueued (with `pipe_target` chains). */
  readonly messages: readonly Message[];
  readonly broker: Broker;

  constructor(children: readonly PipelineChild[], opts: { broker: Broker }) {
    const flat: Message[] = [];
    for (const c of children) {
      if (c instanceof Pipeline) flat.push(...c.plainSteps());
      else if (isGroupLike(c))
        throw new RehearsalError(
          'PIPELINE_CONTAINS_GROUP',
          'a pipeline cannot contain a group; put the pipeline inside the group instead',
          {},
        );
      else flat.push(c);
    }
    if (flat.length === 0)
      throw new RehearsalError('EMPTY_PIPELINE', 'a pipeline needs at least one step', {});
    this.broker = opts.broker;
    this.messages = chain(flat);
  }

  /** The steps without their `pipe_target` links (for nesting). */
  plainSteps(): Message[] {
    return this.messages.map((m) => {
      const options = { ...m.options };
      delete options.pipe_target;
      return { ...m, options };
    });
  }

  /** Steps, with the last one's options changed (a group marks a pipeline child's last step). */
  withLastStepOptions(options: Record<string, unknown>): Pipeline {
    const steps = this.plainSteps();
    steps[steps.length - 1] = copyMessage(steps[steps.length - 1]!, { options });
    return new Pipeline(steps, { broker: this.broker });
  }

  get length(): number {
    return this.messages.length;
  }

  /** Enqueues the first step (contract item 2); returns this pipeline. */
  run(opts: { delayMs?: number | null; label?: string | null } = {}): this {
    const first = this.messages[0]!;
    const own = typeof first.options.delay === 'number' ? first.options.delay : 0;
    const delay = Math.max(opts.delayMs ?? 0, own);
    this.broker.enqueue(first, {
      delayMs: delay > 0 ? delay : null,
      reason: 'send',
      label: opts.label === undefined || opts.label === null ? null : `${opts.label}[0]`,
    });
    return this;
  }

  /** The result of the last step. */
  getResult(opts: GetResultOptions = {}): Promise<unknown> {
    return getResult(this.broker, this.messages[this.messages.length - 1]!, opts);
  }

  /** Every step's result, in order, sharing one deadline. */
  async getResults(opts: GetResultOptions = {}): Promise<unknown[]> {
    const deadline = this.broker.clock.now() + (opts.timeoutMs ?? 10_000);
    const out: unknown[] = [];
    for (const m of this.messages) {
      out.push(
        await getResult(this.broker, m, {
          ...opts,
          timeoutMs: Math.max(0, deadline - this.broker.clock.now()),
        }),
      );
    }
    return out;
  }

  /**
   * Number of leading steps whose result exists.
   * @throws ResultFailure when a step before the first missing result failed, as Dramatiq's.
   */
  get completedCount(): number {
    let n = 0;
    for (const m of this.messages) {
      if (!hasResult(this.broker, m)) break;
      n++;
    }
    return n;
  }

  /**
   * True when the last step's result exists.
   * @throws ResultFailure when the last step failed.
   */
  get completed(): boolean {
    return hasResult(this.broker, this.messages[this.messages.length - 1]!);
  }
}

function chain(steps: Message[]): Message[] {
  const out: Message[] = new Array<Message>(steps.length);
  let next: Message | null = null;
  for (let i = steps.length - 1; i >= 0; i--) {
    const m = steps[i]!;
    const copy: Message = next
      ? copyMessage(m, { options: { pipe_target: toMessageData(next) } })
      : copyMessage(m);
    out[i] = copy;
    next = copy;
  }
  return out;
}

function isGroupLike(v: unknown): boolean {
  return typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'group';
}

/** Builds a pipeline (`pipeline([a.message(1), b.message()], { broker })`). */
export function pipeline(
  children: readonly PipelineChild[],
  opts: { broker?: Broker } = {},
): Pipeline {
  const broker = opts.broker ?? findBroker(children);
  return new Pipeline(children, { broker });
}

function findBroker(children: readonly PipelineChild[]): Broker {
  for (const c of children) if (c instanceof Pipeline) return c.broker;
  throw new RehearsalError(
    'PIPELINE_NEEDS_BROKER',
    'pipeline() needs { broker } when built from plain messages',
    {},
  );
}
