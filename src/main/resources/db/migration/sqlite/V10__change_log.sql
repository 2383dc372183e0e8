-- The change log: one row per change an apply transaction committed, written in that transaction.
-- seq is the event id of the live feed and of outbound webhooks; AUTOINCREMENT so that an id is
-- never given out twice, even after the oldest rows were deleted by the retention.
CREATE TABLE changes (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    committed_at    INTEGER NOT NULL,           -- epoch milliseconds
    type            TEXT    NOT NULL,           -- resource.action, e.g. message.created
    phone_number_id TEXT,
    thread_id       INTEGER,
    data            TEXT    NOT NULL            -- JSON object
);

-- Up to which seq the retention deleted: a Last-Event-ID below it can no longer be resumed.
CREATE TABLE change_log_horizon (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    deleted_up_to BIGINT  NOT NULL
);
INSERT INTO change_log_horizon (id, deleted_up_to) VALUES (1, 0);
