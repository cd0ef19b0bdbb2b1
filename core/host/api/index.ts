/**
 * The Engine API: the contract between the engine and any UI. Pure (imports only zod), so it
 * runs in Node, Electron and the browser alike.
 */
export {
  ApiErrorCode,
  ApiErrorSchema,
  badRequest,
  EngineApiError,
  formatPath,
  zodProblems,
  type ApiError,
  type ApiProblem,
} from './api-error.ts';
export {
  createEngineClient,
  type ClientTimer,
  type EngineClient,
  type EngineClientOptions,
  type Transport,
  type TransportStatus,
} from './client.ts';
export type { EngineApi, ParamsArg, SubscribeOptions } from './engine-api.ts';
export {
  EngineEventSchema,
  ErrorInfoSchema,
  isRunChanged,
  JOURNAL_EVENT_KINDS,
  JournalEventSchema,
  RunChangedEventSchema,
  type EngineEvent,
  type JournalEventKind,
  type JournalEventWire,
  type RunChangedEvent,
} from './events.ts';
export {
  ActorInfoSchema,
  ClockStateSchema,
  GroupChildSchema,
  InfoSchema,
  isMethodName,
  MessageStateSchema,
  MessageStatusSchema,
  MessageSummarySchema,
  METHOD_NAMES,
  methods,
  parseParams,
  parseResult,
  QueueCountsSchema,
  StepSchema,
  WorkerStateSchema,
  type MethodName,
  type MethodResult,
  type MethodSpec,
  type ParamsIn,
  type ParamsOut,
} from './methods.ts';
export {
  ClientFrameSchema,
  ErrorResponseFrameSchema,
  EventsFrameSchema,
  FrameIdSchema,
  HelloFrameSchema,
  OkResponseFrameSchema,
  RequestFrameSchema,
  ResponseFrameSchema,
  ServerFrameSchema,
  SubscribeFrameSchema,
  SubscribeResultSchema,
  UnsubscribeFrameSchema,
  type ClientFrame,
  type ErrorResponseFrame,
  type EventsFrame,
  type FrameId,
  type HelloFrame,
  type OkResponseFrame,
  type RequestFrame,
  type ResponseFrame,
  type ServerFrame,
  type SubscribeFrame,
  type SubscribeResult,
  type UnsubscribeFrame,
} from './rpc.ts';
export { API_VERSION, apiMajor } from './version.ts';
