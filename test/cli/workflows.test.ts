/**
 * End-to-end uses of the CLI: workers processing what `enqueue` sent, the dead-letter queue round
 * trip, and reading queues and the journal. The scenarios are independent (one database each) and
 * mostly wait on workers, so they run concurrently.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  countsNow,
  fileState,
  fixture,
  journal,
  queues,
  rehearsal,
  scratchDir,
  start,
  waitFor,
  type QueueRow,
  type Running,
} from './run-cli.ts';

/** Stops a worker with SIGTERM and returns its exit code. */
async function stop(w: Running): Promise<number | null> {
  w.child.kill('SIGTERM');
  return (await w.exited).code;
}

/** Waits until `predicate` holds for the counts of `queue` (read in this process). */
function waitForQueue(
  db: string,
  queue: string,
  what: string,
  predicate: (q: QueueRow) => boolean,
): Promise<true> {
  return waitFor(
    what,
    () => {
      const q = countsNow(db)?.find((r) => r.queue === queue);
      return q && predicate(q) ? true : undefined;
    },
    60_000,
  );
}

/** Waits until the worker's stderr says `count` worker processes are ready; returns their PIDs. */
function waitForReady(w: Running, count: number): Promise<number[]> {
  return waitFor(
    `${count} worker process(es) to be ready`,
    () => {
      const found = [
        ...w.stderr().matchAll(/\[PID (\d+)\] [^\n]*Worker process is ready for action\./g),
      ];
      return found.length === count ? found.map((m) => Number(m[1])) : undefined;
    },
    60_000,
  );
}

type DeadLetterJson = { id: number; queue: string; actor: string; message_id: string };

