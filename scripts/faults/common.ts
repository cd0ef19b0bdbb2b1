/**
 * What the experiments share: their result shape, the one-line report, progress on stderr, and a
 * read-only peek into a database file.
 */
import Database from 'better-sqlite3';
import type { Verdict } from './verify.ts';
import { describeProblems } from './verify.ts';

/** The figures of one experiment. */
export type Outcome = {
  name: string;
  messages: number;
  kills: number;
  lost: number;
  duplicated: number;
  unrecorded: number;
  durationMs: number;
  /** Anything else that went wrong (non-zero exit, stream mismatch, gap…): each fails the run. */
  failures: string[];
  /** The experiment's own figures, printed on its line. */
  details: string;
};

/** Thousands separators, as the report prints counts. */
export const fmt = (n: number): string => n.toLocaleString('en-US');

/** Progress for the person watching (stderr, so stdout holds only the report lines). */
export function progress(line: string): void {
  process.stderr.write(`  ${line}\n`);
}

/** The one report line of an experiment. */
export function reportLine(o: Outcome): string {
  return (
    `${o.name}: ${fmt(o.messages)} messages, ${fmt(o.kills)} kills, ${(o.durationMs / 1000).toFixed(1)} s, ` +
    `${fmt(o.lost)} lost, ${fmt(o.duplicated)} duplicated, ${fmt(o.unrecorded)} unrecorded` +
    (o.details ? `; ${o.details}` : '') +
    (o.failures.length > 0 ? `; FAILED: ${o.failures.join('; ')}` : '')
  );
}

/** Prints a verdict's problems (if any) to stderr and returns them as failures. */
export function verdictFailures(v: Verdict): string[] {
  const lines = describeProblems(v);
  if (lines.length > 0) process.stderr.write(`${lines.join('\n')}\n`);
  const out: string[] = [];
  for (const [category, p] of v.problems) out.push(`${p.count} × ${category}`);
  return out;
}

/** A read-only connection for peeking at a live database (in-flight counts, last seq). */
export class Peek {
  private readonly db: Database.Database;
  private readonly leasedBy: Database.Statement<[string], { n: number }>;
  private readonly pending: Database.Statement<[], { n: number }>;
  private readonly last: Database.Statement<[], { seq: number | null }>;

  constructor(file: string) {
    this.db = new Database(file, { readonly: true, fileMustExist: true });
    this.leasedBy = this.db.prepare(
      'SELECT count(*) AS n FROM messages WHERE state = 2 AND lease_owner LIKE ?',
    );
    this.pending = this.db.prepare('SELECT count(*) AS n FROM messages WHERE state < 3');
    this.last = this.db.prepare('SELECT max(seq) AS seq FROM events');
  }

  /** Messages leased by worker `index` (owner ids are `w<index>-<random>`). */
  leasedByWorker(index: number): number {
    return this.leasedBy.get(`w${index}-%`)?.n ?? 0;
  }

  /** Messages not yet acked or dead (ready, delayed or in flight). */
  pendingCount(): number {
    return this.pending.get()?.n ?? 0;
  }

  lastSeq(): number {
    return this.last.get()?.seq ?? 0;
  }

  close(): void {
    this.db.close();
  }
}

/** What a child process complained about on stderr (see child-logger.ts). */
export type Complaints = {
  /** ERROR and CRITICAL lines, and anything that is not a log line (a crash): each fails the run. */
  errors: string[];
  /** Stale deliveries the engine refused to start or record ("its lease ran out"). */
  leaseLost: number;
  /** Waits for the database's write lock that ran past the busy timeout (retried). */
  busy: number;
};

/** Sorts a child's stderr into complaints. */
export function complaints(stderr: string): Complaints {
  const out: Complaints = { errors: [], leaseLost: 0, busy: 0 };
  for (const line of stderr.split('\n')) {
    if (!line.trim()) continue;
    if (line.includes('lease ran out')) out.leaseLost++;
    else if (line.includes('stayed locked')) out.busy++;
    else if (!/^\[[^\]]+\] \[[^\]]+\] \[WARNING\]/.test(line)) out.errors.push(line);
  }
  return out;
}

/** Adds up complaints. */
export function addComplaints(a: Complaints, b: Complaints): Complaints {
  return {
    errors: [...a.errors, ...b.errors],
    leaseLost: a.leaseLost + b.leaseLost,
    busy: a.busy + b.busy,
  };
}

/** An empty tally. */
export const NO_COMPLAINTS: Complaints = { errors: [], leaseLost: 0, busy: 0 };

/** The errors of a tally as failures (at most 3 quoted). */
export function complaintFailures(c: Complaints): string[] {
  if (c.errors.length === 0) return [];
  return [
    `${c.errors.length} error lines from child processes, e.g. ${c.errors.slice(0, 3).join(' | ')}`,
  ];
}
