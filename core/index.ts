/**
 * The public surface of core for cli/, electron/, tests and user actor modules (named
 * re-exports only).
 */
export {
  actor,
  Actor,
  isActor,
  type ActorDeclaration,
  type ActorFn,
  type SendOptions,
} from './actor.ts';
export { ACTOR_OPTIONS, resolveOption, toWireOptions } from './actor-options.ts';
export { computeBackoff, MAX_BACKOFF_CAP_MS, type Backoff } from './backoff.ts';
export type {
  Broker,
  DeadLetter,
  EnqueueOptions,
  EnqueueReason,
  KnownActor,
  QueueStats,
} from './broker/broker.ts';
export { MessageProxy } from './broker/message-proxy.ts';
export {
  canonicalQueueName,
  deadLetterQueueName,
  delayQueueName,
  QUEUE_NAME_PATTERN,
} from './broker/queue-names.ts';
export {
  SqliteBroker,
  DEFAULT_DEAD_MESSAGE_TTL_MS,
  type SqliteBrokerOptions,
} from './broker/sqlite-broker.ts';
export type { Clock, Timer } from './clock/clock.ts';
export { RealClock } from './clock/real-clock.ts';
export { VirtualClock, type RunOptions } from './clock/virtual-clock.ts';
export {
  ActorNotFound,
  BrokerError,
  DecodeError,
  DramatiqError,
  errorInfo,
  errorType,
  Interrupt,
  MiddlewareError,
  QueueJoinTimeout,
  QueueNotFound,
  RateLimitExceeded,
  RehearsalError,
  Retry,
  Shutdown,
  SkipMessage,
  TimeLimitExceeded,
  type ErrorInfo,
} from './errors.ts';
export {
  EVENT_KINDS,
  toExportLine,
  toExportObject,
  type EventKind,
  type JournalEntry,
  type JournalEvent,
} from './journal/journal-event.ts';
export { Journal } from './journal/journal.ts';
export {
  MemoryLogger,
  StreamLogger,
  silentLogger,
  type Logger,
  type LogLevel,
  type LogRecord,
} from './logging.ts';
export {
  decodeMessage,
  encodeMessage,
  fromMessageData,
  toMessageData,
  type Message,
  type MessageData,
  type MessageOptions,
} from './message.ts';
export { AgeLimit } from './middleware/age-limit.ts';
export { Callbacks } from './middleware/callbacks.ts';
export { CurrentMessage } from './middleware/current-message.ts';
export {
  defaultMiddleware,
  DEFAULT_MIDDLEWARE_NAMES,
  type DefaultMiddlewareSettings,
} from './middleware/default-middleware.ts';
export {
  Middleware,
  type ProcessOutcome,
  type ThreadInfo,
  type WorkerInfo,
} from './middleware/middleware.ts';
export { Pipelines } from './middleware/pipelines.ts';
export { Retries, type RetriesOptions } from './middleware/retries.ts';
export { ShutdownNotifications } from './middleware/shutdown-notifications.ts';
export { TimeLimit } from './middleware/time-limit.ts';
export { SeededRng, SystemRng, type Rng } from './random/rng.ts';
export {
  InProcessRunner,
  actorArguments,
  type ActorRunner,
  type RunningAttempt,
} from './worker/runner.ts';
export { Worker, type WorkerOptions } from './worker/worker.ts';
