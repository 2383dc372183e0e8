-- The conversation store: what the processor derives from the journal. Every table is written
-- idempotently (unique keys + INSERT ... ON CONFLICT), so replaying any entry gives the same rows.
-- Times: *_at of WhatsApp facts are epoch seconds; received_at / *_seen_at are epoch milliseconds.

-- Only one processor applies entries at a time (per partition; one partition today): taking this
-- row is the first write of every apply transaction.
CREATE TABLE processor_lease (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    taken_at BIGINT NOT NULL
);
INSERT INTO processor_lease (id, taken_at) VALUES (1, 0);

CREATE TABLE numbers (
    phone_number_id      TEXT    PRIMARY KEY,
    display_phone_number TEXT,
    display_digits       TEXT,                  -- digits only: account_update names numbers this way
    waba_id              TEXT,
    first_seen_at        BIGINT  NOT NULL,
    last_seen_at         BIGINT  NOT NULL
);
CREATE INDEX numbers_by_digits ON numbers (display_digits);

-- account_update carries no phone_number_id, only the display number: kept as facts, matched to a
-- number when read, so the order of arrival does not matter.
CREATE TABLE account_events (
    journal_id      BIGINT  NOT NULL,
    location        TEXT    NOT NULL,
    waba_id         TEXT,
    phone_number_id TEXT,
    phone_digits    TEXT,
    event           TEXT,
    reason          TEXT,
    initiated_by    TEXT,
    received_at     BIGINT  NOT NULL,
    payload         TEXT    NOT NULL,
    PRIMARY KEY (journal_id, location)
);
CREATE INDEX account_events_by_digits ON account_events (phone_digits, journal_id);

CREATE TABLE partner_events (
    journal_id  BIGINT  NOT NULL,
    location    TEXT    NOT NULL,
    event       TEXT    NOT NULL,
    delivery_id TEXT,
    payload     TEXT    NOT NULL,
    received_at BIGINT  NOT NULL,
    PRIMARY KEY (journal_id, location)
);

-- One row per chunk: a repeated chunk is counted once.
CREATE TABLE history_chunks (
    phone_number_id TEXT    NOT NULL,
    phase           INTEGER NOT NULL,           -- -1 when the payload had none
    chunk_order     INTEGER NOT NULL,           -- -1 when the payload had none
    progress        INTEGER,
    threads         INTEGER NOT NULL,
    messages        INTEGER NOT NULL,
    received_at     BIGINT  NOT NULL,
    PRIMARY KEY (phone_number_id, phase, chunk_order)
);

CREATE TABLE history_declines (
    phone_number_id TEXT    PRIMARY KEY,
    code            INTEGER,
    title           TEXT,
    message         TEXT,
    details         TEXT,
    errors          TEXT    NOT NULL,           -- every error as JSON
    received_at     BIGINT  NOT NULL
);

-- A customer of one number, known by phone and/or business-scoped user id.
CREATE TABLE customers (
    id              BIGSERIAL PRIMARY KEY,
    phone_number_id TEXT    NOT NULL,
    customer_key    TEXT    NOT NULL,           -- 'phone:<digits>' or 'user_id:<bsuid>', the first seen
    phone           TEXT,
    user_id         TEXT,
    parent_user_id  TEXT,
    username        TEXT,
    profile_name    TEXT,                       -- contacts[].profile.name of messages: fallback name
    profile_name_at BIGINT,
    UNIQUE (phone_number_id, customer_key)
);

-- Every identity a customer was seen with; links phone and user id when a payload shows both.
CREATE TABLE customer_identities (
    phone_number_id TEXT    NOT NULL,
    kind            TEXT    NOT NULL CHECK (kind IN ('phone', 'user_id')),
    value           TEXT    NOT NULL,
    customer_id     BIGINT  NOT NULL REFERENCES customers (id),
    PRIMARY KEY (phone_number_id, kind, value)
);

-- The conversation with one customer; its id is the customer's id. Aggregates are recomputed from
-- messages, never incremented, so they stay right under replay.
CREATE TABLE threads (
    id                   BIGINT  PRIMARY KEY REFERENCES customers (id),
    phone_number_id      TEXT    NOT NULL,
    message_count        INTEGER NOT NULL DEFAULT 0,
    inbound_count        INTEGER NOT NULL DEFAULT 0,
    outbound_count       INTEGER NOT NULL DEFAULT 0,
    unread_count         INTEGER NOT NULL DEFAULT 0,  -- live inbound after the last outbound
    last_message_at      BIGINT  NOT NULL DEFAULT 0,
    last_live_inbound_at BIGINT,
    last_outbound_at     BIGINT,
    last_message_wamid   TEXT,
    last_direction       TEXT,
    last_preview         TEXT
);
CREATE INDEX threads_by_activity ON threads (phone_number_id, last_message_at, id);

