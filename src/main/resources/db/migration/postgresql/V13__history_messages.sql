-- Per-message events of history chunks, for the subscriptions that ask for them. The change log
-- stays one change per chunk: a subscription's queue is expanded from it when it is filled.

-- The journal entry whose apply first stored the message (the insert writes it, a later arrival
-- of the same message leaves it): the messages a chunk stored, not those it found stored already.
-- No index: they are found by wamid, from the chunk itself.
ALTER TABLE messages ADD COLUMN created_by BIGINT;

-- For a history chunk's change, where the chunk is in its journal entry's body: an entry may hold
-- several chunks. Not part of the change's data.
ALTER TABLE changes ADD COLUMN location TEXT;

-- 1: after a chunk's history.updated, one message.created per message the chunk stored.
ALTER TABLE subscriptions ADD COLUMN history_messages INTEGER NOT NULL DEFAULT 0;

-- An event of a subscription is a change (part 0) or the part-th message of a history chunk's
-- change (its webhook-id is seq.part); wamid names that message. One row per event, as before:
-- queueing stays exactly once.
ALTER TABLE outbound_events ADD COLUMN part INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbound_events ADD COLUMN wamid TEXT;
ALTER TABLE outbound_events DROP CONSTRAINT outbound_events_pkey;
ALTER TABLE outbound_events ADD PRIMARY KEY (subscription_id, seq, part);
DROP INDEX outbound_events_by_state;
CREATE INDEX outbound_events_by_state ON outbound_events (subscription_id, state, seq, part);
