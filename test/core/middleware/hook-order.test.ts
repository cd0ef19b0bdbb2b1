import { describe, expect, it } from 'vitest';
import {
  actor,
  DEFAULT_MIDDLEWARE_NAMES,
  defaultMiddleware,
  Middleware,
  pipeline,
  type Broker,
  type MessageProxy,
  type ProcessOutcome,
} from '../../../core/index.ts';
import { makeEngine } from '../../helpers/make-engine.ts';

class Recorder extends Middleware {
  constructor(
    private readonly tag: string,
    private readonly log: string[],
  ) {
    super();
  }
  override beforeProcessMessage(_b: Broker, _p: MessageProxy): void {
    this.log.push(`${this.tag}.before_process`);
  }
  override afterProcessMessage(_b: Broker, _p: MessageProxy, _o: ProcessOutcome): void {
    this.log.push(`${this.tag}.after_process`);
  }
  override beforeAck(_b: Broker, _p: MessageProxy): void {
    this.log.push(`${this.tag}.before_ack`);
  }
  override afterAck(_b: Broker, _p: MessageProxy): void {
    this.log.push(`${this.tag}.after_ack`);
  }
}

describe('middleware order (checklist 20)', () => {
  it('names the default stack in its order, and leaves out what `disable` names', () => {
    expect(defaultMiddleware().map((m) => m.name)).toEqual([...DEFAULT_MIDDLEWARE_NAMES]);
    expect(DEFAULT_MIDDLEWARE_NAMES).toEqual([
      'AgeLimit',
      'TimeLimit',
      'ShutdownNotifications',
      'Callbacks',
      'Pipelines',
      'Retries',
      'Results',
      'GroupCallbacks',
      'CurrentMessage',
    ]);
    expect(defaultMiddleware({ disable: ['Results', 'AgeLimit'] }).map((m) => m.name)).toEqual(
      DEFAULT_MIDDLEWARE_NAMES.filter((n) => n !== 'Results' && n !== 'AgeLimit'),
    );
  });

  it('runs before hooks in list order and after hooks in reverse order', async () => {
    const log: string[] = [];
    const e = makeEngine({
      middleware: [new Recorder('first', log), ...defaultMiddleware(), new Recorder('last', log)],
    });
    const a = actor(() => 1, { actorName: 'a', broker: e.broker });
    a.send();
    e.startWorker();
    await e.drain();
    expect(log).toEqual([
      'first.before_process',
      'last.before_process',
      'last.after_process',
      'first.after_process',
      'first.before_ack',
      'last.before_ack',
      'last.after_ack',
      'first.after_ack',
    ]);
  });

  it('stores the result before the next pipeline step is enqueued, and the step before on_success is sent', async () => {
    const e = makeEngine();
    const a = actor(() => 1, {
      actorName: 'a',
      broker: e.broker,
      storeResults: true,
      onSuccess: 'cb',
    });
    const b = actor((x: number) => x, { actorName: 'b', broker: e.broker });
    actor(() => undefined, { actorName: 'cb', broker: e.broker });
    const p = pipeline([a.message(), b.messageWithOptions()], { broker: e.broker }).run();
    e.startWorker();
    await e.drain();
    const kinds = e.history(p.messages[0]!.messageId).map((x) => x.kind);
    expect(kinds).toEqual([
      'enqueued',
      'started',
      'succeeded',
      'result_stored',
      'pipeline_step',
      'callback_enqueued',
      'acked',
    ]);
  });

  it('updates retries before on_failure is sent: Retries runs before Callbacks', async () => {
    const e = makeEngine();
    const seen: unknown[] = [];
    const a = actor(
      () => {
        throw new Error('x');
      },
      { actorName: 'a', broker: e.broker, maxRetries: 1, minBackoff: 10, onFailure: 'cb' },
    );
    actor((data: { options: { retries?: number } }) => void seen.push(data.options.retries), {
      actorName: 'cb',
      broker: e.broker,
    });
    const m = a.send();
    e.startWorker();
    await e.drain();
    expect(seen).toEqual([1, 2]);
    const kinds = e.history(m.messageId).map((x) => x.kind);
    expect(kinds.indexOf('retry_scheduled')).toBeLessThan(kinds.indexOf('callback_enqueued'));
  });
});
