/**
 * `rehearsal state --at SEQ`: the world right after one journal event (core's `TimeTravel`):
 * queue counts, live messages, busy worker slots and running totals.
 *
 * Contract:
 * 1. SEQ 0 is the empty world before the first event; a SEQ beyond the journal is
 *    `SEQ_OUT_OF_RANGE` naming the last seq.
 * 2. Works on any Rehearsal database; for a run (or a fork) the worker slots are counted from its
 *    scenario (after the fork's changes when SEQ is past the fork point).
 * 3. Reads the journal only; TimeTravel may add derived checkpoints (they never change history).
 */
import {
  applySets,
  parseSet,
  readRun,
  TimeTravel,
  toExportObject,
  type MessageState,
  type StateAt,
} from '../../core/index.ts';
import type { StateArgs } from '../checks.ts';
import { openExisting, readableFile } from '../db.ts';
import { cliError, EXIT_OK, isCoded } from '../errors.ts';
import { writeOut, type Io } from '../io.ts';
import { formatT } from '../journal-table.ts';
import { shellWord } from '../shell-word.ts';
import { formatTable, truncate } from '../table.ts';

/** Runs `rehearsal state` (spec in specs.ts, checks in checks.ts). */
export async function runState(o: StateArgs, io: Io): Promise<number> {
  const file = readableFile(o.file);
  const broker = openExisting(file);
  let state: StateAt;
  let event: ReturnType<typeof toExportObject> | null;
  let last: number;
  try {
    last = broker.journal.lastSeq();
    if (o.at > last) {
      throw cliError(
        'SEQ_OUT_OF_RANGE',
        last === 0
          ? `--at ${o.at}: the journal of ${o.file} has no events yet`
          : `--at ${o.at} is past the end of ${o.file}, whose journal has events 1..${last}`,
        { seq: o.at, last, file: o.file },
        last === 0
          ? []
          : [`the last event: rehearsal state --at ${last} --db ${shellWord(o.file)}`],
      );
    }
    state = new TimeTravel(broker.store, broker.journal).stateAt(o.at);
    const e = o.at > 0 ? broker.journal.page(o.at - 1, 1)[0] : undefined;
    event = e ? toExportObject(e) : null;
  } finally {
    broker.close();
  }
  const slots = workerSlots(file, o.at);
  if (o.json) {
    const out = {
      ...state,
      lastSeq: last,
      event,
      workerSlots: slots?.map(([worker, threads]) => ({ worker, threads })) ?? null,
    };
    await writeOut(io.stdout, `${JSON.stringify(out, null, 2)}\n`);
    return EXIT_OK;
  }
  await writeOut(io.stdout, stateText(o, state, last, event, slots));
  return EXIT_OK;
}

/**
 * Worker slots of a run at `seq`: `[index, threads]` per worker process, or null for a database
 * that is not a run (contract item 2).
 */
function workerSlots(file: string, seq: number): [number, number][] | null {
  let info;
  try {
    info = readRun(file);
  } catch (err) {
    if (isCoded(err) && err.code === 'NOT_A_RUN') return null;
    throw err;
  }
  let scenario = info.scenario;
  // A fork's changes took effect right after their events (a fork of a fork has several).
  for (const step of info.forkOf?.chain ?? []) {
    if (seq > step.atSeq) scenario = applySets(scenario, step.sets.map(parseSet));
  }
  const out: [number, number][] = [];
  let index = 0;
  for (const w of scenario.workers)
    for (let p = 0; p < w.processes; p++) out.push([index++, w.threads]);
  return out;
}

const STATUS_ORDER = ['running', 'ready', 'delayed', 'failed', 'succeeded', 'skipped', 'dead'];

