/**
 * ShutdownNotifications (option `notify_shutdown`, default false): when the worker begins to stop,
 * attempts whose resolved `notify_shutdown` is true are interrupted with `Shutdown`; others finish.
 */
import type { Broker } from '../broker/broker.ts';
import type { MessageProxy } from '../broker/message-proxy.ts';
import { resolveOption } from '../actor-options.ts';
import { Shutdown } from '../errors.ts';
import { Middleware, type ProcessOutcome, type WorkerInfo } from './middleware.ts';
import { interruptOf } from '../worker/interrupts.ts';

export class ShutdownNotifications extends Middleware {
  override readonly actorOptions = new Set(['notify_shutdown']);
  readonly notifyShutdown: boolean;
  private readonly running = new Set<MessageProxy>();

  constructor(opts: { notifyShutdown?: boolean } = {}) {
    super();
    this.notifyShutdown = opts.notifyShutdown ?? false;
  }

  override optionDefaults(): Readonly<Record<string, unknown>> {
    return { notify_shutdown: this.notifyShutdown };
  }

  override beforeProcessMessage(broker: Broker, p: MessageProxy): void {
    const actor = broker.getActor(p.actorName);
    if (resolveOption('notify_shutdown', p.options, actor?.options ?? {}, this.notifyShutdown))
      this.running.add(p);
  }

  override afterProcessMessage(_broker: Broker, p: MessageProxy, _outcome: ProcessOutcome): void {
    this.running.delete(p);
  }

  override afterSkipMessage(_broker: Broker, p: MessageProxy): void {
    this.running.delete(p);
  }

  override beforeWorkerShutdown(_broker: Broker, worker: WorkerInfo): void {
    for (const p of [...this.running]) {
      if (p.delivery.owner !== worker.id) continue;
      interruptOf(p)?.(new Shutdown());
    }
  }
}
