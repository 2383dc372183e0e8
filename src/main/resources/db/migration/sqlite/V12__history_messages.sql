-- Per-message events of history chunks, for the subscriptions that ask for them. The change log
-- stays one change per chunk: a subscription's queue is expanded from it when it is filled.

-- The journal entry whose apply first stored the message (the insert writes it, a later arrival
-- of the same message leaves it): the messages a chunk stored, not those it found stored already.
-- No index: they are found by wamid, from the chunk itself.
ALTER TABLE messages ADD COLUMN created_by INTEGER;

-- For a history chunk's change, where the chunk is in its journal entry's body: an entry may hold
-- several chunks. Not part of the change's data.
ALTER TABLE changes ADD COLUMN location TEXT;

-- 1: after a chunk's history.updated, one message.created per message the chunk stored.
ALTER TABLE subscriptions ADD COLUMN history_messages INTEGER NOT NULL DEFAULT 0;

-- An event of a subscription is a change (part 0) or the part-th message of a history chunk's
-- change (its webhook-id is seq.part); wamid names that message. One row per event, as before:
-- queueing stays exactly once. SQLite cannot change a primary key: the table is made again.
CREATE TABLE outbound_events_by_part (
    subscription_id TEXT    NOT NULL,
    seq             BIGINT  NOT NULL,
    part            INTEGER NOT NULL DEFAULT 0,
    wamid           TEXT,
    ordering_key    TEXT    NOT NULL,
    state           TEXT    NOT NULL CHECK (state IN ('pending', 'delivered', 'dead')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at BIGINT  NOT NULL,
    last_status     INTEGER,
    last_error      TEXT,
    last_attempt_at BIGINT,
    PRIMARY KEY (subscription_id, seq, part)
);
INSERT INTO outbound_events_by_part (subscription_id, seq, part, ordering_key, state, attempts,
                                     next_attempt_at, last_status, last_error, last_attempt_at)
SELECT subscription_id, seq, 0, ordering_key, state, attempts, next_attempt_at, last_status,
       last_error, last_attempt_at
  FROM outbound_events;
DROP TABLE outbound_events;
ALTER TABLE outbound_events_by_part RENAME TO outbound_events;
CREATE INDEX outbound_events_by_state ON outbound_events (subscription_id, state, seq, part);
