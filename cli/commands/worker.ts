/**
 * `rehearsal worker MODULE`: runs the actors of a module against the database until Ctrl+C, like
 * `dramatiq BROKER MODULE` (spec §11).
 *
 * Everything the user gave is checked (flags, queue names, the module, the database) before any
 * worker process starts, so bad input fails once, with exit code 2, and writes nothing.
 */
import { spawn } from 'node:child_process';
import type { Actor, Logger } from '../../core/index.ts';
import type { WorkerArgs } from '../checks.ts';
import { openOrCreate } from '../db.ts';
import { cliError, EXIT_FAILURE } from '../errors.ts';
import { dramatiqLogger } from '../log-format.ts';
import { loadModule } from '../load-module.ts';
import { queueArg } from '../queue-arg.ts';
import { supervise } from '../supervisor.ts';
import { version } from '../version.ts';
import { runWorkerProcess } from '../worker-process.ts';
import type { Io } from '../io.ts';

/** Runs `rehearsal worker` (spec in specs.ts, checks in checks.ts). */
export async function runWorker(o: WorkerArgs, io: Io): Promise<number> {
  const { file, threads, processes, shutdownTimeoutMs, childIndex, inProcess, verbose } = o;
  const whitelist = [...new Set(o.queues.map((q) => queueArg('--queues', q)))];
  const logger = dramatiqLogger((line) => void io.stderr.write(line), verbose ? 'DEBUG' : 'INFO');
  const moduleSpec = o.moduleSpec;

  const mod = await loadModule(moduleSpec, io.cwd);
  if (mod.actors.length === 0) {
    throw cliError(
      'NO_ACTORS',
      `${moduleSpec} exports no actors; export each one, e.g. \`export const sendEmail = actor(fn, { actorName: 'send_email' })\``,
      { module: moduleSpec },
    );
  }
  const queues = whitelist.length > 0 ? whitelist : queuesOf(mod.actors);

  if (childIndex === null) {
    // The parent (or the only process) checks the database once, before any worker starts.
    openOrCreate(file).close();
    logger.log({
      level: 'INFO',
      logger: 'dramatiq.MainProcess',
      message: `Rehearsal '${version()}' is booting up.`,
    });
    logger.log({
      level: 'INFO',
      logger: 'dramatiq.MainProcess',
      message: startupLine(mod.actors, queues, threads, processes, file, inProcess),
    });
    if (mod.middleware.length > 0) {
      logger.log({
        level: 'INFO',
        logger: 'dramatiq.MainProcess',
        message: `Middleware of ${moduleSpec}: ${mod.middleware.map((m) => m.name).join(', ')}.`,
      });
    }
    for (const q of whitelist) {
      if (!mod.actors.some((a) => a.queueName === q)) {
        logger.log({
          level: 'WARNING',
          logger: 'dramatiq.MainProcess',
          message: `No actor of ${moduleSpec} is on queue ${q}: this worker does not consume it (its messages wait for a worker that has their actors).`,
        });
      }
    }
  }

  if (childIndex === null && processes > 1) {
    const childArgs = [
      'worker',
      mod.file,
      '--db',
      file,
      '--threads',
      String(threads),
      '--worker-shutdown-timeout',
      String(shutdownTimeoutMs),
      ...whitelist.flatMap((q) => ['--queues', q]),
      ...(inProcess ? ['--in-process'] : []),
      ...(verbose ? ['--verbose'] : []),
    ];
    const done = await supervise({
      bin: io.bin,
      childArgs,
      processes,
      cwd: io.cwd,
      env: io.env,
      logger,
    });
    return done.reload ? reload(logger) : done.code;
  }

  const done = await runWorkerProcess({
    file,
    moduleFile: mod.file,
    actors: mod.actors,
    middleware: mod.middleware,
    queues,
    threads,
    index: childIndex ?? 0,
    inProcess,
    shutdownTimeoutMs,
    logger,
    child: childIndex !== null,
  });
  return done.reload ? reload(logger) : done.code;
}

/**
 * SIGHUP (spec §11): after the graceful stop, the same command starts again — the module is read
 * anew — in a process of its own that this one waits for and passes SIGTERM and SIGHUP on to
 * (Ctrl+C reaches it from the terminal directly). Resolves to its exit code.
 */
function reload(logger: Logger): Promise<number> {
  logger.log({ level: 'INFO', logger: 'dramatiq.MainProcess', message: 'Reloading worker...' });
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
  });
  const pass = (signal: NodeJS.Signals) => (): void => void child.kill(signal);
  const onTerm = pass('SIGTERM');
  const onHup = pass('SIGHUP');
  const onInt = (): void => undefined;
  process.on('SIGTERM', onTerm);
  process.on('SIGHUP', onHup);
  process.on('SIGINT', onInt);
  return new Promise((resolve) => {
    const done = (code: number): void => {
      process.off('SIGTERM', onTerm);
      process.off('SIGHUP', onHup);
      process.off('SIGINT', onInt);
      resolve(code);
    };
    child.on('exit', (code) => done(code ?? EXIT_FAILURE));
    child.on('error', (err) => {
      logger.log({
        level: 'CRITICAL',
        logger: 'dramatiq.MainProcess',
        message: `Could not restart the worker: ${err.message}`,
      });
      done(EXIT_FAILURE);
    });
  });
}

function queuesOf(actors: readonly Actor[]): string[] {
  return [...new Set(actors.map((a) => a.queueName))].sort();
}

function startupLine(
  actors: readonly Actor[],
  queues: readonly string[],
  threads: number,
  processes: number,
  file: string,
  inProcess: boolean,
): string {
  const names = actors.map((a) => `${a.actorName} (${a.queueName})`).join(', ');
  return (
    `Actors: ${names}. Queues: ${queues.join(', ')}. ` +
    `Threads: ${threads}${inProcess ? ' (in process)' : ''}. Processes: ${processes}. Database: ${file}.`
  );
}
