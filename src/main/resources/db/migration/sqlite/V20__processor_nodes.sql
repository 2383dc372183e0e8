-- The nodes applying the journal, each with a heartbeat (see the PostgreSQL migration: on SQLite
-- there is one node, whose share is every lane).
CREATE TABLE processor_nodes (
    owner      TEXT   PRIMARY KEY,
    seen_until BIGINT NOT NULL
);
