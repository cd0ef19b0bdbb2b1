-- Journal rows found by message without a random-UUID index entry per row. The first row of a
-- message id (its "root", normally `enqueued`) keeps `msg` NULL and is indexed by the UUID; every
-- later row of that message stores the root's seq in `msg`, indexed by integer. Rows of messages
-- in flight together have close roots, so a commit touches a few index pages instead of one
-- random page per row. (Rows written before this migration are all roots: still found.)
ALTER TABLE events ADD COLUMN msg INTEGER;
DROP INDEX IF EXISTS events_by_message;
CREATE INDEX events_root ON events (message_id) WHERE msg IS NULL AND message_id IS NOT NULL;
CREATE INDEX events_by_root ON events (msg, seq) WHERE msg IS NOT NULL;
