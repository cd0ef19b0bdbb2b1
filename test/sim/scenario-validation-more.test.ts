/**
 * Scenario validation beyond the basics (test/sim/simulator.test.ts): every problem of a file in
 * one pass (schema and cross references together), "did you mean" for a misspelled field at any
 * depth, the specific problem of the union branch that fits, `result` ops, the 32-bit seed range,
 * and a `"Timeout"` failure on an actor without a time limit. Files are real files in temp dirs.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario, runScenario, ScenarioError, type Scenario } from '../../core/index.ts';
import { rehearsal } from '../cli/run-cli.ts';
import { tempDir } from '../helpers/temp-db.ts';

/** Writes `data` as `name` in a fresh temp dir and returns its path. */
function scenarioFile(data: unknown, name = 'scenario.json'): string {
  const file = join(tempDir(), name);
  writeFileSync(file, JSON.stringify(data, null, 2));
  return file;
}

/** Loads `data` from a file and returns the ScenarioError it must raise. */
function refusal(data: unknown, name = 'scenario.json'): ScenarioError {
  const file = scenarioFile(data, name);
  try {
    loadScenario(file);
  } catch (err) {
    expect(err).toBeInstanceOf(ScenarioError);
    return err as ScenarioError;
  }
  throw new Error(`${name} was accepted`);
}

/** The problems of `data` as `path: message` lines. */
function problems(data: unknown): string[] {
  return refusal(data).problems.map((p) => `${p.path}: ${p.message}`);
}

const accepted = (data: unknown): Scenario => loadScenario(scenarioFile(data));

/** The README's example: a misspelled option and a message for a misspelled actor. */
const README_EXAMPLE = {
  rehearsal: 1,
  actors: [{ name: 'send_email', options: { max_retires: 5 } }],
  messages: [{ actor: 'send_emial' }],
};

/** A valid scenario to vary. */
const VALID = { rehearsal: 1, actors: [{ name: 'send_email' }] };

const withActor = (
  actor: Record<string, unknown>,
  rest: Record<string, unknown> = {},
): unknown => ({
  rehearsal: 1,
  actors: [{ name: 'a', ...actor }],
  ...rest,
});

