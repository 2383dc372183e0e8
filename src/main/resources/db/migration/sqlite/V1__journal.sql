-- The journal: every delivery as it was received, before anything is decoded.
CREATE TABLE journal (
    id           INTEGER PRIMARY KEY,
    received_at  INTEGER NOT NULL,            -- epoch milliseconds
    route        TEXT    NOT NULL,            -- 360dialog | whatsapp | import
    headers      TEXT    NOT NULL,            -- JSON object of the headers that matter
    body         BLOB    NOT NULL,            -- the raw bytes, exactly as received
    body_sha256  TEXT    NOT NULL,            -- lowercase hex
    event_id     TEXT,                        -- 360dialog envelope id, when there is one
    state        TEXT    NOT NULL CHECK (state IN ('pending', 'applied', 'duplicate', 'failed', 'rejected')),
    error        TEXT,
    attempts     INTEGER NOT NULL DEFAULT 0,
    duplicate_of INTEGER REFERENCES journal (id),
    updated_at   INTEGER NOT NULL
);

-- A body is journalled for processing once: redeliveries become 'duplicate' rows (idempotency by
-- unique key, not by check-then-insert). Rejected and duplicate rows do not take part.
CREATE UNIQUE INDEX journal_body_once ON journal (body_sha256)
    WHERE state IN ('pending', 'applied', 'failed');
CREATE UNIQUE INDEX journal_event_once ON journal (event_id)
    WHERE event_id IS NOT NULL AND state IN ('pending', 'applied', 'failed');
CREATE INDEX journal_by_state ON journal (state, id);

-- Written only to prove the database takes writes again after it refused them.
CREATE TABLE write_probe (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    probed_at INTEGER NOT NULL
);
INSERT INTO write_probe (id, probed_at) VALUES (1, 0);
