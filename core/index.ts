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
export { monotonicMs, RealClock } from './clock/real-clock.ts';
export { VirtualClock, type RunOptions } from './clock/virtual-clock.ts';
export {
  ActorNotFound,
  BrokerError,
  DecodeError,
  DramatiqError,
  closest,
  didYouMean,
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
export { GroupCallbacks } from './middleware/group-callbacks.ts';
export {
  Results,
  getResult,
  resultsOf,
  type GetResultOptions,
} from './results/results-middleware.ts';
export { ResultError, ResultFailure, ResultMissing, ResultTimeout } from './results/errors.ts';
export { sqliteFileError } from './db/sqlite-errors.ts';
export { resultKey, type ResultBackend } from './results/result-backend.ts';
export { SqliteResultBackend } from './results/sqlite-result-backend.ts';
export {
  Barrier,
  BucketRateLimiter,
  ConcurrentRateLimiter,
  RateLimiter,
  WindowRateLimiter,
  type RateLimiterBackend,
} from './rate-limits/rate-limiter.ts';
export { SqliteRateLimiterBackend } from './rate-limits/sqlite-backend.ts';
export { Pipeline, pipeline, type PipelineChild } from './composition/pipeline.ts';
export { Group, group, type GroupChild } from './composition/group.ts';
export {
  InProcessRunner,
  actorArguments,
  type ActorRunner,
  type RunningAttempt,
} from './worker/runner.ts';
export { ThreadRunner, type ThreadRunnerOptions } from './worker/thread-runner.ts';
export { Worker, type WorkerOptions } from './worker/worker.ts';
export { exportJournal, exportJournalText } from './journal/export-jsonl.ts';
export {
  ScenarioSchema,
  type Scenario,
  type ScenarioActor,
  type SendEntry,
} from './sim/scenario-schema.ts';
export {
  loadScenario,
  parseScenario,
  parseScenarioText,
  ScenarioError,
  type ScenarioProblem,
} from './sim/load-scenario.ts';
export {
  runScenario,
  Simulation,
  SIM_START_MS,
  type SimulationOptions,
  type SimulationResult,
} from './sim/simulator.ts';
export {
  applyEvent,
  emptyWorld,
  queueStates,
  type MessageState,
  type MessageStatus,
  type QueueState,
  type World,
} from './journal/world-state.ts';
export { TimeTravel, CHECKPOINT_EVERY, type StateAt } from './journal/state-at.ts';
export {
  computeStats,
  erlangCMeanWait,
  formatReport,
  summarize,
  type GroupStats,
  type RunStats,
  type Summary,
} from './sim/stats.ts';
export {
  applySets,
  diffRuns,
  forkRun,
  manualChange,
  parseSet,
  readRun,
  replayRun,
  runChangeClock,
  scenarioForFork,
  type ForkSet,
  type ForkStep,
  type MessageFate,
  type ReplayResult,
  type RunDiff,
  type RunInfo,
  type RunTotals,
} from './sim/fork.ts';
export { EngineHost, type EngineHostOptions } from './host/engine-host.ts';
export type { ModuleSpec, RunMode } from './host/run-session.ts';
export {
  dispatchRequest,
  helloFrame,
  openSession,
  type DispatchSession,
  type SessionOptions,
} from './host/dispatch.ts';
export { coerceError } from './host/coerce-error.ts';
export { startServer, type RunningServer, type ServerOptions } from './host/ws-server.ts';
export { Profiler, BROKER_STEPS, type AttemptTotals } from './profile/profiler.ts';
export { SpanRecorder, type SpanTotals } from './profile/span-recorder.ts';
export {
  buildProfile,
  type ProfileDocument,
  type ProfileGroup,
  type ProfileRun,
  type ProfileStep,
  type ProfileSummary,
  type StepKind,
} from './profile/report.ts';
export { formatProfile } from './profile/format.ts';
export { drain, type DrainOptions } from './profile/drain.ts';
