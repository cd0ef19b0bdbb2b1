-- `messages_by_message_id` was never used by a query on a hot path, and a random-UUID key makes
-- every enqueue touch a random index page (a WAL write per commit). Lookups by message id go
-- through the journal.
DROP INDEX IF EXISTS messages_by_message_id;
