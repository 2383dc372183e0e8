-- The store records how far it has applied the journal, in the same transaction as the changes:
-- per lane the highest entry applied in order (processor_lanes.applied_up_to), and per entry its
-- outcome. An entry is pending while it is beyond its lane's position, or asked to be applied
-- again (replay_requests). The journal's rows no longer change once written (the same model as
-- SQLite's, where the journal is a file of its own); journal writers take an advisory lock per
-- commit, so entries commit in id order and a lane's position never passes an entry that is
-- still to come.
CREATE TABLE entry_outcomes (
    journal_id BIGINT  PRIMARY KEY,
    state      TEXT    NOT NULL CHECK (state IN ('applied', 'failed')),
    error      TEXT,
    attempts   INTEGER NOT NULL,
    updated_at BIGINT  NOT NULL
);
CREATE INDEX entry_outcomes_by_state ON entry_outcomes (state, journal_id);
INSERT INTO entry_outcomes (journal_id, state, error, attempts, updated_at)
SELECT id, state, error, attempts, updated_at FROM journal WHERE state IN ('applied', 'failed');

CREATE TABLE replay_requests (
    journal_id   BIGINT  PRIMARY KEY,
    lane         INTEGER NOT NULL,
    requested_at BIGINT  NOT NULL
);
CREATE INDEX replay_requests_by_lane ON replay_requests (lane, journal_id);

ALTER TABLE processor_lanes ADD COLUMN applied_up_to BIGINT NOT NULL DEFAULT 0;
UPDATE processor_lanes p
   SET applied_up_to =
       COALESCE((SELECT min(j.id) - 1 FROM journal j WHERE j.lane = p.lane AND j.state = 'pending'),
                (SELECT max(j.id) FROM journal j
                  WHERE j.lane = p.lane AND j.state IN ('applied', 'failed')),
                0);

UPDATE journal SET state = 'pending', error = NULL, attempts = 0
 WHERE state IN ('applied', 'failed');