describe.concurrent('rehearsal workflows', { timeout: 180_000 }, () => {
  it('a worker processes a message enqueued before it started; the journal shows enqueued, started, succeeded, acked', async () => {
    const cwd = scratchDir();
    const db = join(cwd, 'work.db');
    const sent = await rehearsal(
      ['enqueue', 'add', '--module', fixture('tasks.ts'), '--args', '[1, 2]', '--db', db],
      { cwd },
    );
    expect(sent.code, sent.stderr).toBe(0);
    const id = sent.stdout.trim();
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/);

    // The default runner: actors in worker threads.
    const w = start(['worker', fixture('tasks.ts'), '--threads', '1', '--db', db], { cwd });
    await waitForReady(w, 1);
    await waitFor(
      'the default queue to drain (rehearsal queues --json)',
      async () => {
        const q = (await queues(cwd, db)).find((r) => r.queue === 'default');
        return q && q.ready + q.delayed + q.in_flight === 0 ? true : undefined;
      },
      60_000,
    );
    expect(await stop(w)).toBe(0);

    const log = w.stderr();
    expect(log).toMatch(
      /^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}\] \[PID \d+\] \[MainThread\] \[dramatiq\.MainProcess\] \[INFO\] Rehearsal '[^']+' is booting up\.$/m,
    );
    expect(log).toContain(
      `Actors: add (default), also_fails (other), always_fails (failing), slow (slow). Queues: default, failing, other, slow. Threads: 1. Processes: 1. Database: ${db}.`,
    );
    expect(log).toContain('Worker process is ready for action.');
    expect(log).toContain('Stopping worker process...');
    expect(w.stdout()).toContain('add 1 + 2 = 3');
    const events = (await journal(cwd, db)).filter((e) => e.message_id === id);
    expect(events.map((e) => e.kind)).toEqual(['enqueued', 'started', 'succeeded', 'acked']);
    expect(events[0]).toMatchObject({
      actor: 'add',
      queue: 'default',
      args: [1, 2],
      reason: 'send',
    });
    expect(events[1]).toMatchObject({ attempt: 1, worker: 0, thread: 0 });
  });

  it('runs two worker processes with --processes 2, and both process messages', async () => {
    const cwd = scratchDir();
    const db = join(cwd, 'two.db');
    const w = start(
      [
        'worker',
        fixture('tasks.ts'),
        '--processes',
        '2',
        '--threads',
        '1',
        '--in-process',
        '--db',
        db,
      ],
      { cwd },
    );
    await waitForReady(w, 2);
    expect(w.stderr()).toContain('[dramatiq.WorkerProcess(0)]');
    expect(w.stderr()).toContain('[dramatiq.WorkerProcess(1)]');
    // With one thread a worker holds at most 2 messages (prefetch) and an idle one polls at least
    // once a second, so 4 messages of 1.5 s each cannot all go to one process.
    const sends = await Promise.all(
      [0, 1, 2, 3].map(() =>
        rehearsal(['enqueue', 'slow', '--args', '[1500]', '--db', db], { cwd }),
      ),
    );
    for (const s of sends) expect(s.code, s.stderr).toBe(0);
    await waitForQueue(
      db,
      'slow',
      'the slow queue to drain',
      (q) => q.ready + q.delayed + q.in_flight === 0,
    );
    expect(await stop(w)).toBe(0);

    const started = (await journal(cwd, db)).filter((e) => e.kind === 'started');
    expect(started).toHaveLength(4);
    expect(new Set(started.map((e) => e.worker))).toEqual(new Set([0, 1]));
    expect(w.stderr()).toContain("Sending signal 'SIGTERM' to worker processes...");
    expect(w.stderr().match(/Stopping worker process\.\.\./g)).toHaveLength(2);
    expect(w.stderr()).not.toContain('exited unexpectedly');
  });

  it('reports a worker process that dies, stops the other one and exits with code 1', async () => {
    const cwd = scratchDir();
    const db = join(cwd, 'die.db');
    const w = start(
      [
        'worker',
        fixture('tasks.ts'),
        '--processes',
        '2',
        '--threads',
        '1',
        '--in-process',
        '--db',
        db,
      ],
      { cwd },
    );
    const [victim] = await waitForReady(w, 2);
    process.kill(victim!, 'SIGKILL');
    expect((await w.exited).code).toBe(1);
    expect(w.stderr()).toContain(
      `[CRITICAL] Worker with PID ${victim} exited unexpectedly (signal SIGKILL). Shutting down...`,
    );
    expect(w.stderr()).toContain('Stopping worker process...');
  });

  it('lists, requeues (by id and with --all --queue) and purges dead letters', async () => {
    const cwd = scratchDir();
    const db = join(cwd, 'dlq.db');

    // The worker declares the module's actors, so enqueue finds them without --module.
    const w = start(['worker', fixture('tasks.ts'), '--in-process', '--threads', '2', '--db', db], {
      cwd,
    });
    await waitForReady(w, 1);
    const sent = await Promise.all([
      rehearsal(['enqueue', 'always_fails', '--args', '[1]', '--db', db], { cwd }),
      rehearsal(['enqueue', 'always_fails', '--args', '[2]', '--db', db], { cwd }),
      rehearsal(['enqueue', 'also_fails', '--db', db], { cwd }),
    ]);
    for (const s of sent) expect(s.code, s.stderr).toBe(0);
    await waitForQueue(db, 'failing', '2 dead letters on failing', (q) => q.dead === 2);
    await waitForQueue(db, 'other', '1 dead letter on other', (q) => q.dead === 1);
    expect(await stop(w)).toBe(0);
    expect(w.stderr()).toMatch(
      /\[dramatiq\.worker\.WorkerThread\] \[ERROR\] Failed to process message always_fails\(1\) with unhandled exception\./,
    );

    // Reads, and a requeue of an id that is not a dead letter (refused, changing nothing).
    const before = fileState(db);
    const [listed, table, bad] = await Promise.all([
      rehearsal(['dlq', 'list', '--json', '--db', db], { cwd }),
      rehearsal(['dlq', 'list', '--queue', 'other', '--db', db], { cwd }),
      rehearsal(['dlq', 'requeue', '999999', '--db', db], { cwd }),
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('error [DEAD_LETTER_NOT_FOUND]: no dead letter with id 999999');
    expect(fileState(db)).toBe(before);
    const dead = JSON.parse(listed.stdout) as DeadLetterJson[];
    expect(dead.map((d) => d.actor).sort()).toEqual(['also_fails', 'always_fails', 'always_fails']);
    expect(dead.find((d) => d.actor === 'always_fails')).toMatchObject({
      queue: 'failing',
      last_error: 'Error: boom',
    });
    const other = dead.find((d) => d.actor === 'also_fails')!;
    expect(table.stdout).toMatch(
      /^\s*ID\s+QUEUE\s+ACTOR\s+MESSAGE\s+ATTEMPTS\s+DEAD AT\s+LAST ERROR\n/,
    );
    expect(table.stdout.trim().split('\n')).toHaveLength(2);
    expect(table.stdout).toMatch(
      new RegExp(
        `^\\s*${other.id}\\s+other\\s+also_fails\\s+\\w{8}\\s+1\\s+[\\d-]+ [\\d:]+\\s+TypeError: bad input$`,
        'm',
      ),
    );

    // One by id, then the rest of one queue: the other queue's dead letter stays.
    const [first, second] = dead.filter((d) => d.actor === 'always_fails');
    const one = await rehearsal(['dlq', 'requeue', String(first!.id), '--db', db], { cwd });
    expect(one.stdout).toBe('Requeued 1 dead letter.\n');
    const all = await rehearsal(['dlq', 'requeue', '--all', '--queue', 'failing', '--db', db], {
      cwd,
    });
    expect(all.stdout).toBe('Requeued 1 dead letter.\n');
    const [afterRequeue, events] = await Promise.all([queues(cwd, db), journal(cwd, db)]);
    expect(afterRequeue.find((q) => q.queue === 'failing')).toMatchObject({ ready: 2, dead: 0 });
    expect(afterRequeue.find((q) => q.queue === 'other')).toMatchObject({ ready: 0, dead: 1 });
    const requeued = events.filter((e) => e.kind === 'enqueued' && e.reason === 'requeue');
    expect(requeued.map((e) => e.message_id).sort()).toEqual(
      [first!.message_id, second!.message_id].sort(),
    );

    const purged = await rehearsal(['dlq', 'purge', '--db', db], { cwd });
    expect(purged.stdout).toBe('Purged 1 dead letter.\n');
    const afterPurge = await queues(cwd, db);
    expect(afterPurge.find((q) => q.queue === 'other')).toMatchObject({ ready: 0, dead: 0 });
    expect(afterPurge.find((q) => q.queue === 'failing')).toMatchObject({ ready: 2, dead: 0 });
  });

  it('shows queues as a table and JSON, the journal as JSONL and as a table, and follows new events', async () => {
    const cwd = scratchDir();
    const db = join(cwd, 'j.db');
    const enqueue = (args: string[]) =>
      rehearsal(['enqueue', 'add', '--module', fixture('tasks.ts'), ...args, '--db', db], { cwd });
    const first = await enqueue(['--args', '[1, 2]']);
    const second = await enqueue([
      '--args',
      '[3, 4]',
      '--kwargs',
      '{"note": "hi"}',
      '--delay',
      '60000',
    ]);
    expect(first.code, first.stderr).toBe(0);
    expect(second.code, second.stderr).toBe(0);
    const before = fileState(db);

    const [table, json, jsonl, pretty] = await Promise.all([
      rehearsal(['queues', '--db', db], { cwd }),
      rehearsal(['queues', '--json', '--db', db], { cwd }),
      rehearsal(['journal', '--db', db], { cwd }),
      rehearsal(['journal', '--format', 'table', '--db', db], { cwd }),
    ]);
    expect(table.stdout).toMatch(/^QUEUE\s+READY\s+DELAYED\s+IN FLIGHT\s+DEAD\s+STATE\n/);
    expect(table.stdout).toMatch(/^default\s+1\s+1\s+0\s+0$/m);
    expect(JSON.parse(json.stdout)).toEqual([
      { queue: 'default', ready: 1, delayed: 1, in_flight: 0, dead: 0, paused: false },
    ]);

    // Piped output defaults to JSONL: the spec's export format, one object a line.
    const lines = jsonl.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((e) => e.kind)).toEqual(['enqueued', 'enqueued', 'delayed']);
    expect(Object.keys(lines[0]!)).toEqual([
      'seq',
      't',
      'kind',
      'message_id',
      'actor',
      'queue',
      'reason',
      'args',
      'kwargs',
      'options',
    ]);
    expect(lines[0]).toMatchObject({ seq: 1, message_id: first.stdout.trim(), args: [1, 2] });
    expect(lines[1]).toMatchObject({ kwargs: { note: 'hi' }, delay: 60000 });

    expect(pretty.stdout).toMatch(/^\s*SEQ\s+T\s+KIND\s+MESSAGE\s+ACTOR\s+ATT\s+DETAIL$/m);
    expect(pretty.stdout).toMatch(
      /^\s*2\s+\d+\.\d{3}s\s+enqueued\s+\w{8}\s+add\s+reason=send queue=default delay=60000ms args=\[3,4\] kwargs=\{"note":"hi"\}$/m,
    );
    // Reading changed nothing.
    expect(fileState(db)).toBe(before);

    // --follow from seq 3: the delayed event, then what happens next, until Ctrl+C.
    const follow = start(['journal', '--follow', '--from', '3', '--format', 'jsonl', '--db', db], {
      cwd,
    });
    await waitFor(
      'the existing event',
      () => (follow.stdout().includes('\n') ? true : undefined),
      60_000,
    );
    const third = await enqueue(['--args', '[5, 6]']);
    const id = third.stdout.trim();
    await waitFor('the new event', () => (follow.stdout().includes(id) ? true : undefined), 60_000);
    follow.child.kill('SIGINT');
    expect((await follow.exited).code).toBe(0);
    const followed = follow
      .stdout()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(followed.map((e) => [e.seq, e.kind])).toEqual([
      [3, 'delayed'],
      [4, 'enqueued'],
    ]);
    expect(followed[1]).toMatchObject({ message_id: id, args: [5, 6] });
  });
});
