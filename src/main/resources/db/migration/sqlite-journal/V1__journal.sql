-- SQLite's journal, a database file of its own (NAME.journal.db next to the store's NAME.db): every
-- delivery as it was received, before anything is decoded. Only the journal writer writes here, so
-- an acknowledgement never waits for the store's transactions or checkpoints. Rows never change
-- once written: how far the store has applied the journal is the store's to record (its
-- processor_lanes.applied_up_to and entry_outcomes, in the same transaction as the changes).
CREATE TABLE journal (
    id           INTEGER PRIMARY KEY,
    received_at  INTEGER NOT NULL,            -- epoch milliseconds
    route        TEXT    NOT NULL,            -- 360dialog | whatsapp | import
    headers      TEXT    NOT NULL,            -- JSON object of the headers that matter
    body         BLOB    NOT NULL,            -- the raw bytes, exactly as received
    body_sha256  TEXT    NOT NULL,            -- lowercase hex
    event_id     TEXT,                        -- 360dialog envelope id, when there is one
    -- pending: taken for processing (the store tells whether it is applied); duplicate: a
    -- redelivery of duplicate_of; rejected: kept for inspection, never applied
    state        TEXT    NOT NULL CHECK (state IN ('pending', 'duplicate', 'rejected')),
    error        TEXT,
    attempts     INTEGER NOT NULL DEFAULT 0,
    duplicate_of INTEGER REFERENCES journal (id),
    updated_at   INTEGER NOT NULL,
    -- the partition by phone number (see Lanes): entries apply in id order within a lane
    lane         INTEGER NOT NULL DEFAULT 0
);

-- A body is journalled for processing once: redeliveries become 'duplicate' rows (idempotency by
-- unique key, not by check-then-insert). Rejected and duplicate rows do not take part.
CREATE UNIQUE INDEX journal_body_once ON journal (body_sha256) WHERE state = 'pending';
CREATE UNIQUE INDEX journal_event_once ON journal (event_id)
    WHERE event_id IS NOT NULL AND state = 'pending';
CREATE INDEX journal_by_state ON journal (state, id);
CREATE INDEX journal_pending_by_lane ON journal (lane, id) WHERE state = 'pending';

-- Written only to prove the database takes writes again after it refused them.
CREATE TABLE write_probe (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    probed_at INTEGER NOT NULL
);
INSERT INTO write_probe (id, probed_at) VALUES (1, 0);
