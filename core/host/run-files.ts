/**
 * Run databases: one file per run, side by side in the folder of the host's database.
 *
 * Contract:
 * 1. A run's id is its file name (`rehearsal.db`, `rehearsal-2.db`, `rehearsal.fork-1.db`); ids
 *    never contain a path separator, so an id from a client always stays in the folder.
 * 2. A file is "empty" when it holds no journal event, no stored scenario and no start time: only
 *    then may a new run be written into it. A new run never overwrites an existing file; it takes
 *    the next free sibling name.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { SqliteStore } from '../db/store.ts';
import { RehearsalError } from '../errors.ts';

const RUN_ID = /^[A-Za-z0-9_][A-Za-z0-9_.-]*\.db$/;

/** What a database file holds, read without writing a start time (contract item 2). */
export function probeRun(file: string): { empty: boolean; hasScenario: boolean; lastSeq: number } {
  if (!existsSync(file)) return { empty: true, hasScenario: false, lastSeq: 0 };
  const store = new SqliteStore(file);
  try {
    const lastSeq = store.journal.lastSeq();
    const hasScenario = store.messages.getMeta('scenario') !== undefined;
    const started = store.messages.getMeta('start_at') !== undefined;
    return { empty: lastSeq === 0 && !hasScenario && !started, hasScenario, lastSeq };
  } finally {
    store.close();
  }
}

/** The first free sibling of `file` named `<stem><sep><n>.db`, n = 2, 3… (contract item 2). */
export function nextRunFile(file: string, sep: '-' | '.fork-'): string {
  const dir = dirname(file);
  const stem = basename(file)
    .replace(/\.db$/, '')
    .replace(/(\.fork)?-\d+$/, '');
  for (let n = sep === '-' ? 2 : 1; ; n++) {
    const candidate = join(dir, `${stem}${sep}${n}.db`);
    if (!existsSync(candidate)) return candidate;
  }
}

/**
 * The file of run `runId` in `dir` (contract item 1).
 * @throws RehearsalError `RUN_NOT_FOUND`.
 */
export function runFile(dir: string, runId: string): string {
  const file = join(dir, runId);
  if (!RUN_ID.test(runId) || !existsSync(file))
    throw new RehearsalError(
      'RUN_NOT_FOUND',
      `no run "${runId}" next to this engine's database; list them with the \`runs\` query`,
      { runId },
    );
  return file;
}

/** The run files of `dir` with their sizes. */
export function listRuns(dir: string): { runId: string; bytes: number }[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((f) => RUN_ID.test(f));
  } catch {
    return [];
  }
  return names.sort().map((runId) => {
    let bytes = 0;
    try {
      bytes = statSync(join(dir, runId)).size;
    } catch {
      // vanished meanwhile
    }
    return { runId, bytes };
  });
}
