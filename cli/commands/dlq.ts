/**
 * `rehearsal dlq list|requeue|purge`: the dead-letter queue (messages whose retries ran out, or
 * that failed with an error listed in `throws`, or named an unknown actor).
 */
import {
  manualChange,
  toMessageData,
  type DeadLetter,
  type SqliteBroker,
} from '../../core/index.ts';
import type { DlqListArgs, DlqPurgeArgs, DlqRequeueArgs } from '../checks.ts';
import { openExisting, openForChange, readableFile } from '../db.ts';
import { EXIT_OK } from '../errors.ts';
import { writeOut, type Io } from '../io.ts';
import { progress } from '../progress.ts';
import { queueArg } from '../queue-arg.ts';
import { formatTable, truncate } from '../table.ts';

/** Runs `rehearsal dlq list` (spec in specs.ts, checks in checks.ts). */
export async function runDlqList(o: DlqListArgs, io: Io): Promise<number> {
  const queue = optionalQueue(o.queue);
  const limit = o.limit;
  const broker = openExisting(readableFile(o.file));
  try {
    const dead = broker.deadLetters(queue, limit);
    if (o.json) {
      await writeOut(
        io.stdout,
        `${JSON.stringify(
          dead.map((d) => deadLetterJson(broker, d)),
          null,
          2,
        )}\n`,
      );
      return EXIT_OK;
    }
    if (dead.length === 0) {
      await writeOut(io.stdout, `No dead letters${queue ? ` on queue ${queue}` : ''}.\n`);
      return EXIT_OK;
    }
    // On a terminal the last column is cut to fit the line; in a pipe nothing is cut.
    const width = io.stdout.columns ? Math.max(40, io.stdout.columns - 90) : Infinity;
    const table = formatTable(
      [
        { header: 'ID', right: true },
        { header: 'QUEUE' },
        { header: 'ACTOR' },
        { header: 'MESSAGE' },
        { header: 'ATTEMPTS', right: true },
        { header: 'DEAD AT' },
        { header: 'LAST ERROR' },
      ],
      dead.map((d) => [
        String(d.id),
        d.message.queueName,
        d.message.actorName,
        d.label ?? d.message.messageId.slice(0, 8),
        String(d.attempts),
        localTime(d.deadAt),
        truncate(lastError(broker, d), width),
      ]),
    );
    await writeOut(io.stdout, table);
    if (dead.length === limit) {
      io.stderr.write(`(showing the first ${limit}; pass --limit to see more)\n`);
    }
    return EXIT_OK;
  } finally {
    broker.close();
  }
}

/** Runs `rehearsal dlq requeue` (spec in specs.ts, checks in checks.ts). */
export async function runDlqRequeue(o: DlqRequeueArgs, io: Io): Promise<number> {
  const queue = optionalQueue(o.queue);
  const broker = openForChange(o.file);
  try {
    const n =
      o.ids === 'all'
        ? requeueAll(broker, queue, io.stderr)
        : manualChange(broker, () => broker.requeueDead(o.ids as number[]));
    await writeOut(io.stdout, `Requeued ${n} dead letter${n === 1 ? '' : 's'}.\n`);
    return EXIT_OK;
  } finally {
    broker.close();
  }
}

/** Runs `rehearsal dlq purge` (spec in specs.ts, checks in checks.ts). */
export async function runDlqPurge(o: DlqPurgeArgs, io: Io): Promise<number> {
  const queue = optionalQueue(o.queue);
  const broker = openForChange(o.file);
  try {
    const n = manualChange(broker, () => broker.purgeDead(queue));
    await writeOut(io.stdout, `Purged ${n} dead letter${n === 1 ? '' : 's'}.\n`);
    return EXIT_OK;
  } finally {
    broker.close();
  }
}

/** Chunk size of `requeue --all`: each chunk is one transaction, so workers are not blocked long. */
const REQUEUE_CHUNK = 500;

/**
 * Requeues the dead letters that exist now (a snapshot: messages that die again meanwhile are not
 * requeued a second time), in chunks, with progress on a terminal.
 */
function requeueAll(
  broker: SqliteBroker,
  queue: string | null,
  stderr: Parameters<typeof progress>[0],
): number {
  const ids = broker.deadLetters(queue, Number.MAX_SAFE_INTEGER).map((d) => d.id);
  const bar = progress(stderr, 'requeueing dead letters', ids.length);
  let done = 0;
  try {
    for (let i = 0; i < ids.length; i += REQUEUE_CHUNK) {
      let chunk = ids.slice(i, i + REQUEUE_CHUNK);
      try {
        done += manualChange(broker, () => broker.requeueDead(chunk));
      } catch (err) {
        // Another process purged or requeued some meanwhile: requeue the rest of the chunk.
        const missing = (err as { details?: { ids?: number[] } }).details?.ids;
        if (!Array.isArray(missing)) throw err;
        chunk = chunk.filter((id) => !missing.includes(id));
        done += chunk.length > 0 ? manualChange(broker, () => broker.requeueDead(chunk)) : 0;
      }
      bar.update(Math.min(ids.length, i + REQUEUE_CHUNK));
    }
  } finally {
    bar.done();
  }
  return done;
}

function optionalQueue(raw: string | null): string | null {
  return raw === null ? null : queueArg('--queue', raw);
}

/**
 * The error that killed a dead letter, e.g. `ConnectionError: timed out`: the last line of the
 * traceback Retries stored, else (a `throws` error or an unknown actor store none) the error of
 * the message's last journal event that has one.
 */
function lastError(broker: SqliteBroker, d: DeadLetter): string {
  const tb = d.message.options.traceback;
  if (typeof tb === 'string' && tb.trim() !== '') return tb.trim().split('\n').at(-1)!;
  if (d.message.options.undecodable_body !== undefined)
    return '(message body could not be decoded)';
  const e = broker.journal
    .history(d.message.messageId)
    .reverse()
    .find((x) => x.error !== undefined)?.error;
  if (!e) return '';
  return e.message ? `${e.type}: ${e.message}` : e.type;
}

function deadLetterJson(broker: SqliteBroker, d: DeadLetter): Record<string, unknown> {
  return {
    id: d.id,
    queue: d.message.queueName,
    actor: d.message.actorName,
    message_id: d.message.messageId,
    label: d.label,
    attempts: d.attempts,
    dead_at: d.deadAt,
    last_error: lastError(broker, d) || null,
    message: toMessageData(d.message),
  };
}

/** `2024-05-01 12:00:00` in local time. */
function localTime(ms: number): string {
  const d = new Date(ms);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}
