import { describe, expect, it } from 'vitest';
import type { JournalEventWire } from '../../core/host/api/index.ts';
import { actorOptionsAt, buildAttempts, retryOptionsFor } from '../../renderer/lib/attempts.ts';
import { explainBackoff, inferMinBackoff } from '../../renderer/lib/backoff.ts';
import { explainEvent } from '../../renderer/lib/explain.ts';
import { formatDuration, formatRunTime } from '../../renderer/lib/format.ts';
import { parseEnqueueForm } from '../../renderer/features/enqueue/parse-form.ts';
import { emptyDraft } from '../../renderer/store/slices/initial.ts';
import { buildGraph } from '../../renderer/features/pipelines/build-graph.ts';
import { toSeries, foldProfile, emptyProfile } from '../../renderer/features/profiler/profile.ts';
import { changeClass, type CompareRow } from '../../renderer/features/scenarios/compare.ts';
import { howEventsCome } from '../../renderer/lib/next-step.ts';

const ev = (
  seq: number,
  t: number,
  kind: string,
  extra: Partial<JournalEventWire> = {},
): JournalEventWire =>
  ({
    seq,
    t,
    at: t,
    wall: t,
    kind,
    messageId: 'm',
    actor: 'call_api',
    queue: 'default',
    ...extra,
  }) as JournalEventWire;

/** The retries-with-backoff scenario's journal for its one message (min_backoff 1000). */
const RETRIES: JournalEventWire[] = [
  ev(1, 0, 'enqueued', { reason: 'send', options: {} }),
  ev(2, 0, 'started', { attempt: 1 }),
  ev(3, 60, 'failed', { attempt: 1, error: { type: 'ConnectionError', message: 'refused' } }),
  ev(4, 60, 'retry_scheduled', { attempt: 1, delay: 1070 }),
  ev(5, 60, 'enqueued', { reason: 'retry', delay: 1070, options: { retries: 1 } }),
  ev(6, 1130, 'started', { attempt: 2 }),
  ev(7, 1348, 'failed', { attempt: 2, error: { type: 'ConnectionError', message: 'refused' } }),
  ev(8, 1348, 'retry_scheduled', { attempt: 2, delay: 3117 }),
  ev(9, 1348, 'enqueued', { reason: 'retry', delay: 3117, options: { retries: 2 } }),
  ev(10, 4465, 'started', { attempt: 3 }),
  ev(11, 4608, 'failed', { attempt: 3, error: { type: 'ConnectionError', message: 'refused' } }),
  ev(12, 4608, 'retry_scheduled', { attempt: 3, delay: 5682 }),
  ev(13, 4608, 'enqueued', { reason: 'retry', delay: 5682, options: { retries: 3 } }),
  ev(14, 10290, 'started', { attempt: 4 }),
  ev(15, 10293, 'succeeded', { attempt: 4, result: 'ok' }),
];

describe('explaining retries with the backoff formula', () => {
  it('infers min_backoff from the delays when the message does not carry it', () => {
    expect(
      inferMinBackoff([
        { retries: 0, delayMs: 1070 },
        { retries: 1, delayMs: 3117 },
        { retries: 2, delayMs: 5682 },
      ]),
    ).toBe(1000);
    expect(inferMinBackoff([{ retries: 3, delayMs: 133_000 }])).toBe(15_000);
  });

  it('gives the jitter of a delay: 15 s × 2³ × jitter 1.11 = 2 m 13 s', () => {
    const x = explainBackoff({ retries: 3, delayMs: 133_200 }, { minBackoffMs: 15_000 });
    expect(x.baseMs).toBe(120_000);
    expect(x.jitter).toBeCloseTo(1.11, 2);
    expect(x.capped).toBe(false);
    expect(formatDuration(x.delayMs)).toBe('2 m 13 s');
  });

  it('says which retry of how many, in words, for a retry_scheduled event', () => {
    const e = RETRIES[11]!;
    const x = explainEvent(e, { history: RETRIES, options: { max_retries: 5 } });
    expect(x.text).toBe(
      'attempt 3 failed with ConnectionError; Retries scheduled retry 3 of 5 in 5.68 s: 1 s × 2² × jitter 1.42 (min_backoff inferred).',
    );
    expect(x.rule.name).toBe('Retries');
  });

  it("uses the actor's real min_backoff from the engine instead of inferring it, unless the message has its own", () => {
    const actor = { max_retries: 5, min_backoff: 1000, max_backoff: 60_000, time_limit: 600_000 };
    const e = RETRIES[11]!;
    const x = explainEvent(e, { history: RETRIES, options: { ...actor } });
    expect(x.text).toBe(
      'attempt 3 failed with ConnectionError; Retries scheduled retry 3 of 5 in 5.68 s: 1 s × 2² × jitter 1.42.',
    );
    expect(retryOptionsFor({ retries: 2 }, actor)).toEqual({
      minBackoffMs: 1000,
      maxBackoffMs: 60_000,
      maxRetries: 5,
    });
    expect(retryOptionsFor({ min_backoff: 500, max_retries: 1 }, actor)).toMatchObject({
      minBackoffMs: 500,
      maxRetries: 1,
    });
    const attempts = buildAttempts(RETRIES, retryOptionsFor({}, actor), 10_293);
    expect(attempts[2]!.retry).toMatchObject({
      minBackoffMs: 1000,
      inferred: false,
      maxRetries: 5,
    });
  });

  it('builds the attempt waterfall: running, backoff, waiting', () => {
    const attempts = buildAttempts(RETRIES, {}, 10_293);
    expect(attempts.map((a) => a.outcome)).toEqual(['failed', 'failed', 'failed', 'succeeded']);
    expect(attempts[0]!.phases).toEqual([
      { kind: 'running', fromT: 0, toT: 60 },
      { kind: 'backoff', fromT: 60, toT: 1130 },
    ]);
    expect(attempts[1]!.retry).toMatchObject({ retries: 1, delayMs: 3117, minBackoffMs: 1000 });
    expect(attempts[1]!.retry!.jitter).toBeCloseTo(1.5585, 3);
  });
});

