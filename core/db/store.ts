/**
 * The SQLite store: one open connection with its named statements.
 *
 * Contract:
 * 1. `write(fn)` runs `fn` in one short `BEGIN IMMEDIATE` transaction; nested calls join the outer
 *    transaction (as savepoints), so a caller can group several state changes into one commit.
 *    `writeJoined` nests without a savepoint; if it throws, the enclosing write rolls back whole.
 * 2. Everything outside core/db/ reaches SQLite only through this object.
 * 3. Group commit (`openGroup`): one IMMEDIATE transaction that `write(fn, { grouped: true })`
 *    calls join as savepoints until `commitGroup`. Any other write that runs while a group is
 *    open joins it too and then commits it at once, so that only grouped writes ever wait for a
 *    later commit.
 * 4. A write that finds the write lock taken announces its wait (lock-waits.ts) before waiting
 *    and every 5 ms while it waits, trying again every half ms for as long as the busy timeout;
 *    `othersWaiting()` tells the holder of a group commit to let the lock go.
 */
import { RehearsalError } from '../errors.ts';
import { busyTimeoutOf, openDb, type OpenDbOptions } from './open-db.ts';
import { LockWaits } from './lock-waits.ts';
import { isDatabaseBusy, sqliteFileError } from './sqlite-errors.ts';
import { checkpointStatements, type CheckpointStatements } from './statements/checkpoints.ts';
import { journalStatements, type JournalStatements } from './statements/journal.ts';
import { messageStatements, type MessageStatements } from './statements/messages.ts';
import { rateLimitStatements, type RateLimitStatements } from './statements/rate-limits.ts';
import { resultStatements, type ResultStatements } from './statements/results.ts';
import type Database from 'better-sqlite3';
import type { Db } from './types.ts';

/** The error an outer write fails with when a nested write failed and someone caught it. */
function abortedBy(cause: unknown, file: string): RehearsalError {
  const why = cause instanceof Error ? cause.message : String(cause);
  return new RehearsalError(
    'WRITE_ABORTED',
    `a change to ${file} was rolled back as a whole because part of it failed: ${why}`,
    { file },
  );
}

/** How long a writer waiting for the lock sleeps between tries, ms (see `begin`). */
const LOCK_POLL_MS = 0.5;
/** A waiting writer announces its wait again after this many tries (≈ 5 ms). */
const LOCK_ANNOUNCE_EVERY = 10;
/** What `Atomics.wait` sleeps on: nobody ever wakes it, so it sleeps its timeout. */
const LOCK_SLEEP = new Int32Array(new SharedArrayBuffer(4));

export class SqliteStore {
  readonly file: string;
  readonly messages: MessageStatements;
  readonly journal: JournalStatements;
  readonly results: ResultStatements;
  readonly rateLimits: RateLimitStatements;
  readonly checkpoints: CheckpointStatements;
  private readonly db: Db;
  private closed = false;
  private readonly tx: {
    begin: Database.Statement;
    commit: Database.Statement;
    rollback: Database.Statement;
    savepoint: Database.Statement;
    release: Database.Statement;
    rollbackTo: Database.Statement;
  };
  /** Sets the busy timeout back after `tryBegin` (a prepared PRAGMA acts when it is prepared). */
  private readonly restoreBusyTimeout: string;
  /** How many times `begin` tries again for the lock before it gives up (the busy timeout). */
  private readonly lockPolls: number;
  /** Announcements of lock waits on a file (null for `:memory:` and read-only stores). */
  private readonly waits: LockWaits | null;
  private held = false;
  /** An open group commit (contract item 3): grouped writes it holds so far. */
  private group: { writes: number; commitAfter: boolean } | null = null;
  /** Nesting of `write` calls now running (0: none). */
  private depth = 0;
  /** The error of a nested write that failed inside the running outer write (see joinWrite). */
  private doomed: unknown = null;
  private readonly rollbackListeners = new Set<() => void>();

