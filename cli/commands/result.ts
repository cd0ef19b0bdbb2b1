/**
 * `rehearsal result MESSAGE_ID`: the result stored for a message, as `message.get_result()`.
 *
 * Contract:
 * 1. A result's key is MD5 of `namespace:queue:actor:message_id`, so the message's queue and
 *    actor are looked up in the journal first (by id, unique id prefix or label).
 * 2. Exit 0 with the result as JSON on stdout; 1 when the message failed for good
 *    (`actor raised <Type>: <message>`); 3 when no result is stored, with the reason when the
 *    journal tells it (still running, the actor does not store results, the result expired).
 * 3. `--wait MS` polls for up to MS ms (for a worker still processing the message, or a pipeline
 *    step not enqueued yet: the message is waited for in the journal too). A run on the
 *    virtual clock is over: its results are read at the run's own end time (results of a virtual
 *    run would otherwise look expired against today's wall clock), and nothing is waited for.
 * 4. Reads only.
 */
import {
  applyEvent,
  emptyWorld,
  readRun,
  Results,
  SqliteBroker,
  SqliteResultBackend,
  VirtualClock,
  type Clock,
  type JournalEvent,
  type Message,
} from '../../core/index.ts';
import type { ResultArgs } from '../checks.ts';
import { openExisting, readableFile } from '../db.ts';
import { EXIT_FAILURE, EXIT_OK, formatError, isCoded } from '../errors.ts';
import { writeOut, type Io } from '../io.ts';
import { formatT } from '../journal-table.ts';
import { findMessage, type FoundMessage } from '../message-ref.ts';

/** Exit code when no result is stored (contract item 2). */
export const EXIT_NO_RESULT = 3;

/** Runs `rehearsal result` (spec in specs.ts, checks in checks.ts). */
export async function runResult(o: ResultArgs, io: Io): Promise<number> {
  const file = readableFile(o.file);
  openExisting(file).close();
  const virtualEnd = virtualRunEnd(file);
  const broker = new SqliteBroker({ file, readonly: true });
  const wait = virtualEnd === null && o.waitMs !== null && o.waitMs > 0 ? o.waitMs : null;
  const deadline = Date.now() + (wait ?? 0);
  try {
    const { messageId, events } = await waitForMessage(broker, o, wait === null ? null : deadline);
    const first = events.find((e) => e.actor && e.queue) ?? events[0]!;
    const message: Message = {
      queueName: first.queue ?? 'default',
      actorName: first.actor ?? '',
      args: [],
      kwargs: {},
      options: {},
      messageId,
      messageTimestamp: 0,
    };
    const clock: Clock = virtualEnd === null ? broker.clock : new VirtualClock(virtualEnd);
    const results = new Results({ backend: new SqliteResultBackend(broker.store, clock) });
    try {
      const value = await results.getResult(broker, message, {
        block: wait !== null,
        ...(wait !== null ? { timeoutMs: Math.max(0, deadline - Date.now()) } : {}),
      });
      await writeOut(io.stdout, `${JSON.stringify(value, null, 2) ?? 'null'}\n`);
      return EXIT_OK;
    } catch (err) {
      if (!isCoded(err)) throw err;
      if (err.code === 'RESULT_FAILURE') {
        io.stderr.write(withHint(err, failureHint(message, events)));
        return EXIT_FAILURE;
      }
      if (err.code === 'RESULT_MISSING' || err.code === 'RESULT_TIMEOUT') {
        // Re-read the history: a worker may have finished the message while we waited.
        const latest = wait !== null ? broker.journal.history(messageId) : events;
        io.stderr.write(withHint(err, missingHint(message, latest, virtualEnd !== null, o)));
        return EXIT_NO_RESULT;
      }
      throw err;
    }
  } finally {
    broker.close();
  }
}

/** How often `--wait` looks for a message that is not in the journal yet, ms. */
const APPEAR_POLL_MS = 100;

/**
 * The message, found in the journal; with a deadline (`--wait`), a message that is not there yet
 * (a pipeline's next step is enqueued only when the previous one finishes) is waited for.
 * @throws CliError `MESSAGE_NOT_FOUND` (at the deadline), `MESSAGE_AMBIGUOUS`.
 */
async function waitForMessage(
  broker: SqliteBroker,
  o: ResultArgs,
  deadline: number | null,
): Promise<FoundMessage> {
  for (;;) {
    try {
      return findMessage(broker, o.message, o.file);
    } catch (err) {
      const notYet = isCoded(err) && err.code === 'MESSAGE_NOT_FOUND';
      if (!notYet || deadline === null || Date.now() + APPEAR_POLL_MS > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, APPEAR_POLL_MS));
    }
  }
}

/**
 * The engine time (epoch ms) at which a virtual-clock run ended, or null for anything else
 * (contract item 3).
 */
function virtualRunEnd(file: string): number | null {
  let clock: 'virtual' | 'real';
  try {
    clock = readRun(file).clock;
  } catch (err) {
    if (isCoded(err) && err.code === 'NOT_A_RUN') return null;
    throw err;
  }
  if (clock !== 'virtual') return null;
  const b = new SqliteBroker({ file, readonly: true });
  try {
    return b.journal.lastAt();
  } finally {
    b.close();
  }
}

function withHint(err: Error, hint: string[]): string {
  const text = formatError(err, { verbose: false });
  return hint.length === 0 ? text : `${text}${hint.map((h) => `  ${h}\n`).join('')}`;
}

function who(m: Message): string {
  return `message ${m.messageId} (actor ${m.actorName}, queue ${m.queueName})`;
}

function failureHint(m: Message, events: readonly JournalEvent[]): string[] {
  const dead = events.filter((e) => e.kind === 'dead_lettered').at(-1);
  const attempts = Math.max(0, ...events.map((e) => e.attempt ?? 0));
  return [
    `${who(m)} failed for good${dead ? ` at t = ${formatT(dead.t)}` : ''} after ${attempts} attempt${attempts === 1 ? '' : 's'}; see \`rehearsal dlq list\``,
  ];
}

/** Why there is no result, as far as the journal tells (contract item 2). */
function missingHint(
  m: Message,
  events: readonly JournalEvent[],
  virtual: boolean,
  o: ResultArgs,
): string[] {
  const stored = events.filter((e) => e.kind === 'result_stored').at(-1);
  if (stored) {
    return [`a result was stored at t = ${formatT(stored.t)} but has expired (result_ttl)`];
  }
  const last = events.at(-1);
  let world = emptyWorld();
  for (const e of events) world = applyEvent(world, e);
  const live = world.messages[m.messageId];
  if (!live || live.status === 'dead') {
    return [
      `${who(m)} finished without storing a result: declare its actor with storeResults: true (store_results in a scenario) to keep results`,
    ];
  }
  if (virtual) {
    return [
      `${who(m)} had not finished when the run ended (its last event: ${last?.kind ?? 'none'})`,
    ];
  }
  return [
    `${who(m)} has not finished yet (its last event: ${last?.kind ?? 'none'})${o.waitMs === null ? '; wait for it with --wait MS' : ''}`,
  ];
}