-- The address book of the business app (smb_app_state_sync); the newest change wins.
CREATE TABLE contacts (
    customer_id     BIGINT  PRIMARY KEY REFERENCES customers (id),
    phone_number_id TEXT    NOT NULL,
    full_name       TEXT,
    first_name      TEXT,
    username        TEXT,
    action          TEXT    NOT NULL,
    removed         INTEGER NOT NULL,
    changed_at      BIGINT  NOT NULL            -- metadata.timestamp, 0 when unreadable
);
CREATE INDEX contacts_by_number ON contacts (phone_number_id);

-- One row per (number, wamid) whatever the sources; sources is a bit set (see MessageSource).
CREATE TABLE messages (
    id                BIGSERIAL PRIMARY KEY,
    phone_number_id   TEXT    NOT NULL,
    wamid             TEXT    NOT NULL,
    thread_id         BIGINT  NOT NULL,
    direction         TEXT    NOT NULL CHECK (direction IN ('inbound', 'outbound')),
    sources           INTEGER NOT NULL,
    type              TEXT,
    content           TEXT,                     -- the object named by type, as JSON
    text_original     TEXT,
    text              TEXT,                     -- after the latest edit
    sent_at           BIGINT  NOT NULL,         -- 0 when unknown
    reply_to_wamid    TEXT,
    media_id          TEXT,
    media_mime_type   TEXT,
    media_sha256      TEXT,
    media_caption     TEXT,
    media_filename    TEXT,
    media_placeholder INTEGER NOT NULL,
    history_status    TEXT,
    status            TEXT,
    status_rank       INTEGER NOT NULL,
    status_at         BIGINT  NOT NULL,
    edit_count        INTEGER NOT NULL DEFAULT 0,
    edited_at         BIGINT,
    revoked           INTEGER NOT NULL DEFAULT 0,
    revoked_at        BIGINT,
    errors            TEXT,
    UNIQUE (phone_number_id, wamid)
);
CREATE INDEX messages_by_thread ON messages (thread_id, sent_at, id);

-- Every status reported for a wamid, including those that came before their message.
CREATE TABLE message_statuses (
    phone_number_id         TEXT    NOT NULL,
    wamid                   TEXT    NOT NULL,
    status                  TEXT    NOT NULL,
    status_at               BIGINT  NOT NULL,
    status_rank             INTEGER NOT NULL,
    recipient_phone         TEXT,
    recipient_user_id       TEXT,
    errors                  TEXT,
    pricing                 TEXT,
    biz_opaque_callback_data TEXT,
    PRIMARY KEY (phone_number_id, wamid, status, status_at)
);

-- Edits, revokes and reactions: messages about another message, attached by target wamid.
CREATE TABLE message_actions (
    phone_number_id TEXT    NOT NULL,
    wamid           TEXT    NOT NULL,
    target_wamid    TEXT    NOT NULL,
    kind            TEXT    NOT NULL CHECK (kind IN ('edit', 'revoke', 'reaction')),
    direction       TEXT    NOT NULL,
    sources         INTEGER NOT NULL,
    actor           TEXT,
    acted_at        BIGINT  NOT NULL,
    emoji           TEXT,
    text            TEXT,
    content         TEXT,
    PRIMARY KEY (phone_number_id, wamid)
);
CREATE INDEX message_actions_by_target ON message_actions (phone_number_id, target_wamid);

-- Targets of statuses and actions whose message is not stored yet; cleared when it arrives.
CREATE TABLE awaiting_messages (
    phone_number_id TEXT NOT NULL,
    wamid           TEXT NOT NULL,
    PRIMARY KEY (phone_number_id, wamid)
);

-- Items of an entry that could not be applied (or were not understood); the rest was applied.
CREATE TABLE journal_problems (
    journal_id BIGINT  NOT NULL,
    location   TEXT    NOT NULL,
    kind       TEXT    NOT NULL CHECK (kind IN ('decode', 'apply', 'unknown_change', 'platform_error')),
    message    TEXT    NOT NULL,
    item       TEXT,
    PRIMARY KEY (journal_id, location)
);
