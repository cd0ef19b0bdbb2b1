import type Database from 'better-sqlite3';

/** The open database handle (better-sqlite3); only core/db/ sees its type. */
export type Db = Database.Database;
