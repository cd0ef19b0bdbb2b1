/**
 * The events of the Engine API stream: journal events plus one control event.
 *
 * Contract:
 * 1. A journal event carries the fields of the journal export (scenario-format.md § Journal
 *    export) spelled in camelCase, exactly as core's `JournalEvent` (`message_id` → `messageId`,
 *    `parent_id` → `parentId`; the rest are one word), plus `at` (engine epoch ms) and `wall` (wall
 *    epoch ms of the commit). camelCase because the whole API and its TypeScript readers are
 *    camelCase; the snake_case export is `toExportObject` in core, one mechanical rename away.
 *    Absent fields are left out, never null.
 * 2. Every event carries `seq`; journal events have seq 1, 2, 3… of their run, so a client that
 *    reconnects asks for the events after the last seq it saw and misses nothing.
 * 3. `run_changed` (seq 0) says the stream now follows another run (a scenario was loaded, a run
 *    opened): drop what you derived from earlier events; the new run's events follow from seq 1.
 * 4. Kinds and fields may be added (a minor API version): readers ignore what they do not know, so
 *    `kind` is any string and objects keep unknown keys.
 */
import { z } from 'zod';

/** The journal kinds the engine writes today (core's `EVENT_KINDS`, checked by a test). */
export const JOURNAL_EVENT_KINDS = [
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

/** A journal kind the engine writes today. */
export type JournalEventKind = (typeof JOURNAL_EVENT_KINDS)[number];

/** `{type, message}` of an error as the journal records it (the Python exception name). */
export const ErrorInfoSchema = z.looseObject({ type: z.string(), message: z.string() });

/** One journal event (contract items 1, 2, 4). */
export const JournalEventSchema = z.looseObject({
  seq: z.number().int().positive(),
  /** Engine time, epoch ms (virtual on a simulated run). */
  at: z.number(),
  /** ms since the start of the run (the export's `t`). */
  t: z.number(),
  /** Wall time of the commit, epoch ms. */
  wall: z.number(),
  kind: z.string().min(1),
  messageId: z.string().optional(),
  label: z.string().optional(),
  actor: z.string().optional(),
  queue: z.string().optional(),
  attempt: z.number().int().optional(),
  parentId: z.string().optional(),
  reason: z.string().optional(),
  args: z.array(z.unknown()).optional(),
  kwargs: z.record(z.string(), z.unknown()).optional(),
  options: z.record(z.string(), z.unknown()).optional(),
  delay: z.number().optional(),
  result: z.unknown().optional(),
  error: ErrorInfoSchema.optional(),
  worker: z.number().int().optional(),
  thread: z.number().int().optional(),
});

/** One journal event on the wire. */
export type JournalEventWire = z.infer<typeof JournalEventSchema>;

/** The stream now follows run `runId` (contract item 3). */
export const RunChangedEventSchema = z.object({
  seq: z.literal(0),
  kind: z.literal('run_changed'),
  runId: z.string(),
});

export type RunChangedEvent = z.infer<typeof RunChangedEventSchema>;

/**
 * Anything `subscribe` delivers. Journal events first: a union returns its first match, and
 * trying `run_changed` first would build a failure for every journal event of a live stream (4×
 * slower validation in the client; `run_changed`, seq 0, never passes the journal schema).
 */
export const EngineEventSchema = z.union([JournalEventSchema, RunChangedEventSchema]);

/** Anything `subscribe` delivers. */
export type EngineEvent = RunChangedEvent | JournalEventWire;

/** True for the `run_changed` control event. */
export function isRunChanged(e: EngineEvent): e is RunChangedEvent {
  return e.kind === 'run_changed' && e.seq === 0;
}
