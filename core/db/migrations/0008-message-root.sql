-- Each message row remembers the seq of its message's first journal row (its root, see 0006), so
-- a process that claims, reclaims or requeues a message sent by another process writes that
-- message's journal rows without looking its root up by UUID. NULL on rows from before this.
ALTER TABLE messages ADD COLUMN root INTEGER;
