import { describe, expect, it } from 'vitest';
import { dispatchRequest, EVENT_KINDS, openSession, RehearsalError } from '../../core/index.ts';
import {
  JOURNAL_EVENT_KINDS,
  type EngineApi,
  type EngineEvent,
  type ServerFrame,
} from '../../core/host/api/index.ts';

/** An EngineApi whose `call` is `impl` and whose stream replays `events`. */
function fakeApi(
  impl: (method: string, params: unknown) => unknown,
  events: EngineEvent[] = [],
): EngineApi & { stopped: number } {
  const api = {
    stopped: 0,
    call: (async (method: string, params?: unknown) => impl(method, params)) as EngineApi['call'],
    subscribe(fromSeq: number, onEvent: (e: EngineEvent) => void) {
      let live = true;
      queueMicrotask(() => {
        for (const e of events) if (live && e.seq > fromSeq) onEvent(e);
      });
      return () => {
        live = false;
        api.stopped++;
      };
    },
  };
  return api;
}

const noCall = fakeApi(() => {
  throw new Error('the api must not be called');
});

const event = (seq: number): EngineEvent => ({ seq, at: seq, t: seq, wall: 0, kind: 'acked' });

describe('dispatchRequest', () => {
  it('answers a frame that is not JSON with BAD_REQUEST and id null', async () => {
    const res = await dispatchRequest(noCall, '{"type":');
    expect(res).toMatchObject({ type: 'response', id: null, ok: false });
    expect(!res.ok && res.error.code).toBe('BAD_REQUEST');
  });

  it('answers malformed frames with BAD_REQUEST naming the path, keeping a usable id', async () => {
    const noId = await dispatchRequest(noCall, { type: 'request', method: 'info' });
    expect(noId).toMatchObject({
      id: null,
      ok: false,
      error: {
        code: 'BAD_REQUEST',
        details: { where: 'frame', problems: [{ path: 'id', message: expect.any(String) }] },
      },
    });
    const badMethod = await dispatchRequest(noCall, { type: 'request', id: 7, method: 42 });
    expect(badMethod).toMatchObject({
      id: 7,
      error: { code: 'BAD_REQUEST', details: { problems: [{ path: 'method' }] } },
    });
    const extra = await dispatchRequest(noCall, {
      type: 'request',
      id: 'a',
      method: 'info',
      sneaky: true,
    });
    expect(extra).toMatchObject({
      id: 'a',
      error: { code: 'BAD_REQUEST', details: { problems: [{ path: 'sneaky' }] } },
    });
    const notRequest = await dispatchRequest(noCall, { type: 'subscribe', id: 1, fromSeq: 0 });
    expect(notRequest).toMatchObject({ error: { code: 'BAD_REQUEST' } });
  });

  it('answers bad params with BAD_REQUEST and the param paths, without calling the engine', async () => {
    const res = await dispatchRequest(noCall, {
      type: 'request',
      id: 1,
      method: 'sendPipeline',
      params: { steps: [{ actor: 'a' }, { actor: 5, args: {} }] },
    });
    expect(res).toMatchObject({
      id: 1,
      ok: false,
      error: {
        code: 'BAD_REQUEST',
        message: expect.stringContaining('steps[1].actor'),
        details: {
          where: 'params',
          method: 'sendPipeline',
          problems: [
            { path: 'steps[1].actor', message: expect.any(String) },
            { path: 'steps[1].args', message: expect.any(String) },
          ],
        },
      },
    });
  });

  it('answers an unknown method with UNKNOWN_METHOD and a suggestion', async () => {
    const res = await dispatchRequest(noCall, { type: 'request', id: 2, method: 'clock.stepp' });
    expect(res).toMatchObject({
      id: 2,
      ok: false,
      error: {
        code: 'UNKNOWN_METHOD',
        details: { method: 'clock.stepp', suggestion: 'clock.step' },
      },
    });
  });

  it('passes a RehearsalError through with its code and details', async () => {
    const api = fakeApi(() => {
      throw new RehearsalError('UNKNOWN_ACTOR', 'no actor "x"', { actor: 'x' });
    });
    const res = await dispatchRequest(api, { type: 'request', id: 3, method: 'queues' });
    expect(res).toEqual({
      type: 'response',
      id: 3,
      ok: false,
      error: { code: 'UNKNOWN_ACTOR', message: 'no actor "x"', details: { actor: 'x' } },
    });
  });

  it('maps any other thrown error to INTERNAL without leaking its stack', async () => {
    const seen: unknown[] = [];
    const api = fakeApi(() => {
      throw new TypeError(
        'cannot read properties of undefined\n    at secret (/home/x/engine.ts:1:1)',
      );
    });
    const res = await dispatchRequest(api, { type: 'request', id: 4, method: 'queues' }, (e) =>
      seen.push(e),
    );
    expect(res).toMatchObject({ id: 4, ok: false, error: { code: 'INTERNAL', details: {} } });
    const text = JSON.stringify(res);
    expect(text).toContain('TypeError');
    expect(text).not.toContain('secret');
    expect(text).not.toContain('engine.ts');
    expect(seen).toHaveLength(1);
  });

  it('refuses to send a result that does not match the schema (INTERNAL)', async () => {
    const api = fakeApi(() => ({ queues: 'oops' }));
    const res = await dispatchRequest(api, { type: 'request', id: 5, method: 'queues' });
    expect(res).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
  });

  it('returns the validated result with defaults applied to the params', async () => {
    let got: unknown;
    const api = fakeApi((_m, p) => {
      got = p;
      return { events: [], lastSeq: 0 };
    });
    const res = await dispatchRequest(api, {
      type: 'request',
      id: 6,
      method: 'journalPage',
      params: { afterSeq: 3 },
    });
    expect(res).toEqual({
      type: 'response',
      id: 6,
      ok: true,
      result: { events: [], lastSeq: 0 },
    });
    expect(got).toEqual({ afterSeq: 3, limit: 500 });
  });
});

