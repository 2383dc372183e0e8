-- The thread filter of failed messages reads a column computed from the status, as on
-- PostgreSQL (where an index that names the status itself made every status update write all the
-- table's indexes); here the column is computed when read, and only its index is stored.
ALTER TABLE messages
    ADD COLUMN failed INTEGER GENERATED ALWAYS AS (CASE WHEN status = 'failed' THEN 1 ELSE 0 END) VIRTUAL;

DROP INDEX messages_failed;

CREATE INDEX messages_failed ON messages (thread_id) WHERE failed = 1;
