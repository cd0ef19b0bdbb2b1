import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../core/index.ts';
import {
  createEngineClient,
  type ClientFrame,
  type ServerFrame,
  type Transport,
  type TransportStatus,
} from '../../core/host/api/index.ts';

/** A transport the test drives by hand: it records what the client sends. */
class FakeTransport implements Transport {
  status: TransportStatus = 'open';
  sent: ClientFrame[] = [];
  private frames = new Set<(f: unknown) => void>();
  private statuses = new Set<(s: TransportStatus) => void>();
  send(frame: ClientFrame): void {
    this.sent.push(frame);
  }
  onFrame(l: (f: unknown) => void): () => void {
    this.frames.add(l);
    return () => this.frames.delete(l);
  }
  onStatus(l: (s: TransportStatus) => void): () => void {
    this.statuses.add(l);
    return () => this.statuses.delete(l);
  }
  close(): void {
    this.setStatus('closed');
  }
  setStatus(s: TransportStatus): void {
    this.status = s;
    for (const l of this.statuses) l(s);
  }
  receive(frame: ServerFrame | Record<string, unknown>): void {
    for (const l of this.frames) l(frame);
  }
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('createEngineClient', () => {
  it('rejects a call with TIMEOUT when no answer comes in time', async () => {
    const clock = new VirtualClock(0);
    const t = new FakeTransport();
    const client = createEngineClient(t, { timer: clock, timeoutMs: 1000 });
    const outcome = expect(client.call('queues')).rejects.toMatchObject({
      code: 'TIMEOUT',
      details: { timeoutMs: 1000 },
    });
    await clock.run();
    await outcome;
  });

  it('fails calls in flight with DISCONNECTED when the connection drops, and sends later ones on reconnect', async () => {
    const t = new FakeTransport();
    const client = createEngineClient(t);
    const inFlight = client.call('queues');
    t.setStatus('connecting');
    await expect(inFlight).rejects.toMatchObject({ code: 'DISCONNECTED' });
    const waiting = client.call('queues');
    expect(t.sent).toHaveLength(1);
    t.setStatus('open');
    const frame = t.sent[1]!;
    expect(frame).toMatchObject({ type: 'request', method: 'queues' });
    t.receive({ type: 'response', id: frame.id, ok: true, result: { queues: [] } });
    await expect(waiting).resolves.toEqual({ queues: [] });
  });

  it('rejects a result that does not match the schema with BAD_RESPONSE', async () => {
    const t = new FakeTransport();
    const client = createEngineClient(t);
    const call = client.call('queues');
    t.receive({ type: 'response', id: t.sent[0]!.id, ok: true, result: { queues: 7 } });
    await expect(call).rejects.toMatchObject({ code: 'BAD_RESPONSE' });
  });

  it('passes engine errors through as EngineApiError with code and details', async () => {
    const t = new FakeTransport();
    const client = createEngineClient(t);
    const call = client.call('message', { messageId: 'x' });
    t.receive({
      type: 'response',
      id: t.sent[0]!.id,
      ok: false,
      error: { code: 'MESSAGE_NOT_FOUND', message: 'no message x', details: { messageId: 'x' } },
    });
    await expect(call).rejects.toMatchObject({
      name: 'EngineApiError',
      code: 'MESSAGE_NOT_FOUND',
      details: { messageId: 'x' },
    });
  });

  it('refuses to talk to an engine of another major API version', async () => {
    const t = new FakeTransport();
    const client = createEngineClient(t);
    t.receive({ type: 'hello', apiVersion: '2.0' });
    expect(client.serverApiVersion).toBe('2.0');
    await expect(client.call('info')).rejects.toMatchObject({ code: 'VERSION_MISMATCH' });
  });

  it('resubscribes from the last delivered seq and run after a reconnect, dropping repeats', async () => {
    const t = new FakeTransport();
    const client = createEngineClient(t);
    const seqs: number[] = [];
    client.subscribe(0, (e) => seqs.push(e.seq));
    const first = t.sent[0]!;
    expect(first).toMatchObject({ type: 'subscribe', fromSeq: 0 });
    t.receive({
      type: 'response',
      id: first.id,
      ok: true,
      result: { subscriptionId: first.id, runId: 'a.db' },
    });
    const ev = (seq: number) => ({ seq, at: seq, t: seq, wall: 0, kind: 'acked' });
    t.receive({ type: 'events', subscriptionId: first.id, events: [ev(1), ev(2)] });
    t.setStatus('connecting');
    t.setStatus('open');
    const again = t.sent.at(-1)!;
    expect(again).toMatchObject({ type: 'subscribe', fromSeq: 2, runId: 'a.db' });
    // Events for the old subscription id are ignored; repeats on the new one are dropped.
    t.receive({ type: 'events', subscriptionId: first.id, events: [ev(3)] });
    t.receive({ type: 'events', subscriptionId: again.id, events: [ev(2), ev(3)] });
    await flush();
    expect(seqs).toEqual([1, 2, 3]);
  });

  it('tries a refused subscribe again a second later', async () => {
    const clock = new VirtualClock(0);
    const t = new FakeTransport();
    const client = createEngineClient(t, { timer: clock });
    client.subscribe(5, () => undefined);
    const first = t.sent[0]!;
    t.receive({
      type: 'response',
      id: first.id,
      ok: false,
      error: { code: 'RATE_LIMITED', message: 'slow down', details: {} },
    });
    await clock.run({ untilMs: 1000, untilIdle: false });
    expect(t.sent.at(-1)).toMatchObject({ type: 'subscribe', fromSeq: 5 });
    expect(t.sent.at(-1)!.id).not.toBe(first.id);
    client.close();
  });
});
