-- Snapshots of the world as the journal describes it, every N events, so that the state at any
-- event is one checkpoint plus at most N events away. Derived data: it can be dropped and rebuilt
-- from the journal at any time.
CREATE TABLE checkpoints (
  seq   INTEGER PRIMARY KEY,
  state TEXT NOT NULL
);
