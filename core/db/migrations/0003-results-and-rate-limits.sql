-- Results of actors (the Results middleware's SQLite backend) and the counters of rate limiters
-- and barriers. Both live in the same database file as the queues, so they are shared by every
-- process on that file and commit atomically with the message state changes.
CREATE TABLE results (
  key        TEXT PRIMARY KEY,
  message_id TEXT NOT NULL,
  value      TEXT NOT NULL,
  expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX results_by_message ON results (message_id);
CREATE INDEX results_expiry ON results (expires_at);

CREATE TABLE rate_limits (
  key        TEXT PRIMARY KEY,
  value      INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
) WITHOUT ROWID;
