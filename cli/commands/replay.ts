/**
 * `rehearsal replay RUN`: re-runs a run from its stored scenario and seed and compares journals;
 * `--message` walks one message's history in RUN instead.
 *
 * Contract:
 * 1. The replay goes into a temporary database, removed afterwards (or into --db FILE, a new file,
 *    kept). Exit 0 when every event matches byte for byte (export lines), 1 with the first
 *    difference; RUN is never written.
 * 2. `--message ID|LABEL` re-runs nothing: each event of the message, in order, followed by the
 *    message's state after it (folded with core's `applyEvent`).
 * 3. Ctrl+C removes the replay's database and exits 130. A run stopped with Ctrl+C cannot match
 *    its replay: `RUN_INCOMPLETE` at once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  applyEvent,
  emptyWorld,
  readRun,
  replayRun,
  type JournalEvent,
  type MessageState,
  type ReplayResult,
} from '../../core/index.ts';
import type { ReplayArgs } from '../checks.ts';
import { openExisting, readableFile } from '../db.ts';
import { cliError, EXIT_FAILURE, EXIT_OK } from '../errors.ts';
import { writeOut, type Io } from '../io.ts';
import { formatT, journalColumns, journalHeader, journalLine } from '../journal-table.ts';
import { findMessage } from '../message-ref.ts';
import { EXIT_INTERRUPTED, onInterrupt, removeDbFiles, STOPPED_META } from '../run-files.ts';

/** Runs `rehearsal replay` (spec in specs.ts, checks in checks.ts). */
export async function runReplay(o: ReplayArgs, io: Io): Promise<number> {
  if (o.message !== null) return walkMessage(o.run, o.message, io);
  const run = readableFile(o.run);
  const reader = openExisting(run);
  const stoppedAt = reader.store.messages.getMeta(STOPPED_META);
  reader.close();
  if (stoppedAt !== undefined) {
    throw cliError(
      'RUN_INCOMPLETE',
      `${o.run} was stopped with Ctrl+C after ${stoppedAt} events, before its scenario ended, so a replay (which runs the scenario to its end) cannot match it`,
      { file: o.run, stoppedAt: Number(stoppedAt) },
      [
        '`rehearsal state` and `rehearsal fork` still work on it',
        'for a run that replays, run the scenario again to its end',
      ],
    );
  }
  const info = readRun(run);
  const dir = o.keep === null ? mkdtempSync(join(tmpdir(), 'rehearsal-replay-')) : null;
  const into = o.keep ?? join(dir!, 'replay.db');
  const cleanup = (): void => {
    if (dir !== null) rmSync(dir, { recursive: true, force: true });
    else removeDbFiles(into);
  };
  const off = onInterrupt(() => {
    cleanup();
    io.stderr.write('Replay stopped; nothing was kept.\n');
    process.exit(EXIT_INTERRUPTED);
  });
  if (io.stderr.isTTY) {
    io.stderr.write(`Replaying ${o.run} (${info.lastSeq} events, seed ${info.seed})...\n`);
  }
  let r: ReplayResult;
  try {
    r = await replayRun(run, into);
  } catch (err) {
    cleanup();
    throw err;
  } finally {
    off();
  }
  if (dir !== null) cleanup();
  const kept = o.keep === null ? '' : ` The replayed run is in ${o.keep}.`;
  if (r.matches) {
    await writeOut(
      io.stdout,
      `The replay of ${o.run} matches: all ${r.events} events are identical (seed ${info.seed}).${kept}\n`,
    );
    return EXIT_OK;
  }
  const d = r.firstDifference!;
  await writeOut(
    io.stdout,
    [
      `The replay of ${o.run} differs from event ${d.seq} on (stored ${r.events} events, replayed ${r.replayedEvents}).${kept}`,
      `  stored:   ${d.stored ?? '(no more events)'}`,
      `  replayed: ${d.replayed ?? '(no more events)'}`,
      '',
    ].join('\n'),
  );
  return EXIT_FAILURE;
}

/** Contract item 2. */
async function walkMessage(run: string, ref: string, io: Io): Promise<number> {
  const broker = openExisting(readableFile(run));
  let found;
  let last: number;
  try {
    found = findMessage(broker, ref, run);
    last = broker.journal.lastSeq();
  } finally {
    broker.close();
  }
  const { messageId, events } = found;
  const first = events[0]!;
  const name = first.label ? `${first.label} (${messageId})` : messageId;
  const out: string[] = [
    `History of message ${name}: actor ${first.actor ?? '?'} on queue ${first.queue ?? '?'}, ${events.length} events in ${run}`,
    '',
  ];
  const columns = journalColumns(Math.max(last, 9999), (first.actor ?? '').length);
  const width = io.stdout.columns
    ? Math.max(30, io.stdout.columns - columns.slice(0, -1).reduce((n, c) => n + c.width + 2, 0))
    : Infinity;
  out.push(journalHeader(columns));
  let world = emptyWorld();
  let lastKnown: MessageState | null = null;
  for (const e of events) {
    world = applyEvent(world, e);
    const m = world.messages[messageId];
    out.push(journalLine(columns, e, width));
    out.push(`${' '.repeat(columns[0]!.width + 2)}→ ${stateAfter(e, m ?? null, lastKnown)}`);
    if (m) lastKnown = { ...m };
  }
  await writeOut(io.stdout, `${out.join('\n')}\n`);
  return EXIT_OK;
}

/** The message's state after event `e`, in words. */
function stateAfter(e: JournalEvent, m: MessageState | null, before: MessageState | null): string {
  if (!m) {
    // Acked with no retry pending: the message is finished (the world no longer holds it).
    if (e.kind === 'acked' && before) {
      const how = before.status === 'succeeded' ? 'succeeded' : before.status;
      const result =
        'result' in before && before.result !== undefined ? `, result ${json(before.result)}` : '';
      return `finished (${how} after ${plural(before.attempt, 'attempt')}${result})`;
    }
    if (e.kind === 'purged') return 'purged (removed from the dead letters)';
    return 'not in the world (no enqueue seen)';
  }
  const retries = typeof m.options.retries === 'number' ? m.options.retries : 0;
  const extra = retries > 0 ? `, retries ${retries}` : '';
  switch (m.status) {
    case 'ready':
      return `ready on ${m.queue}${m.attempt > 0 ? ` (after ${plural(m.attempt, 'attempt')})` : ''}${extra}`;
    case 'delayed':
      return `delayed until t = ${m.etaT === null ? '?' : formatT(m.etaT)}${extra}`;
    case 'running':
      return `running, attempt ${m.attempt} on worker ${m.worker ?? '?'} thread ${m.thread ?? '?'}${extra}`;
    case 'succeeded':
      return `succeeded on attempt ${m.attempt}${'result' in m && m.result !== undefined ? `, result ${json(m.result)}` : ''}`;
    case 'failed':
      return `failed on attempt ${m.attempt}${m.error ? `: ${errorText(m)}` : ''}${extra}`;
    case 'skipped':
      return `skipped on attempt ${m.attempt}`;
    case 'dead':
      return `dead letter after ${plural(m.attempt, 'attempt')}${m.error ? `: ${errorText(m)}` : ''}`;
    default:
      return m.status;
  }
}

function errorText(m: MessageState): string {
  return m.error!.message ? `${m.error!.type}: ${m.error!.message}` : m.error!.type;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function json(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}
