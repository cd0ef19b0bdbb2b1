import { describe, expect, it } from 'vitest';
import { actor, group, pipeline, toExportObject } from '../../../core/index.ts';
import { makeEngine } from '../../helpers/make-engine.ts';

describe('journal links between messages', () => {
  it('records who caused what: callbacks, pipeline steps and group completion with parent_id, reason and derived labels', async () => {
    const e = makeEngine();
    const ok = actor(() => 'fine', { actorName: 'ok', broker: e.broker, onSuccess: 'notify' });
    const bad = actor(
      () => {
        throw new Error('x');
      },
      {
        actorName: 'bad',
        broker: e.broker,
        maxRetries: 0,
        onFailure: 'notify',
        onRetryExhausted: 'notify',
      },
    );
    actor(() => undefined, { actorName: 'notify', broker: e.broker });
    const step = actor((...a: number[]) => a.reduce((s, x) => s + x, 0), {
      actorName: 'step',
      broker: e.broker,
    });
    const fin = actor(() => undefined, { actorName: 'fin', broker: e.broker });

    e.broker.enqueue(ok.message(), { label: 'm1' });
    e.broker.enqueue(bad.message(), { label: 'm2' });
    pipeline([step.message(1), step.message(2)], { broker: e.broker }).run({ label: 'p' });
    group([step.message(5), pipeline([step.message(1), step.message(1)], { broker: e.broker })], {
      broker: e.broker,
    })
      .addCompletionCallback(fin.message())
      .run({ label: 'g' });
    e.startWorker();
    await e.drain();

    const enq = e.events().filter((x) => x.kind === 'enqueued');
    const byLabel = new Map(enq.map((x) => [x.label, x]));
    expect([...byLabel.keys()].sort()).toEqual(
      [
        'g.on_complete',
        'g[0]',
        'g[1][0]',
        'g[1][1]',
        'm1',
        'm1.on_success',
        'm2',
        'm2.on_failure',
        'm2.on_retry_exhausted',
        'p[0]',
        'p[1]',
      ].sort(),
    );
    expect(byLabel.get('m1.on_success')).toMatchObject({
      reason: 'on_success',
      parentId: byLabel.get('m1')!.messageId,
      actor: 'notify',
    });
    expect(byLabel.get('m2.on_failure')).toMatchObject({
      reason: 'on_failure',
      parentId: byLabel.get('m2')!.messageId,
    });
    expect(byLabel.get('m2.on_retry_exhausted')).toMatchObject({ reason: 'on_retry_exhausted' });
    expect(byLabel.get('p[1]')).toMatchObject({
      reason: 'pipeline_step',
      parentId: byLabel.get('p[0]')!.messageId,
      args: [2, 1],
    });
    expect(byLabel.get('g.on_complete')).toMatchObject({ reason: 'group_completed', actor: 'fin' });
    const kinds = e.events().map((x) => x.kind);
    expect(kinds.filter((k) => k === 'callback_enqueued')).toHaveLength(3);
    expect(kinds.filter((k) => k === 'pipeline_step')).toHaveLength(2);
    expect(kinds.filter((k) => k === 'group_completed')).toHaveLength(1);
    // on_retry_exhausted receives {retries, max_retries}.
    const exhausted = byLabel.get('m2.on_retry_exhausted')!;
    expect(exhausted.args?.[1]).toEqual({ retries: 0, max_retries: 0 });
    // Export keys come in the spec's order.
    expect(Object.keys(toExportObject(byLabel.get('p[1]')!))).toEqual([
      'seq',
      't',
      'kind',
      'message_id',
      'label',
      'actor',
      'queue',
      'parent_id',
      'reason',
      'args',
      'kwargs',
      'options',
    ]);
  });

  it('refuses a send whose callback names an undeclared actor, naming both actors, and writes nothing', () => {
    const e = makeEngine();
    const a = actor(() => 1, { actorName: 'a', broker: e.broker });
    const before = e.events().length;
    expect(() => a.sendWithOptions({ onSuccess: 'ghost' })).toThrow(/`a`.*`ghost`/);
    expect(e.events().length).toBe(before);
  });

  it('enqueues a group whole or not at all', () => {
    const e = makeEngine();
    const a = actor(() => 1, { actorName: 'a', broker: e.broker });
    const before = e.events().length;
    const g = group([a.message(), a.messageWithOptions({ onFailure: 'ghost' })], {
      broker: e.broker,
    });
    expect(() => g.run()).toThrow(/ghost/);
    expect(e.events().length).toBe(before);
    expect(e.broker.pendingCount()).toBe(0);
  });
});
