-- The journal: one row per state change, written in the same transaction as the change.
-- `at` is engine time (epoch ms; virtual on a simulated run), `wall` the wall time of the commit.
-- `data` holds the JSON fields (args, kwargs, options, result, error) that a kind carries.
CREATE TABLE events (
  seq       INTEGER PRIMARY KEY AUTOINCREMENT,
  at        INTEGER NOT NULL,
  wall      INTEGER NOT NULL,
  kind      TEXT NOT NULL,
  message_id TEXT,
  label     TEXT,
  actor     TEXT,
  queue     TEXT,
  attempt   INTEGER,
  parent_id TEXT,
  reason    TEXT,
  delay     INTEGER,
  worker    INTEGER,
  thread    INTEGER,
  data      TEXT
);
CREATE INDEX events_by_message ON events (message_id, seq);
