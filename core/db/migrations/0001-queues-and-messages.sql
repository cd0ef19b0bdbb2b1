-- Queues and messages. A message row is one delivery unit on one canonical queue.
-- state: 0 ready, 1 delayed (becomes claimable when ready_at <= now), 2 in flight (leased), 3 dead.
-- FIFO order within a queue is (ready_at, id): a delayed message joins the back of its queue
-- when it becomes due, as Dramatiq's re-enqueue of a released delayed message does.
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE queues (
  name        TEXT PRIMARY KEY,
  paused      INTEGER NOT NULL DEFAULT 0,
  declared_at INTEGER NOT NULL
) WITHOUT ROWID;

-- Actors declared by any worker on this file, so that tools (CLI enqueue, the UI) know their
-- queue and options without loading the user's module.
CREATE TABLE actors (
  name        TEXT PRIMARY KEY,
  queue       TEXT NOT NULL,
  priority    INTEGER NOT NULL DEFAULT 0,
  options     TEXT NOT NULL,
  declared_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE messages (
  id          INTEGER PRIMARY KEY,
  message_id  TEXT NOT NULL,
  queue       TEXT NOT NULL,
  actor       TEXT NOT NULL,
  state       INTEGER NOT NULL,
  ready_at    INTEGER NOT NULL,
  body        TEXT NOT NULL,
  label       TEXT,
  attempts    INTEGER NOT NULL DEFAULT 0,
  lease_owner TEXT,
  lease_until INTEGER,
  enqueued_at INTEGER NOT NULL,
  dead_at     INTEGER
);
CREATE INDEX messages_claimable ON messages (queue, ready_at, id) WHERE state < 2;
CREATE INDEX messages_leased ON messages (lease_until) WHERE state = 2;
CREATE INDEX messages_dead ON messages (queue, dead_at) WHERE state = 3;
CREATE INDEX messages_by_message_id ON messages (message_id);
