-- The roots' directory: where each message's first journal row is, by message id, without an
-- index entry per send. Migration 7's index `(seq >> 12, message_id)` put every send's UUID at a
-- random place of its bucket's index pages, ≈ 1.6 µs of a ≈ 5 µs root row (bare statements, 1000
-- sends per commit). Now a bucket of 4096 events gets its roots' entries all at once, sorted,
-- when its last event is followed by the first of the next bucket (journal statements: `insert`
-- seals bucket k when it writes seq (k + 1) × 4096), at the end of the directory. A lookup seeks
-- once per sealed bucket, as before, and scans the open bucket's at most 4096 rows.
CREATE TABLE journal_roots (
  bucket     INTEGER NOT NULL,
  message_id TEXT NOT NULL,
  seq        INTEGER NOT NULL,
  PRIMARY KEY (bucket, message_id, seq)
) WITHOUT ROWID;
INSERT INTO journal_roots (bucket, message_id, seq)
  SELECT seq >> 12, message_id, seq FROM events
  WHERE msg IS NULL AND message_id IS NOT NULL
    AND (seq >> 12) < (SELECT coalesce(max(seq), 0) >> 12 FROM events)
  ORDER BY seq >> 12, message_id, seq;
DROP INDEX IF EXISTS events_root_bucket;
