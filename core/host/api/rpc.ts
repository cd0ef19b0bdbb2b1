/**
 * The frames that carry the Engine API over a transport (WebSocket, Electron IPC): JSON objects,
 * validated by these schemas on both sides of `core/host/dispatch.ts`.
 *
 * Contract:
 * 1. Client → server: `request` {id, method, params}; `subscribe` {id, fromSeq, runId?};
 *    `unsubscribe` {id, subscriptionId}. `id` is chosen by the client, unique per connection.
 * 2. Server → client: `hello` {apiVersion} once per connection; `response` {id, ok, result | error}
 *    answering every client frame (a frame too broken to have an id is answered with id null);
 *    `events` {subscriptionId, events} carrying a subscription's events in seq order.
 * 3. A subscription's id is the id of its `subscribe` frame; its response's result is
 *    {subscriptionId, runId} and comes before its first `events` frame.
 * 4. Unknown frame types are a `BAD_REQUEST`; unknown keys in a frame are too (strict objects).
 */
import { z } from 'zod';
import { ApiErrorSchema } from './api-error.ts';
import { EngineEventSchema } from './events.ts';

/** A frame id: a non-negative integer or a short string. */
export const FrameIdSchema = z.union([
  z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  z.string().min(1).max(64),
]);
export type FrameId = z.infer<typeof FrameIdSchema>;

/** Calls one method. */
export const RequestFrameSchema = z.strictObject({
  type: z.literal('request'),
  id: FrameIdSchema,
  method: z.string().min(1).max(100),
  params: z.unknown().optional(),
});

/** Starts a subscription (its id is this frame's id). */
export const SubscribeFrameSchema = z.strictObject({
  type: z.literal('subscribe'),
  id: FrameIdSchema,
  fromSeq: z.number().int().nonnegative(),
  runId: z.string().min(1).max(300).optional(),
});

/** Stops a subscription. */
export const UnsubscribeFrameSchema = z.strictObject({
  type: z.literal('unsubscribe'),
  id: FrameIdSchema,
  subscriptionId: FrameIdSchema,
});

/** Anything a client sends (contract item 1). */
export const ClientFrameSchema = z.discriminatedUnion('type', [
  RequestFrameSchema,
  SubscribeFrameSchema,
  UnsubscribeFrameSchema,
]);

export type RequestFrame = z.infer<typeof RequestFrameSchema>;
export type SubscribeFrame = z.infer<typeof SubscribeFrameSchema>;
export type UnsubscribeFrame = z.infer<typeof UnsubscribeFrameSchema>;
export type ClientFrame = z.infer<typeof ClientFrameSchema>;

/** Sent once when a connection opens. */
export const HelloFrameSchema = z.object({ type: z.literal('hello'), apiVersion: z.string() });

/** A successful answer. */
export const OkResponseFrameSchema = z.object({
  type: z.literal('response'),
  id: FrameIdSchema,
  ok: z.literal(true),
  result: z.unknown(),
});

/** A failed answer (id null when the frame had no usable id). */
export const ErrorResponseFrameSchema = z.object({
  type: z.literal('response'),
  id: FrameIdSchema.nullable(),
  ok: z.literal(false),
  error: ApiErrorSchema,
});

/** The answer to a client frame. */
export const ResponseFrameSchema = z.union([OkResponseFrameSchema, ErrorResponseFrameSchema]);

/** Events of one subscription, in seq order. */
export const EventsFrameSchema = z.object({
  type: z.literal('events'),
  subscriptionId: FrameIdSchema,
  events: z.array(EngineEventSchema).min(1),
});

/** Anything a server sends (contract item 2). */
export const ServerFrameSchema = z.union([
  ResponseFrameSchema,
  EventsFrameSchema,
  HelloFrameSchema,
]);

export type HelloFrame = z.infer<typeof HelloFrameSchema>;
export type OkResponseFrame = z.infer<typeof OkResponseFrameSchema>;
export type ErrorResponseFrame = z.infer<typeof ErrorResponseFrameSchema>;
export type ResponseFrame = z.infer<typeof ResponseFrameSchema>;
export type EventsFrame = z.infer<typeof EventsFrameSchema>;
export type ServerFrame = z.infer<typeof ServerFrameSchema>;

/** The result of a successful `subscribe` frame (contract item 3). */
export const SubscribeResultSchema = z.object({
  subscriptionId: FrameIdSchema,
  runId: z.string().nullable(),
});
export type SubscribeResult = z.infer<typeof SubscribeResultSchema>;
