import { readFileSync } from 'node:fs';

/** A numbered, append-only schema migration. */
export type Migration = { version: number; name: string; sql: string };

const files = [
  '0001-queues-and-messages.sql',
  '0002-journal.sql',
  '0003-results-and-rate-limits.sql',
  '0004-checkpoints.sql',
  '0005-drop-message-id-index.sql',
  '0006-journal-message-keys.sql',
  '0007-journal-root-buckets.sql',
  '0008-message-root.sql',
  '0009-journal-without-autoincrement.sql',
  '0010-journal-root-directory.sql',
];

/** Every migration, in order; `version` is the `PRAGMA user_version` after it. */
export const MIGRATIONS: readonly Migration[] = files.map((name, i) => ({
  version: i + 1,
  name,
  sql: readFileSync(new URL(`./${name}`, import.meta.url), 'utf8'),
}));

/** The schema version this build writes. */
export const LATEST_SCHEMA_VERSION = MIGRATIONS.length;

/** `PRAGMA application_id` of a Rehearsal database ("RHRS"). */
export const APPLICATION_ID = 0x52485253;
