-- Outbound webhooks: a partner's endpoints that receive the change log (Standard Webhooks 1.0).
-- position is the newest change considered for the subscription: changes after it that match its
-- filters are queued in outbound_events (in one transaction with the move), and delivered from
-- there. The lease lets one node at a time deliver a subscription.
CREATE TABLE subscriptions (
    id                    TEXT    PRIMARY KEY,
    url                   TEXT    NOT NULL,
    description           TEXT,
    types                 TEXT    NOT NULL,   -- JSON array of change types; [] = every type
    numbers               TEXT    NOT NULL,   -- JSON array of phone_number_ids; [] = every number
    secret                TEXT    NOT NULL,   -- whsec_ + base64 of the key
    previous_secret       TEXT,               -- still signs until previous_secret_until
    previous_secret_until BIGINT,
    state                 TEXT    NOT NULL CHECK (state IN ('active', 'paused', 'disabled')),
    state_reason          TEXT,
    position              BIGINT  NOT NULL,
    failing_since         BIGINT,             -- first failure since the last delivery
    delivered             BIGINT  NOT NULL DEFAULT 0,
    failed_attempts       BIGINT  NOT NULL DEFAULT 0,
    dead_letters          BIGINT  NOT NULL DEFAULT 0,
    lease_owner           TEXT,
    lease_until           BIGINT  NOT NULL DEFAULT 0,
    created_at            BIGINT  NOT NULL,
    updated_at            BIGINT  NOT NULL
);

-- One change to deliver to one subscription. Events of one ordering key (the thread, else the
-- message, else the number) are delivered in seq order: a failing event holds back only its key.
CREATE TABLE outbound_events (
    subscription_id TEXT    NOT NULL,
    seq             BIGINT  NOT NULL,
    ordering_key    TEXT    NOT NULL,
    state           TEXT    NOT NULL CHECK (state IN ('pending', 'delivered', 'dead')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at BIGINT  NOT NULL,
    last_status     INTEGER,
    last_error      TEXT,
    last_attempt_at BIGINT,
    PRIMARY KEY (subscription_id, seq)
);
CREATE INDEX outbound_events_by_state ON outbound_events (subscription_id, state, seq);