  /** Opens `file` (see `openDb` for the errors). */
  constructor(file: string, opts: OpenDbOptions = {}) {
    this.file = file;
    this.db = openDb(file, opts);
    this.messages = messageStatements(this.db);
    this.journal = journalStatements(this.db);
    this.tx = {
      begin: this.db.prepare('BEGIN IMMEDIATE'),
      commit: this.db.prepare('COMMIT'),
      rollback: this.db.prepare('ROLLBACK'),
      savepoint: this.db.prepare('SAVEPOINT rehearsal_write'),
      release: this.db.prepare('RELEASE rehearsal_write'),
      rollbackTo: this.db.prepare('ROLLBACK TO rehearsal_write'),
    };
    this.restoreBusyTimeout = `PRAGMA busy_timeout = ${busyTimeoutOf(opts)}`;
    this.lockPolls = Math.ceil(busyTimeoutOf(opts) / LOCK_POLL_MS);
    this.waits = file === ':memory:' || opts.readonly ? null : new LockWaits(`${file}-wait`);
    this.results = resultStatements(this.db);
    this.rateLimits = rateLimitStatements(this.db);
    this.checkpoints = checkpointStatements(this.db);
  }

  /**
   * Runs `fn` atomically (contract item 1) and returns its value. `grouped`: when a group commit
   * is open, leave the commit to `commitGroup` (contract item 3).
   */
  write<T>(fn: () => T, opts?: { grouped?: boolean }): T {
    if (this.group === null || this.depth > 0) return this.writeNow(fn);
    if (opts?.grouped === true) this.group.writes++;
    else this.group.commitAfter = true;
    try {
      return this.writeNow(fn);
    } finally {
      if (this.group?.commitAfter) this.commitGroup();
    }
  }

  private writeNow<T>(fn: () => T): T {
    // Hand-rolled instead of `db.transaction(fn)`: building that wrapper on every call costs more
    // than the statements it wraps. The outermost write is its own transaction (or a savepoint
    // inside a held group commit); a nested one is a savepoint.
    const outer = this.depth === 0;
    const savepoint = !outer || this.db.inTransaction;
    const doomedBefore = this.doomed;
    if (savepoint) this.tx.savepoint.run();
    else this.begin();
    this.depth++;
    try {
      const result = fn();
      if (outer && this.doomed !== null) throw abortedBy(this.doomed, this.file);
      (savepoint ? this.tx.release : this.tx.commit).run();
      return result;
    } catch (err) {
      if (this.db.inTransaction) {
        if (savepoint) {
          this.tx.rollbackTo.run();
          this.tx.release.run();
        } else this.tx.rollback.run();
      }
      // What failed inside this savepoint is undone with it.
      this.doomed = outer ? null : doomedBefore;
      for (const l of this.rollbackListeners) l();
      // A full disk, a read-only or damaged file: a coded error naming the file (sqlite-errors.ts).
      throw (outer && sqliteFileError(err, this.file)) || err;
    } finally {
      this.depth--;
    }
  }

  /**
   * `write` for the engine's own hot paths (claim, start, ack): nested in another write it joins
   * it without a savepoint (two statements saved per call). If it throws, the enclosing write is
   * doomed: it rolls back even when a caller in between catches the error, so a failed change
   * never leaves half its rows.
   */
  writeJoined<T>(fn: () => T): T {
    if (this.depth === 0) return this.write(fn);
    this.depth++;
    try {
      return fn();
    } catch (err) {
      this.doomed ??= err;
      throw err;
    } finally {
      this.depth--;
    }
  }

  /** Calls `listener` after every failed `write` (its transaction or savepoint rolled back). */
  onRollback(listener: () => void): () => void {
    this.rollbackListeners.add(listener);
    return () => this.rollbackListeners.delete(listener);
  }

  /**
   * Opens a group commit (contract item 3) without waiting: `'open'` when a group is open now,
   * `'busy'` when another connection holds the write lock at this moment (someone else wants to
   * write: no group), `'unavailable'` when a transaction is already open here (a held
   * simulation, or a write in progress) or the store is closed.
   */
  openGroup(): 'open' | 'busy' | 'unavailable' {
    if (this.group !== null) return 'open';
    if (this.closed || this.db.inTransaction) return 'unavailable';
    if (!this.tryBegin()) return 'busy';
    this.group = { writes: 0, commitAfter: false };
    return 'open';
  }

  /** Whether another connection on this file announced that it waits for the write lock. */
  othersWaiting(): boolean {
    return this.waits?.othersWaiting() ?? false;
  }

