/**
 * The SQLite store: one open connection with its named statements.
 *
 * Contract:
 * 1. `write(fn)` runs `fn` in one short `BEGIN IMMEDIATE` transaction; nested calls join the outer
 *    transaction (as savepoints), so a caller can group several state changes into one commit.
 * 2. Everything outside core/db/ reaches SQLite only through this object.
 */
import { openDb, type OpenDbOptions } from './open-db.ts';
import { journalStatements, type JournalStatements } from './statements/journal.ts';
import { messageStatements, type MessageStatements } from './statements/messages.ts';
import type { Db } from './types.ts';

export class SqliteStore {
  readonly file: string;
  readonly messages: MessageStatements;
  readonly journal: JournalStatements;
  private readonly db: Db;
  private closed = false;

  /** Opens `file` (see `openDb` for the errors). */
  constructor(file: string, opts: OpenDbOptions = {}) {
    this.file = file;
    this.db = openDb(file, opts);
    this.messages = messageStatements(this.db);
    this.journal = journalStatements(this.db);
  }

  /** Runs `fn` atomically (contract item 1) and returns its value. */
  write<T>(fn: () => T): T {
    if (this.db.inTransaction) return this.db.transaction(fn)();
    return this.db.transaction(fn).immediate();
  }

  /** Runs `fn` in a read transaction (a consistent snapshot). */
  read<T>(fn: () => T): T {
    if (this.db.inTransaction) return fn();
    return this.db.transaction(fn).deferred();
  }

  /** True while a transaction is open on this connection. */
  get inTransaction(): boolean {
    return this.db.inTransaction;
  }

  /** Closes the connection (idempotent). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }

  get isOpen(): boolean {
    return !this.closed;
  }
}
