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

/** What the run list shows of a run: its scenario's title, events, and what it forked from. */
export type RunDescription = {
  events: number;
  title: string | null;
  forkOf: { run: string; atSeq: number; sets: string[] } | null;
};

/**
 * Describes a run file, read-only (nothing written, not even a migration); null when the file
 * cannot be read as a Rehearsal database (another program's file, a damaged one, a newer schema).
 */
export function describeRun(file: string): RunDescription | null {
  let store: SqliteStore | null = null;
  try {
    store = new SqliteStore(file, { readonly: true });
    const scenario = parseJson(store.messages.getMeta('scenario'));
    const fork = parseJson(store.messages.getMeta('fork_of'));
    const title = typeof scenario?.name === 'string' && scenario.name !== '' ? scenario.name : null;
    return {
      events: store.journal.lastSeq(),
      title,
      forkOf:
        fork && typeof fork.run === 'string' && typeof fork.atSeq === 'number'
          ? {
              run: basename(fork.run),
              atSeq: fork.atSeq,
              sets: Array.isArray(fork.sets) ? fork.sets.map(String) : [],
            }
          : null,
    };
  } catch {
    return null;
  } finally {
    store?.close();
  }
}

function parseJson(text: string | undefined): Record<string, unknown> | null {
  if (text === undefined) return null;
  try {
    const v: unknown = JSON.parse(text);
    return v !== null && typeof v === 'object' ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
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