function stateText(
  o: StateArgs,
  s: StateAt,
  last: number,
  event: Record<string, unknown> | null,
  slots: [number, number][] | null,
): string {
  const lines: string[] = [];
  if (o.at === 0) lines.push(`Before the first event of ${o.file} (${last} events in all)`);
  else {
    const who = event ? `${String(event.label ?? String(event.message_id ?? '').slice(0, 8))}` : '';
    const actor = event?.actor ? ` (${String(event.actor)})` : '';
    lines.push(
      `After event ${o.at} of ${last} in ${o.file}, t = ${formatT(s.t)}: ${String(event?.kind ?? '')} ${who}${actor}`.trimEnd(),
    );
  }

  lines.push('', 'Queues:');
  if (s.queues.length === 0) lines.push('  (no messages yet)');
  else {
    lines.push(
      indent(
        formatTable(
          [
            { header: 'QUEUE' },
            { header: 'READY', right: true },
            { header: 'DELAYED', right: true },
            { header: 'IN FLIGHT', right: true },
            { header: 'DEAD', right: true },
          ],
          s.queues.map((q) => [
            q.queue,
            String(q.ready),
            String(q.delayed),
            String(q.inFlight),
            String(q.dead),
          ]),
        ),
      ),
    );
  }

  const live = Object.values(s.messages).sort(
    (a, b) =>
      STATUS_ORDER.indexOf(a.status) - STATUS_ORDER.indexOf(b.status) ||
      a.enqueuedT - b.enqueuedT ||
      a.messageId.localeCompare(b.messageId),
  );
  lines.push('', `Live messages: ${live.length}`);
  if (live.length > 0) {
    const shown = live.slice(0, o.limit);
    lines.push(
      indent(
        formatTable(
          [
            { header: 'MESSAGE' },
            { header: 'ACTOR' },
            { header: 'QUEUE' },
            { header: 'STATUS' },
            { header: 'ATT', right: true },
            { header: 'SINCE', right: true },
            { header: 'DETAIL' },
          ],
          shown.map((m) => [
            m.label ?? m.messageId.slice(0, 8),
            m.actor,
            m.queue,
            m.status,
            String(m.attempt),
            formatT(m.updatedT),
            truncate(detail(m, s.t), 60),
          ]),
        ),
      ),
    );
    if (live.length > shown.length) {
      lines.push(
        `  … and ${live.length - shown.length} more (--limit N to see more, --json for all)`,
      );
    }
  }

  const busy = Object.entries(s.slots).sort(([a], [b]) => slotOrder(a) - slotOrder(b));
  const total = slots ? slots.reduce((n, [, t]) => n + t, 0) : null;
  lines.push(
    '',
    `Worker slots: ${busy.length}${total !== null ? ` of ${total}` : ''} busy${total !== null && slots!.length > 1 ? ` (${slots!.length} worker processes)` : ''}`,
  );
  for (const [slot, id] of busy) {
    const m = s.messages[id];
    lines.push(
      `  ${slot.padEnd(6)} ${m ? `${m.label ?? id.slice(0, 8)} (${m.actor}, attempt ${m.attempt})` : id.slice(0, 8)}`,
    );
  }

  const t = s.totals;
  lines.push(
    '',
    `Totals so far: ${t.enqueued} enqueued, ${t.started} started, ${t.succeeded} succeeded, ${t.failed} failed, ` +
      `${t.retries} retries, ${t.deadLettered} dead-lettered, ${t.skipped} skipped, ${t.finished} finished`,
  );
  return `${lines.join('\n')}\n`;
}

/** `3:1` → a number that sorts by worker then thread. */
function slotOrder(key: string): number {
  const [w, t] = key.split(':').map(Number);
  return (w ?? 0) * 1_000_000 + (t ?? 0);
}

function indent(table: string): string {
  return table
    .trimEnd()
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}

/** What matters about a live message now: its eta, error or result. */
function detail(m: MessageState, now: number): string {
  const parts: string[] = [];
  if (m.status === 'delayed' && m.etaT !== null) {
    parts.push(m.etaT > now ? `due at ${formatT(m.etaT)}` : `due since ${formatT(m.etaT)}`);
  }
  if (m.status === 'running' && m.worker !== null) parts.push(`on ${m.worker}:${m.thread ?? '?'}`);
  const retries = m.options.retries;
  if (typeof retries === 'number' && retries > 0) parts.push(`retries=${retries}`);
  if (m.error) parts.push(m.error.message ? `${m.error.type}: ${m.error.message}` : m.error.type);
  else if (m.status === 'succeeded' && 'result' in m) parts.push(`result=${json(m.result)}`);
  return parts.join(' ');
}

function json(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}
