/**
 * The verdict of an experiment, read from its database file after the run: the journal (every
 * event, in seq order) and what is left in the `messages` and `results` tables.
 *
 * Definitions (scripts/faults/README.md explains them with examples):
 * - final state: a message id whose journal ends with `acked` and no row of it left waiting, or
 *   with `dead_lettered` (its row is a dead letter). Anything else is **lost**, as is an expected
 *   id that never reached the journal.
 * - **duplicated**: a message id that completed (`succeeded` then `acked`) more than once, that
 *   was started twice with the same attempt number, whose non-retry enqueue (send, pipeline step,
 *   group callback) happened twice, whose result was stored twice, or a group whose completion
 *   fired more than once (or before its last member finished).
 * - a redelivery is a `started` with attempt > 1 that no retry enqueue preceded since the
 *   previous `started`; it must be preceded by a `requeued` row, else it is **unrecorded**.
 */
import Database from 'better-sqlite3';

/** A 3-step pipeline as sent: its step ids and the results they must store. */
export type PipelineExpectation = { steps: string[]; results: unknown[] };
/** A group as sent: its members and its completion callback. */
export type GroupExpectation = { members: string[]; callback: string };

/** What an experiment sent. */
export type Expectations = {
  /** Every message id that must reach a final state (derived ones included). */
  ids: Iterable<string>;
  /** Ids that must end dead-lettered (every other expected id must end acked). */
  dead?: Iterable<string>;
  pipelines?: readonly PipelineExpectation[];
  groups?: readonly GroupExpectation[];
};

/** The verdict. */
export type Verdict = {
  messages: number;
  events: number;
  lost: number;
  duplicated: number;
  unrecorded: number;
  /** Redeliveries that were recorded (a `requeued` row came first). */
  redeliveries: number;
  requeued: Record<string, number>;
  retries: number;
  deadLettered: number;
  completions: number;
  seqGaps: number;
  /** Started attempts per worker index. */
  startedPerWorker: Map<number, number>;
  /** Problems by category, with a few examples each. */
  problems: Map<string, { count: number; examples: string[] }>;
};

type State = {
  expected: boolean;
  enqueued: number;
  nonRetryEnqueues: number;
  live: number;
  last: 'acked' | 'dead' | null;
  lastStarted: number;
  retryArmed: boolean;
  requeuedArmed: boolean;
  succeededAttempt: number | null;
  completions: number[];
  resultStored: number;
  groupCompleted: number[];
  firstSucceededSeq: number;
};

type Row = [
  seq: number,
  kind: string,
  messageId: string | null,
  attempt: number | null,
  reason: string | null,
  worker: number | null,
];

/** Reads `file` and judges it against `exp`. */
export function verify(file: string, exp: Expectations): Verdict {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return judge(db, exp);
  } finally {
    db.close();
  }
}

