-- The journal moves to a file of its own (NAME.journal.db, attached as journal_db, schema in
-- db/migration/sqlite-journal), so that the journal writer and the processor no longer share one
-- write lock. The store records how far it has applied the journal, in the same transaction as
-- the changes: per lane the highest entry applied in order (processor_lanes.applied_up_to), and
-- per entry its outcome. An entry is pending while it is beyond its lane's position, or asked to
-- be applied again (replay_requests).

-- the entries of a store made before this version, copied with their ids (again, harmlessly, if a
-- crash interrupted this migration after the journal's file committed them)
INSERT OR IGNORE INTO journal_db.journal
       (id, received_at, route, headers, body, body_sha256, event_id, state, error, attempts,
        duplicate_of, updated_at, lane)
SELECT id, received_at, route, headers, body, body_sha256, event_id,
       CASE WHEN state IN ('applied', 'failed') THEN 'pending' ELSE state END,
       CASE WHEN state IN ('applied', 'failed') THEN NULL ELSE error END,
       CASE WHEN state IN ('applied', 'failed') THEN 0 ELSE attempts END,
       duplicate_of, updated_at, lane
  FROM main.journal
 ORDER BY id;

CREATE TABLE entry_outcomes (
    journal_id BIGINT  PRIMARY KEY,
    state      TEXT    NOT NULL CHECK (state IN ('applied', 'failed')),
    error      TEXT,
    attempts   INTEGER NOT NULL,
    updated_at BIGINT  NOT NULL
);
CREATE INDEX entry_outcomes_by_state ON entry_outcomes (state, journal_id);
INSERT INTO entry_outcomes (journal_id, state, error, attempts, updated_at)
SELECT id, state, error, attempts, updated_at FROM main.journal WHERE state IN ('applied', 'failed');

CREATE TABLE replay_requests (
    journal_id   BIGINT  PRIMARY KEY,
    lane         INTEGER NOT NULL,
    requested_at BIGINT  NOT NULL
);
CREATE INDEX replay_requests_by_lane ON replay_requests (lane, journal_id);

-- every entry of a lane up to here is applied or failed: just before its first pending entry,
-- else its last entry. (An entry applied after a pending one, which a replay can leave, is
-- applied again: harmless, every apply is idempotent.)
ALTER TABLE processor_lanes ADD COLUMN applied_up_to BIGINT NOT NULL DEFAULT 0;
UPDATE processor_lanes
   SET applied_up_to =
       COALESCE((SELECT min(j.id) - 1 FROM main.journal j
                  WHERE j.lane = processor_lanes.lane AND j.state = 'pending'),
                (SELECT max(j.id) FROM main.journal j
                  WHERE j.lane = processor_lanes.lane AND j.state IN ('applied', 'failed')),
                0);

DROP TABLE main.journal;
DROP TABLE main.write_probe;
