-- The change log: one row per change an apply transaction committed, written in that transaction.
-- seq is the event id of the live feed and of outbound webhooks. Writers take an advisory lock
-- before they insert and hold it until they commit, so seq order is commit order: a reader that
-- saw seq n never later finds a committed row below n.
CREATE TABLE changes (
    seq             BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    committed_at    BIGINT  NOT NULL,           -- epoch milliseconds
    type            TEXT    NOT NULL,           -- resource.action, e.g. message.created
    phone_number_id TEXT,
    thread_id       BIGINT,
    data            TEXT    NOT NULL            -- JSON object
);

-- Up to which seq the retention deleted: a Last-Event-ID below it can no longer be resumed.
CREATE TABLE change_log_horizon (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    deleted_up_to BIGINT  NOT NULL
);
INSERT INTO change_log_horizon (id, deleted_up_to) VALUES (1, 0);