describe('scenario validation lists every problem at once', () => {
  it('reports the README example as 2 problems: the unknown option and the unknown actor, each with a suggestion', () => {
    const file = scenarioFile(README_EXAMPLE, 'bad.json');
    expect(() => loadScenario(file)).toThrow(
      [
        `${file}: 2 problems:`,
        '  actors[0].options.max_retires: unknown field — did you mean "max_retries"?',
        '  messages[0].actor: unknown actor "send_emial" — did you mean "send_email"?',
      ].join('\n'),
    );
  });

  it('prints the 2 problems of the README example from `rehearsal run` and writes no database', async () => {
    const file = scenarioFile(README_EXAMPLE, 'bad.json');
    const cwd = join(file, '..');
    const r = await rehearsal(['run', 'bad.json', '--db', 'x.run.db'], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('bad.json is not a valid scenario (2 problems)');
    expect(r.stderr).toContain('bad.json: messages[0].actor: unknown actor "send_emial"');
    expect(existsSync(join(cwd, 'x.run.db'))).toBe(false);
    expect(existsSync(join(cwd, 'bad.run.db'))).toBe(false);
  }, 60_000);

  it('checks queues, duplicates and references of the well-formed parts when other parts are malformed', () => {
    expect(
      problems({
        rehearsal: 2,
        seed: -1,
        actors: [
          { name: 'a', queue: 'emails', options: { on_failure: 'alrt' } },
          { name: 'alert', behavior: { duration: 5 } },
          { name: 'a' },
        ],
        workers: [{ queues: ['emials'], threads: 0 }],
        messages: [
          { id: 'm', actor: 'a', at: -5 },
          { id: 'm', pipeline: [{ actor: 'reporter' }] },
        ],
        arrivals: [{ actor: 'ghost_worker', process: 'poison', count: 1 }],
      }),
    ).toEqual([
      'rehearsal: expected 1 (the scenario format version)',
      'seed: expected a whole number 0..4294967295 (the random generator uses 32 bits)',
      'workers[0].threads: expected a positive integer',
      'actors[1].behavior.duration: Invalid input: expected object, received number',
      'messages[0].at: expected a non-negative number',
      'arrivals[0].process: Invalid option: expected one of "poisson"|"uniform"|"burst" — did you mean "poisson"?',
      'actors[0].options.on_failure: unknown actor "alrt" — did you mean "alert"?',
      'actors[2].name: duplicate actor name "a"',
      'messages[1].pipeline[0].actor: unknown actor "reporter" (declared actors: a, alert)',
      'arrivals[0].actor: unknown actor "ghost_worker" (declared actors: a, alert)',
      'workers[0].queues[0]: no actor uses queue "emials" — did you mean "emails"?',
      'messages[1].id: duplicate message id "m" (also messages[0].id)',
    ]);
  });

  it('skips the unknown-actor check while an actor has no usable name, and survives malformed entries', () => {
    // "a" may well be the actor whose name is misspelled: only the typo is reported.
    expect(
      problems({ rehearsal: 1, actors: [{ nme: 'a' }, { name: 'b' }], messages: [{ actor: 'a' }] }),
    ).toEqual(['actors[0].nme: unknown field — did you mean "name"?']);
    const err = refusal({
      rehearsal: 1,
      actors: [null, 5, { name: 7, queue: 8, options: 5, behavior: [] }],
      workers: [{ queues: 'q' }, null],
      messages: [null, { group: 5 }, { pipeline: [null] }, { group: [null, { pipeline: 3 }] }],
      arrivals: 'x',
    });
    expect(err.problems.length).toBeGreaterThan(0);
    expect(err.problems.every((p) => !p.message.startsWith('unknown actor'))).toBe(true);
  });
});

describe('scenario validation suggests the known name for a misspelled field at any depth', () => {
  const cases: { where: string; data: unknown; expected: string }[] = [
    {
      where: 'behavior.retry',
      data: withActor({ behavior: { retry: { first: 1, dealy: 500 } } }),
      expected: 'actors[0].behavior.retry.dealy: unknown field — did you mean "delay"?',
    },
    {
      where: 'behavior.duration',
      data: withActor({ behavior: { duration: { dist: 'exponential', maen: 5 } } }),
      expected: 'actors[0].behavior.duration.maen: unknown field — did you mean "mean"?',
    },
    {
      where: 'the discriminator of behavior.duration',
      data: withActor({ behavior: { duration: { dsit: 'constant', ms: 5 } } }),
      expected: 'actors[0].behavior.duration.dsit: unknown field — did you mean "dist"?',
    },
    {
      where: 'a behavior.fail rule',
      data: withActor({ behavior: { fail: { first: 2, eror: 'X' } } }),
      expected: 'actors[0].behavior.fail.eror: unknown field — did you mean "error"?',
    },
    {
      where: 'a behavior.fail rule in a list',
      data: withActor({
        behavior: {
          fail: [
            { first: 1, error: 'X' },
            { probabilty: 0.5, error: 'Y' },
          ],
        },
      }),
      expected:
        'actors[0].behavior.fail[1].probabilty: unknown field — did you mean "probability"?',
    },
    {
      where: 'options.retry_when',
      data: withActor({ options: { retry_when: { erors: ['ConnectionError'] } } }),
      expected: 'actors[0].options.retry_when.erors: unknown field — did you mean "errors"?',
    },
    {
      where: 'a behavior.enqueue entry',
      data: withActor({ behavior: { enqueue: [{ actor: 'a', dely: 5 }] } }),
      expected: 'actors[0].behavior.enqueue[0].dely: unknown field — did you mean "delay"?',
    },
    {
      where: 'a pipeline step',
      data: withActor({}, { messages: [{ pipeline: [{ actor: 'a', arsg: [1] }] }] }),
      expected: 'messages[0].pipeline[0].arsg: unknown field — did you mean "args"?',
    },
    {
      where: 'a group child',
      data: withActor({}, { messages: [{ group: [{ actor: 'a', kwarg: {} }] }] }),
      expected: 'messages[0].group[0].kwarg: unknown field — did you mean "kwargs"?',
    },
    {
      where: "a group's on_complete",
      data: withActor(
        {},
        { messages: [{ group: [{ actor: 'a' }], on_complete: { actor: 'a', arg: [] } }] },
      ),
      expected: 'messages[0].on_complete.arg: unknown field — did you mean "args"?',
    },
    {
      where: 'a raw message',
      data: withActor(
        {},
        { messages: [{ raw: { actor_name: 'ghost', queue_name: 'default', kwarg: {} } }] },
      ),
      expected: 'messages[0].raw.kwarg: unknown field — did you mean "kwargs"?',
    },
    {
      where: 'until',
      data: withActor({}, { until: { tme: 5 } }),
      expected: 'until.tme: unknown field — did you mean "time"?',
    },
  ];

  it.each(cases)('reports a typo in $where as that one unknown field, with the suggestion', (c) => {
    expect(problems(c.data)).toEqual([c.expected]);
  });

  it('names the path of options the engine would refuse only once running: disabled middleware, callback actors, raw queues', () => {
    expect(
      problems({
        rehearsal: 1,
        middleware: { disable: ['AgeLimit'] },
        actors: [
          {
            name: 'a',
            options: { max_age: 1000, max_retries: 2 },
            behavior: { enqueue: [{ actor: 'a', options: { on_success: 'nobody' } }] },
          },
        ],
        messages: [
          { actor: 'a', options: { on_failure: 'zzz' } },
          { raw: { queue_name: 'bad queue', actor_name: 'a' } },
        ],
        until: { time: 100, idle: true },
      }),
    ).toEqual([
      'until.idle: not allowed together with the other fields here: give only one of time, idle',
      'actors[0].options.max_age: belongs to the AgeLimit middleware, which middleware.disable turns off',
      'actors[0].behavior.enqueue[0].options.on_success: unknown actor "nobody" (declared actors: a)',
      'messages[0].options.on_failure: unknown actor "zzz" (declared actors: a)',
      expect.stringMatching(
        /^messages\[1\]\.raw\.queue_name: queue name "bad queue" is not allowed/,
      ),
    ]);
  });

  it('reports the specific problem of the union branch that fits, not "Invalid input"', () => {
    expect(problems(withActor({ behavior: { fail: { first: '2', error: 'X' } } }))).toEqual([
      'actors[0].behavior.fail.first: Invalid input: expected number, received string',
    ]);
    expect(problems(withActor({}, { until: { idle: false } }))).toEqual([
      'until.idle: Invalid input: expected true',
    ]);
    expect(
      problems(withActor({ behavior: { duration: { dist: 'exponental', mean: 5 } } })),
    ).toEqual([
      'actors[0].behavior.duration.dist: expected one of "constant", "uniform", "exponential", "normal", "lognormal" — did you mean "exponential"?',
    ]);
  });
});

describe('scenario validation of values', () => {
  it('refuses a behavior.result op that does not exist, with a suggestion, and keeps other objects as literals', () => {
    expect(problems(withActor({ behavior: { result: { op: 'summ' } } }))).toEqual([
      'actors[0].behavior.result.op: unknown op "summ": expected one of "sum", "product", "square", "first_arg" — did you mean "sum"?',
    ]);
    const s = accepted({
      rehearsal: 1,
      actors: [
        { name: 'a', behavior: { result: { op: 'first_arg' } } },
        { name: 'b', behavior: { result: { op: 'summ', total: 3 } } },
      ],
    });
    expect(s.actors.map((a) => a.behavior.result)).toEqual([
      { op: 'first_arg' },
      { op: 'summ', total: 3 },
    ]);
  });

  it('accepts seeds 0..4294967295 and refuses 4294967296, which the 32-bit generator would read as 0', () => {
    expect(accepted({ ...VALID, seed: 4294967295 }).seed).toBe(4294967295);
    expect(problems({ ...VALID, seed: 4294967296 })).toEqual([
      'seed: expected a whole number 0..4294967295 (the random generator uses 32 bits)',
    ]);
  });
});

describe('scenario validation of a "Timeout" failure', () => {
  const timeout = { first: 1, error: 'Timeout' };

  it.each([
    {
      without: 'options.time_limit null',
      data: withActor({ options: { time_limit: null }, behavior: { fail: timeout } }),
      path: 'actors[0].behavior.fail.error',
      says: 'its options.time_limit is null',
      fix: 'set actors[0].options.time_limit to a limit in ms',
    },
    {
      without: 'TimeLimit disabled',
      data: withActor(
        { options: { time_limit: 1000 }, behavior: { fail: [{ first: 0, error: 'X' }, timeout] } },
        { middleware: { disable: ['TimeLimit'] } },
      ),
      path: 'actors[0].behavior.fail[1].error',
      says: 'the TimeLimit middleware is disabled in middleware.disable',
      fix: 'remove "TimeLimit" from middleware.disable',
    },
    {
      without: 'middleware.time_limit null and no actor option',
      data: withActor({ behavior: { fail: timeout } }, { middleware: { time_limit: null } }),
      path: 'actors[0].behavior.fail.error',
      says: 'middleware.time_limit is null and the actor sets no options.time_limit',
      fix: 'set actors[0].options.time_limit or middleware.time_limit',
    },
  ])('refuses it on an actor with $without, at the path of its error', (c) => {
    const p = refusal(c.data).problems.find((x) => x.path === c.path);
    expect(p?.message).toContain('"Timeout" makes the attempt run until its time limit');
    expect(p?.message).toContain(c.says);
    expect(p?.message).toContain('the run would never become idle');
    expect(p?.message).toContain(c.fix);
  });

  it("accepts it with the actor's time limit, the middleware default, or a run until a time, and such runs end", async () => {
    const scenarios = [
      withActor({ options: { time_limit: 1000 }, behavior: { fail: timeout } }),
      withActor({ behavior: { fail: timeout } }),
      withActor({ behavior: { fail: timeout } }, { middleware: { time_limit: 50 } }),
      withActor(
        { options: { time_limit: null }, behavior: { fail: timeout } },
        { until: { time: 10_000 } },
      ),
    ].map((d) => accepted({ ...(d as object), messages: [{ actor: 'a' }] }));
    for (const s of scenarios) {
      const r = await runScenario(s, { db: join(tempDir(), 'run.db') });
      expect(r.endT).toBeGreaterThan(0);
    }
  });
});
