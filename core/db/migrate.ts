/**
 * Schema migrations, applied by `PRAGMA user_version` (Signal Desktop's scheme).
 *
 * Contract:
 * 1. Migrations are numbered and append-only; version N is the state after migration N.
 * 2. All pending migrations apply in one IMMEDIATE transaction: a failure leaves the file as it was.
 * 3. A file whose version is newer than this build knows is refused, never downgraded.
 */
import { RehearsalError } from '../errors.ts';
import { APPLICATION_ID, LATEST_SCHEMA_VERSION, MIGRATIONS } from './migrations/index.ts';
import type { Db } from './types.ts';

/**
 * Brings `db` up to the latest schema.
 * @throws RehearsalError `DB_NEWER_SCHEMA` when the file was written by a newer Rehearsal.
 */
export function migrate(db: Db, file: string): void {
  const current = assertNotNewer(db, file);
  if (current === LATEST_SCHEMA_VERSION) return;
  const apply = db.transaction(() => {
    // Re-read inside the write lock: another process may have migrated meanwhile.
    const now = db.pragma('user_version', { simple: true }) as number;
    for (const m of MIGRATIONS) {
      if (m.version <= now) continue;
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    }
    db.pragma(`application_id = ${APPLICATION_ID}`);
  });
  apply.immediate();
}

/**
 * Reads the schema version without writing anything, so a refused file stays byte-identical
 * (call it before any pragma that writes, such as `journal_mode = WAL`).
 * @returns the file's schema version.
 * @throws RehearsalError `DB_NEWER_SCHEMA` when the file was written by a newer Rehearsal.
 */
export function assertNotNewer(db: Db, file: string): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > LATEST_SCHEMA_VERSION) {
    throw new RehearsalError(
      'DB_NEWER_SCHEMA',
      `${file} has schema version ${current}, newer than this Rehearsal understands (${LATEST_SCHEMA_VERSION}); upgrade Rehearsal or use another --db file`,
      { file, version: current, supported: LATEST_SCHEMA_VERSION },
    );
  }
  return current;
}

/** The schema version of an open database. */
export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}
