import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { ProfileDocument } from '../../core/index.ts';
import { fileState, rehearsal, scratchDir } from './run-cli.ts';

const EXAMPLES = fileURLToPath(new URL('../../examples/', import.meta.url));
const SCENARIOS = fileURLToPath(new URL('../../scenarios/', import.meta.url));

/** The table row of `name` in the printed report, split into its cells. */
function row(stdout: string, name: string): string[] {
  const line = stdout.split('\n').find((l) => l.startsWith(`${name} `));
  if (!line) throw new Error(`no row ${name} in:\n${stdout}`);
  return line.trim().split(/\s{2,}/);
}

describe.concurrent('rehearsal profile', { timeout: 120_000 }, () => {
  it('profiles a module actor: per-actor and per-queue rows, the step breakdown, the limit, and the JSON', async () => {
    const cwd = scratchDir();
    const out = join(cwd, 'ping.profile.json');
    const r = await rehearsal(
      [
        'profile',
        join(EXAMPLES, 'metrics-middleware.ts'),
        '--actor',
        'ping',
        '--messages',
        '300',
        '--threads',
        '4',
        '--out',
        out,
      ],
      { cwd },
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^Profile of .*metrics-middleware\.ts \(ping\): 300 messages, 4 threads × 1 process, real clock/,
    );
    expect(r.stdout).toContain('300 finished (0 dead)');
    // actor and queue tables: name, done, dead, retries, msg/s, latency percentiles...
    expect(row(r.stdout, 'ping').slice(0, 4)).toEqual(['ping', '300', '0', '0']);
    expect(row(r.stdout, 'default').slice(0, 4)).toEqual(['default', '300', '0', '0']);
    // the breakdown: storage steps, middleware hooks by name and hook, the actor, the rest
    for (const step of ['claim', 'start', 'journal', 'ack', 'commit', 'actor', 'other', 'idle'])
      expect(row(r.stdout, step)[0]).toBe(step);
    expect(row(r.stdout, 'Metrics.beforeProcessMessage')[1]).toBe('middleware');
    expect(row(r.stdout, 'Retries.afterProcessMessage')[2]).toBe('300');
    expect(r.stdout).toMatch(/\nWhat limits me: \S.+/);
    expect(r.stdout).toContain(`Wrote ${out}.`);

    const doc = JSON.parse(readFileSync(out, 'utf8')) as ProfileDocument;
    expect(doc).toMatchObject({
      format: 'rehearsal-profile',
      version: 1,
      source: { kind: 'module', actors: ['ping'] },
      run: { clock: 'real', messages: 300, finished: 300, threads: 4, processes: 1 },
    });
    expect(doc.actors.map((a) => a.name)).toEqual(['ping']);
    expect(doc.actors[0]!.latency_ms).toEqual({
      count: 300,
      mean: expect.any(Number),
      p50: expect.any(Number),
      p95: expect.any(Number),
      p99: expect.any(Number),
      max: expect.any(Number),
    });
    expect(doc.queues.map((q) => q.name)).toEqual(['default']);
    const steps = new Map(doc.breakdown.steps.map((s) => [s.step, s]));
    expect(steps.get('claim')?.kind).toBe('storage');
    expect(steps.get('actor')?.calls).toBe(300);
    expect(steps.get('Metrics.afterProcessMessage')).toMatchObject({
      kind: 'middleware',
      middleware: 'Metrics',
      hook: 'afterProcessMessage',
      calls: 300,
    });
    // the steps account for the whole wall time, without double counting
    const total = doc.breakdown.steps.reduce((n, s) => n + s.total_ms, 0);
    expect(total).toBeCloseTo(doc.breakdown.wall_ms, -1);
    expect(doc.bottleneck.summary).not.toBe('');
    expect(fileState(join(cwd, 'rehearsal.db'))).toBe('absent');
  });

  it('profiles a scenario on the virtual clock with its load replaced by --messages', async () => {
    const cwd = scratchDir();
    const out = join(cwd, 'mmc.json');
    const r = await rehearsal(
      ['profile', join(SCENARIOS, 'mmc-utilization-0.80.json'), '--messages', '200', '--out', out],
      { cwd },
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('200 finished (0 dead)');
    expect(row(r.stdout, 'serve').slice(0, 2)).toEqual(['serve', '200']);
    expect(r.stdout).toContain('What limits me: simulation speed:');
    const doc = JSON.parse(readFileSync(out, 'utf8')) as ProfileDocument;
    expect(doc).toMatchObject({
      format: 'rehearsal-profile',
      version: 1,
      source: { kind: 'scenario' },
      run: { clock: 'virtual', messages: 200, finished: 200 },
      bottleneck: { kind: 'simulation' },
    });
    expect(doc.actors[0]!.run_ms.mean).toBeGreaterThan(0);
  });

  it('refuses an unknown actor with a coded error and the closest name, before any load', async () => {
    const cwd = scratchDir();
    const db = join(cwd, 'kept.db');
    const r = await rehearsal(
      ['profile', join(EXAMPLES, 'metrics-middleware.ts'), '--actor', 'pnig', '--db', db],
      { cwd },
    );
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(
      'error [ACTOR_NOT_FOUND]: unknown actor `pnig` — did you mean `ping`?',
    );
    expect(r.stderr).toContain('actors of');
    expect(fileState(db)).toBe('absent');
  });

  it.each([
    [['--messages', '0'], 'INVALID_ARGUMENT', '--messages must be a whole number'],
    [['--clock', 'wall'], 'INVALID_ARGUMENT', '--clock must be real or virtual'],
    [['--args', '{"a": 1}'], 'ARGS_NOT_ARRAY', '--args'],
  ])('refuses %j with %s', async (flags, code, text) => {
    const cwd = scratchDir();
    const r = await rehearsal(['profile', join(EXAMPLES, 'send-email.ts'), ...flags], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`error [${code}]`);
    expect(r.stderr).toContain(text);
  });
});
