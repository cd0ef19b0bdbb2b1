import { describe, expect, it } from 'vitest';
import { SpanRecorder } from '../../../core/index.ts';

/** A recorder on a fake clock that the test moves by hand. */
function fake(): { rec: SpanRecorder; advance(ms: number): void } {
  let t = 0;
  return { rec: new SpanRecorder(() => t), advance: (ms) => (t += ms) };
}

describe('SpanRecorder', () => {
  it('charges nested spans to their own labels and each span only its self time', () => {
    const { rec, advance } = fake();
    rec.time('commit', () => {
      advance(2);
      rec.time('ack', () => {
        advance(5);
        rec.time('Retries.afterAck', () => advance(3));
      });
      advance(1);
    });
    const s = rec.snapshot();
    expect(s.get('commit')).toEqual({ calls: 1, selfMs: 3 });
    expect(s.get('ack')).toEqual({ calls: 1, selfMs: 5 });
    expect(s.get('Retries.afterAck')).toEqual({ calls: 1, selfMs: 3 });
    expect(rec.trackedMs).toBe(11);
  });

  it('charges a span that throws, and charges nothing once paused', () => {
    const { rec, advance } = fake();
    expect(() =>
      rec.time('claim', () => {
        advance(4);
        throw new Error('busy');
      }),
    ).toThrow('busy');
    rec.pause();
    rec.time('claim', () => advance(10));
    expect(rec.snapshot().get('claim')).toEqual({ calls: 1, selfMs: 4 });
    expect(rec.trackedMs).toBe(4);
  });
});
