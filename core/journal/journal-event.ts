/**
 * Journal events: one per state change (scenario-format.md § Journal export).
 *
 * Contract:
 * 1. Kind strings are snake_case and stable; readers ignore kinds and fields they do not know.
 * 2. In TypeScript fields are camelCase; the export (`toExportObject`) writes the spec's snake_case
 *    keys in the spec's order, leaving absent fields out.
 */
import type { ErrorInfo } from '../errors.ts';
import type { MessageOptions } from '../message.ts';

/** Every kind the engine writes. */
export const EVENT_KINDS = [
  'enqueued',
  'delayed',
  'started',
  'succeeded',
  'failed',
  'retry_scheduled',
  'dead_lettered',
  'skipped',
  'age_limited',
  'time_limited',
  'callback_enqueued',
  'pipeline_step',
  'group_completed',
  'requeued',
  'result_stored',
  'acked',
  'purged',
] as const;

export type EventKind = (typeof EVENT_KINDS)[number];

/** What a writer gives the journal (time and seq are added by it). */
export type JournalEntry = {
  kind: EventKind;
  messageId?: string | null;
  label?: string | null;
  actor?: string | null;
  queue?: string | null;
  attempt?: number | null;
  parentId?: string | null;
  reason?: string | null;
  args?: readonly unknown[];
  kwargs?: Readonly<Record<string, unknown>>;
  options?: MessageOptions;
  delay?: number | null;
  result?: unknown;
  error?: ErrorInfo;
  worker?: number | null;
  thread?: number | null;
};

/** A committed journal event. */
export type JournalEvent = JournalEntry & {
  seq: number;
  /** Engine time, epoch ms. */
  at: number;
  /** ms since the start of the run (the export's `t`). */
  t: number;
  /** Wall time of the commit, epoch ms. */
  wall: number;
};

/** The spec's key order of an exported event. */
export const EXPORT_KEYS = [
  'seq',
  't',
  'kind',
  'message_id',
  'label',
  'actor',
  'queue',
  'attempt',
  'parent_id',
  'reason',
  'args',
  'kwargs',
  'options',
  'delay',
  'result',
  'error',
  'worker',
  'thread',
] as const;

/** The exported object of an event, keys in the spec's order (contract item 2). */
export function toExportObject(e: JournalEvent): Record<string, unknown> {
  const src: Record<string, unknown> = {
    seq: e.seq,
    t: e.t,
    kind: e.kind,
    message_id: e.messageId,
    label: e.label,
    actor: e.actor,
    queue: e.queue,
    attempt: e.attempt,
    parent_id: e.parentId,
    reason: e.reason,
    args: e.args,
    kwargs: e.kwargs,
    options: e.options,
    delay: e.delay,
    result: e.result,
    error: e.error,
    worker: e.worker,
    thread: e.thread,
  };
  const out: Record<string, unknown> = {};
  for (const k of EXPORT_KEYS) {
    const v = src[k];
    if (v === undefined || (v === null && k !== 'result')) continue;
    out[k] = v;
  }
  // A null result is meaningful (a skip stores null); keep it only where a result belongs.
  if (out.result === null && e.kind !== 'succeeded' && e.kind !== 'result_stored')
    delete out.result;
  return out;
}

/** One export line (compact JSON, no newline). */
export function toExportLine(e: JournalEvent): string {
  return JSON.stringify(toExportObject(e));
}