function judge(db: Database.Database, exp: Expectations): Verdict {
  const problems = new Map<string, { count: number; examples: string[] }>();
  const problem = (category: string, example: string): void => {
    const p = problems.get(category) ?? { count: 0, examples: [] };
    p.count++;
    if (p.examples.length < 5) p.examples.push(example);
    problems.set(category, p);
  };
  const states = new Map<string, State>();
  const fresh = (expected: boolean): State => ({
    expected,
    enqueued: 0,
    nonRetryEnqueues: 0,
    live: 0,
    last: null,
    lastStarted: 0,
    retryArmed: false,
    requeuedArmed: false,
    succeededAttempt: null,
    completions: [],
    resultStored: 0,
    groupCompleted: [],
    firstSucceededSeq: 0,
  });
  for (const id of exp.ids) states.set(id, fresh(true));

  let events = 0;
  let seqGaps = 0;
  let prevSeq = 0;
  let unrecorded = 0;
  let redeliveries = 0;
  let retries = 0;
  const requeued: Record<string, number> = {};
  const startedPerWorker = new Map<number, number>();
  const duplicatedIds = new Set<string>();
  const rows = db
    .prepare('SELECT seq, kind, message_id, attempt, reason, worker FROM events ORDER BY seq')
    .raw()
    .iterate() as IterableIterator<Row>;
  for (const [seq, kind, id, attempt, reason, worker] of rows) {
    events++;
    if (seq !== prevSeq + 1) {
      seqGaps++;
      problem('journal seq gap', `seq ${prevSeq} is followed by ${seq}`);
    }
    prevSeq = seq;
    if (id === null) continue;
    let s = states.get(id);
    if (!s) {
      s = fresh(false);
      states.set(id, s);
    }
    switch (kind) {
      case 'enqueued':
        s.enqueued++;
        s.live++;
        if (reason === 'retry') {
          s.retryArmed = true;
          retries++;
        } else if (reason !== 'requeue' && ++s.nonRetryEnqueues > 1) {
          duplicatedIds.add(id);
          problem('enqueued twice', `${id} enqueued again (reason ${reason}) at seq ${seq}`);
        }
        break;
      case 'started': {
        const a = attempt ?? 0;
        if (worker !== null) startedPerWorker.set(worker, (startedPerWorker.get(worker) ?? 0) + 1);
        if (a <= s.lastStarted) {
          duplicatedIds.add(id);
          problem(
            'attempt started twice',
            `${id} started attempt ${a} at seq ${seq} after attempt ${s.lastStarted}`,
          );
        } else if (a !== s.lastStarted + 1) {
          unrecorded++;
          problem(
            'attempt skipped',
            `${id} started attempt ${a} after ${s.lastStarted} (seq ${seq})`,
          );
        } else if (a > 1 && !s.retryArmed) {
          if (s.requeuedArmed) redeliveries++;
          else {
            unrecorded++;
            problem(
              'unrecorded redelivery',
              `${id} started attempt ${a} at seq ${seq} with no requeued row since attempt ${a - 1}`,
            );
          }
        }
        s.lastStarted = Math.max(s.lastStarted, a);
        s.retryArmed = false;
        s.requeuedArmed = false;
        break;
      }
      case 'requeued':
        s.requeuedArmed = true;
        requeued[reason ?? 'unknown'] = (requeued[reason ?? 'unknown'] ?? 0) + 1;
        break;
      case 'succeeded':
        s.succeededAttempt = attempt ?? 0;
        if (s.firstSucceededSeq === 0) s.firstSucceededSeq = seq;
        break;
      case 'acked':
        s.live--;
        s.last = 'acked';
        if (s.succeededAttempt !== null && s.succeededAttempt === (attempt ?? 0)) {
          s.completions.push(s.succeededAttempt);
          if (s.completions.length > 1) {
            duplicatedIds.add(id);
            problem(
              'completed twice',
              `${id} succeeded and was acked in attempts ${s.completions.join(', ')}`,
            );
          }
        }
        s.succeededAttempt = null;
        break;
      case 'dead_lettered':
        s.live--;
        s.last = 'dead';
        break;
      case 'purged':
        s.live--;
        s.last = null;
        break;
      case 'result_stored':
        if (++s.resultStored > 1) {
          duplicatedIds.add(id);
          problem('result stored twice', `${id} result_stored again at seq ${seq}`);
        }
        break;
      case 'group_completed':
        s.groupCompleted.push(seq);
        break;
      default:
        break;
    }
  }

  // What is left in the database: after a drain, only dead letters may remain.
  const leftRows = db.prepare('SELECT message_id, state FROM messages').raw().all() as [
    string,
    number,
  ][];
  const waiting = new Set<string>();
  const deadRows = new Set<string>();
  for (const [id, state] of leftRows) (state === 3 ? deadRows : waiting).add(id);

  const dead = new Set(exp.dead ?? []);
  let lost = 0;
  let deadLettered = 0;
  let completions = 0;
  let messages = 0;
  for (const [id, s] of states) {
    if (s.expected) messages++;
    else problem('unexpected message id', `${id} is in the journal but was never sent`);
    completions += s.completions.length;
    const final =
      s.enqueued > 0 &&
      s.live === 0 &&
      !waiting.has(id) &&
      (s.last === 'acked' || (s.last === 'dead' && deadRows.has(id)));
    if (!final) {
      lost++;
      problem(
        'lost',
        `${id}: ${s.enqueued} enqueues, ${s.live} rows live, last terminal ${s.last ?? 'none'}${waiting.has(id) ? ', still waiting in the database' : ''}`,
      );
      continue;
    }
    if (s.last === 'dead') deadLettered++;
    if (s.expected && (s.last === 'dead') !== dead.has(id))
      problem(
        'wrong final state',
        `${id} ended ${s.last} but was expected to end ${dead.has(id) ? 'dead' : 'acked'}`,
      );
    if (s.last === 'acked' && s.completions.length === 0)
      problem('acked without success', `${id} was acked but never succeeded`);
  }

  // Pipelines: each step stored its one result, with the value the chain implies.
  const resultOf = db.prepare<[string], { value: string }>(
    'SELECT value FROM results WHERE message_id = ?',
  );
  for (const p of exp.pipelines ?? []) {
    p.steps.forEach((id, k) => {
      const s = states.get(id);
      if (!s || s.resultStored !== 1)
        problem(
          'pipeline result count',
          `step ${k} (${id}) stored ${s?.resultStored ?? 0} results`,
        );
      const rows = resultOf.all(id);
      if (rows.length !== 1) {
        problem('pipeline result rows', `step ${k} (${id}) has ${rows.length} rows in results`);
        if (rows.length > 1) duplicatedIds.add(id);
      } else if (JSON.stringify(JSON.parse(rows[0]!.value)) !== JSON.stringify(p.results[k]))
        problem(
          'pipeline result value',
          `step ${k} (${id}) stored ${rows[0]!.value}, expected ${JSON.stringify(p.results[k])}`,
        );
    });
  }

  // Groups: the completion fired once, after the last member succeeded, and its callback ran once.
  for (const g of exp.groups ?? []) {
    const fired = g.members.flatMap((m) => states.get(m)?.groupCompleted ?? []);
    const lastMember = Math.max(...g.members.map((m) => states.get(m)?.firstSucceededSeq ?? 0));
    if (fired.length !== 1) {
      problem('group completion count', `group of ${g.callback} completed ${fired.length} times`);
      if (fired.length > 1) duplicatedIds.add(g.callback);
    } else if (fired[0]! < lastMember)
      problem(
        'group completed early',
        `group of ${g.callback} completed at seq ${fired[0]} before its last member (seq ${lastMember})`,
      );
    const cb = states.get(g.callback);
    if (!cb || cb.completions.length !== 1)
      problem(
        'group callback runs',
        `callback ${g.callback} completed ${cb?.completions.length ?? 0} times`,
      );
  }

  return {
    messages,
    events,
    lost,
    duplicated: duplicatedIds.size,
    unrecorded,
    redeliveries,
    requeued,
    retries,
    deadLettered,
    completions,
    seqGaps,
    startedPerWorker,
    problems,
  };
}

/** Problems as printable lines (empty when there are none). */
export function describeProblems(v: Verdict): string[] {
  const out: string[] = [];
  for (const [category, p] of v.problems) {
    out.push(`  ${category}: ${p.count}`);
    for (const e of p.examples) out.push(`    e.g. ${e}`);
  }
  return out;
}