describe("an actor's options in a fork", () => {
  it('holds the declared options up to the fork point and each change from right after its event', () => {
    const actor = {
      options: { max_retries: 5 },
      changes: [
        { atSeq: 4, options: { max_retries: 1 } },
        { atSeq: 9, options: { max_retries: 2 } },
      ],
    };
    expect(actorOptionsAt(actor, 4)).toEqual({ max_retries: 5 });
    expect(actorOptionsAt(actor, 5)).toEqual({ max_retries: 1 });
    expect(actorOptionsAt(actor, 10)).toEqual({ max_retries: 2 });
    expect(actorOptionsAt({ options: { max_retries: 5 } }, 100)).toEqual({ max_retries: 5 });
    expect(actorOptionsAt(undefined, 1)).toBeUndefined();
  });
});

describe('the enqueue form', () => {
  it('refuses invalid JSON with a message pointing at the problem, and sends nothing', () => {
    const r = parseEnqueueForm({ ...emptyDraft(), actor: 'send_email', args: '["a", ' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.args).toMatch(/^invalid JSON/);
    const notArray = parseEnqueueForm({ ...emptyDraft(), actor: 'send_email', args: '{"a": 1}' });
    expect(notArray.ok).toBe(false);
  });

  it('turns valid fields into enqueue params with wire option names', () => {
    const r = parseEnqueueForm({
      ...emptyDraft(),
      actor: ' send_email ',
      args: '["ada@example.com"]',
      kwargs: '{"subject": "hi"}',
      delayMs: '500',
      maxRetries: '2',
      minBackoffMs: '1000',
      priority: '3',
      label: 'welcome',
    });
    expect(r).toEqual({
      ok: true,
      params: {
        actor: 'send_email',
        args: ['ada@example.com'],
        kwargs: { subject: 'hi' },
        delayMs: 500,
        options: { max_retries: 2, min_backoff: 1000, broker_priority: 3 },
        label: 'welcome',
      },
    });
  });
});

describe('the pipelines graph', () => {
  const m = (id: string, label: string, parentId: string | null = null) => ({
    messageId: id,
    label,
    actor: 'a',
    status: 'succeeded' as const,
    parentId,
    reason: null,
    firstSeq: 1,
    lastSeq: 2,
  });

  it('fans a group out to its children and in to its completion, with pipelines inside', () => {
    const g = buildGraph([
      m('c0', 'g[0]'),
      m('c1', 'g[1]'),
      m('p0', 'g[2][0]'),
      m('p1', 'g[2][1]', 'p0'),
      m('done', 'g.on_complete', 'c1'),
    ]);
    expect(g.nodes.filter((n) => n.kind === 'group').map((n) => n.id)).toEqual(['group:g']);
    const edges = g.edges.map((e) => `${e.source}->${e.target}:${e.kind}`).sort();
    expect(edges).toEqual(
      [
        'group:g->c0:fan-out',
        'group:g->c1:fan-out',
        'group:g->p0:fan-out',
        'p0->p1:parent',
        'c0->done:fan-in',
        'c1->done:fan-in',
        'p1->done:fan-in',
      ].sort(),
    );
  });
});

describe('the profiler series', () => {
  it('buckets completions into throughput and latency percentiles', () => {
    const acc = foldProfile(emptyProfile(), RETRIES);
    const s = toSeries(acc, 10_293);
    expect(acc.latency).toEqual([10_293]);
    expect(s.throughput.reduce((a, b) => a + b, 0) * (s.widthMs / 1000)).toBeCloseTo(1);
    expect(s.p99.filter((x) => x !== null)).toEqual([10_293]);
    expect(formatRunTime(10_293)).toBe('0:10.293');
  });
});

describe('comparing two runs and empty states', () => {
  it('colours more completions green and more dead letters red, and leaves neutral rows plain', () => {
    const row = (r: Partial<CompareRow>): CompareRow => ({
      label: 'x',
      a: 1,
      b: 2,
      unit: 'count',
      ...r,
    });
    expect(changeClass(row({ higherIsBetter: true }))).toBe(' num--down');
    expect(changeClass(row({ higherIsBetter: true, a: 3 }))).toBe(' num--up');
    expect(changeClass(row({}))).toBe(' num--up');
    expect(changeClass(row({ a: 3 }))).toBe(' num--down');
    expect(changeClass(row({ neutral: true }))).toBe('');
    expect(changeClass(row({ a: 2 }))).toBe('');
  });

  it('tells how the first events come in each mode', () => {
    expect(howEventsCome('scenario')).toContain('Step the clock (→)');
    expect(howEventsCome('module')).not.toContain('clock (→)');
    expect(howEventsCome('module')).toContain('enqueue a message (N)');
    expect(howEventsCome('empty')).toContain('gallery (6)');
    expect(howEventsCome('inspect')).toContain('stored run');
  });
});