describe('dispatch sessions', () => {
  const session = (api: EngineApi, now = () => 0, perSecond?: number) => {
    const sent: ServerFrame[] = [];
    const s = openSession(api, (f) => sent.push(f), {
      ...(perSecond ? { rateLimit: { perSecond, now } } : {}),
    });
    return { s, sent };
  };

  it('acknowledges a subscription, then streams its events in batches, and stops on unsubscribe', async () => {
    const api = fakeApi(() => ({ runId: 'run.db' }), [event(1), event(2), event(3)]);
    const { s, sent } = session(api);
    await s.receive(JSON.stringify({ type: 'subscribe', id: 9, fromSeq: 1 }));
    await new Promise((r) => setTimeout(r, 0));
    expect(sent[0]).toEqual({
      type: 'response',
      id: 9,
      ok: true,
      result: { subscriptionId: 9, runId: 'run.db' },
    });
    expect(sent[1]).toEqual({ type: 'events', subscriptionId: 9, events: [event(2), event(3)] });
    await s.receive({ type: 'unsubscribe', id: 10, subscriptionId: 9 });
    expect(sent[2]).toMatchObject({ id: 10, ok: true, result: { unsubscribed: true } });
    expect(api.stopped).toBe(1);
    s.close();
  });

  it('gathers the events of a batching window into one frame (the WebSocket server waits 16 ms)', async () => {
    let emit: (e: EngineEvent) => void = () => undefined;
    const api: EngineApi = {
      call: (async () => ({ runId: 'run.db' })) as EngineApi['call'],
      subscribe(_from, onEvent) {
        emit = onEvent;
        return () => undefined;
      },
    };
    const windows: (() => void)[] = [];
    const sent: ServerFrame[] = [];
    const s = openSession(api, (f) => sent.push(f), {
      batchEvents: (flush) => windows.push(flush),
    });
    await s.receive({ type: 'subscribe', id: 1, fromSeq: 0 });
    // Events appended over several turns of the event loop, as a played run appends them.
    for (let seq = 1; seq <= 5; seq++) {
      emit(event(seq));
      await new Promise((r) => setTimeout(r, 0));
    }
    expect(sent).toHaveLength(1); // only the subscribe response so far
    expect(windows).toHaveLength(1);
    windows[0]!();
    expect(sent[1]).toEqual({
      type: 'events',
      subscriptionId: 1,
      events: [1, 2, 3, 4, 5].map(event),
    });
    emit(event(6));
    expect(windows).toHaveLength(2);
    s.close();
  });

  it('ends every subscription when the session closes', async () => {
    const api = fakeApi(() => ({ runId: null }));
    const { s } = session(api);
    await s.receive({ type: 'subscribe', id: 1, fromSeq: 0 });
    await s.receive({ type: 'subscribe', id: 2, fromSeq: 0 });
    s.close();
    expect(api.stopped).toBe(2);
  });

  it('answers frames beyond the rate limit with RATE_LIMITED, and recovers', async () => {
    let now = 1000;
    const api = fakeApi(() => ({ queues: [] }));
    const { s, sent } = session(api, () => now, 5);
    for (let i = 0; i < 8; i++) await s.receive({ type: 'request', id: i, method: 'queues' });
    const codes = sent.map((f) => (f.type === 'response' && !f.ok ? f.error.code : 'ok'));
    expect(codes).toEqual([
      'ok',
      'ok',
      'ok',
      'ok',
      'ok',
      'RATE_LIMITED',
      'RATE_LIMITED',
      'RATE_LIMITED',
    ]);
    expect(sent[5]).toMatchObject({ id: 5 });
    now += 1000;
    await s.receive({ type: 'request', id: 99, method: 'queues' });
    expect(sent.at(-1)).toMatchObject({ id: 99, ok: true });
  });
});

describe('Engine API wire shapes', () => {
  it('knows every journal kind the engine writes', () => {
    expect([...JOURNAL_EVENT_KINDS]).toEqual([...EVENT_KINDS]);
  });
});
