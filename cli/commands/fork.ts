/**
 * `rehearsal fork RUN --at SEQ --set PATH=VALUE ...`: a what-if run (core's `forkRun`) that
 * shares RUN's history up to SEQ and diverges after it.
 *
 * Contract:
 * 1. Everything is checked before the fork's database is created: RUN is a run on the virtual
 *    clock, SEQ is in its journal, every --set names a path that can change and a value of the
 *    right type. Bad input is a coded error and writes nothing. When RUN is itself a fork, the new
 *    fork keeps RUN's changes made at or before SEQ (they are part of the shared history).
 * 2. The fork goes into a new file (checks.ts); when it fails, or on Ctrl+C, that file is removed.
 */
import {
  applySets,
  forkRun,
  parseSet,
  readRun,
  scenarioForFork,
  type ForkSet,
  type RunInfo,
} from '../../core/index.ts';
import type { ForkArgs } from '../checks.ts';
import { openExisting, readableFile } from '../db.ts';
import { cliError, EXIT_OK, isCoded } from '../errors.ts';
import { writeOut, type Io } from '../io.ts';
import { EXIT_INTERRUPTED, onInterrupt, removeDbFiles } from '../run-files.ts';
import { shellWord } from '../shell-word.ts';

/** Runs `rehearsal fork` (spec in specs.ts, checks in checks.ts). */
export async function runFork(o: ForkArgs, io: Io): Promise<number> {
  const run = readableFile(o.run);
  openExisting(run).close();
  const info = readRun(run);
  const sets = checkFork(o, info);

  const off = onInterrupt(() => {
    removeDbFiles(o.out);
    io.stderr.write('Fork stopped; nothing was kept.\n');
    process.exit(EXIT_INTERRUPTED);
  });
  if (io.stderr.isTTY) {
    io.stderr.write(`Forking ${o.run} at event ${o.at} (re-running ${info.lastSeq} events)...\n`);
  }
  let r: { sharedEvents: number; events: number };
  try {
    r = await forkRun(run, { atSeq: o.at, sets, intoDb: o.out });
  } catch (err) {
    removeDbFiles(o.out);
    throw err;
  } finally {
    off();
  }
  const changes = sets.map((s) => `${s.path}=${JSON.stringify(s.value)}`).join(', ');
  const kept = (info.forkOf?.chain ?? []).filter((step) => step.atSeq <= o.at);
  await writeOut(
    io.stdout,
    [
      `Forked ${o.run} at event ${o.at} into ${o.out}: events 1..${r.sharedEvents} are shared, then ${changes}; ${r.events} events in all.`,
      ...(kept.length > 0
        ? [
            `Kept from ${o.run}'s own history: ${kept.map((step) => `${step.sets.join(', ')} after event ${step.atSeq}`).join('; ')}.`,
          ]
        : []),
      '',
      `Compare: rehearsal diff ${shellWord(o.run)} ${shellWord(o.out)}`,
      '',
    ].join('\n'),
  );
  return EXIT_OK;
}

/**
 * Contract item 1, with messages that name the flags (core checks the same again).
 * @throws CliError `FORK_REAL_CLOCK`, `SEQ_OUT_OF_RANGE`, `FORK_SET_INVALID`,
 *   `FORK_PATH_UNKNOWN`, `FORK_VALUE_INVALID`.
 */
function checkFork(o: ForkArgs, info: RunInfo): ForkSet[] {
  if (info.clock === 'real') {
    throw cliError(
      'FORK_REAL_CLOCK',
      `${o.run} ran on the real clock, whose timing cannot be reproduced, so its history cannot be shared; forks work on virtual-clock runs`,
      { file: o.run },
      [`run the scenario again with --clock virtual, then fork that run`],
    );
  }
  if (o.at > info.lastSeq) {
    throw cliError(
      'SEQ_OUT_OF_RANGE',
      `--at ${o.at} is past the end of ${o.run}, whose journal has events 1..${info.lastSeq}`,
      { seq: o.at, last: info.lastSeq, file: o.run },
      [
        `fork at an event that happened, e.g. --at ${Math.min(info.lastSeq, Math.max(1, o.at >> 1))}`,
      ],
    );
  }
  const sets = o.sets.map((text) => parseSet(text));
  try {
    applySets(scenarioForFork(info, o.at), sets);
  } catch (err) {
    if (isCoded(err) && err.code === 'SCENARIO_INVALID') {
      const problems = (err.details.problems ?? []) as { path: string; message: string }[];
      throw cliError(
        'FORK_VALUE_INVALID',
        `--set ${o.sets.join(' --set ')} does not give a valid scenario:`,
        { sets: o.sets, problems },
        problems.map((p) => `${p.path || '(top level)'}: ${p.message}`),
      );
    }
    throw err;
  }
  return sets;
}