  /**
   * BEGIN IMMEDIATE without waiting; false when another connection holds the write lock (or,
   * with `throwIfBusy`, SQLite's own SQLITE_BUSY error).
   */
  private tryBegin(throwIfBusy = false): boolean {
    this.db.exec('PRAGMA busy_timeout = 0');
    try {
      this.tx.begin.run();
      return true;
    } catch (err) {
      if (!throwIfBusy && isDatabaseBusy(err)) return false;
      throw err;
    } finally {
      this.db.exec(this.restoreBusyTimeout);
    }
  }

  /**
   * BEGIN IMMEDIATE, announcing the wait when the lock is taken (see lock-waits.ts). SQLite's
   * own busy handler sleeps 1, 2, 5 … 100 ms between tries, and a worker that takes the lock
   * again a fraction of a ms after letting it go wins nearly every one of them (a send waited
   * over a second behind a worker draining a backlog). So the wait polls every half ms, for as
   * long as the busy timeout, and announces itself again every 5 ms, until the lock is free.
   */
  private begin(): void {
    if (this.waits === null) {
      this.tx.begin.run();
      return;
    }
    if (this.tryBegin()) return;
    for (let i = 0; i < this.lockPolls; i++) {
      if (i % LOCK_ANNOUNCE_EVERY === 0) this.waits.announce();
      Atomics.wait(LOCK_SLEEP, 0, 0, LOCK_POLL_MS);
      if (this.tryBegin()) return;
    }
    this.tryBegin(true);
  }

  /** True while a group commit is open. */
  get grouped(): boolean {
    return this.group !== null;
  }

  /**
   * Commits an open group (no-op otherwise) and returns how many grouped writes it held; called
   * inside a write, it commits when the outermost write ends (and returns 0). If the commit
   * fails, everything the group held is rolled back (the rollback listeners run) and the coded
   * error naming the file is thrown.
   */
  commitGroup(): number {
    const group = this.group;
    if (group === null) return 0;
    if (this.depth > 0) {
      // Inside a write (a savepoint of the group): commit once the outermost write is done.
      group.commitAfter = true;
      return 0;
    }
    this.group = null;
    if (!this.db.inTransaction) return group.writes;
    try {
      this.tx.commit.run();
    } catch (err) {
      if (this.db.inTransaction) this.tx.rollback.run();
      for (const l of this.rollbackListeners) l();
      throw sqliteFileError(err, this.file) || err;
    }
    return group.writes;
  }

  /** Runs `fn` in a read transaction (a consistent snapshot). */
  read<T>(fn: () => T): T {
    if (this.db.inTransaction) return fn();
    return this.db.transaction(fn).deferred();
  }

  /**
   * Group commit for a single-writer run (a virtual-time simulation): opens one long IMMEDIATE
   * transaction that every `write` joins as a savepoint, until `commitHeld` or `releaseWrites`.
   * Other processes cannot write meanwhile, so only use it where this connection is the only
   * writer.
   */
  holdWrites(): void {
    if (this.held) return;
    this.commitGroup();
    // Measured: a held run's savepoints are ≈ 6 % faster with their undo pages in a temporary
    // file (the OS caches it) than in memory, where a worker's group commit is ≈ 20 % faster.
    this.db.exec('PRAGMA temp_store = FILE');
    this.db.exec('BEGIN IMMEDIATE');
    this.held = true;
  }

  /** Commits what a held transaction wrote so far and keeps holding. */
  commitHeld(): void {
    if (!this.held) return;
    this.db.exec('COMMIT');
    this.db.exec('BEGIN IMMEDIATE');
  }

  /** Commits and stops holding. */
  releaseWrites(): void {
    if (!this.held) return;
    this.held = false;
    if (this.db.inTransaction) this.db.exec('COMMIT');
    this.db.exec('PRAGMA temp_store = MEMORY');
  }

  /** True while a transaction is open on this connection. */
  get inTransaction(): boolean {
    return this.db.inTransaction;
  }

  /** Closes the connection (idempotent). */
  close(): void {
    if (this.closed) return;
    this.commitGroup();
    this.releaseWrites();
    this.closed = true;
    this.db.close();
    this.waits?.close();
  }

  get isOpen(): boolean {
    return !this.closed;
  }
}
