-- The journal is processed in lanes: a lane is a partition of the journal by phone number
-- (Lanes.of: the delivery's first metadata.phone_number_id, hashed into 16 lanes; lane 0 when it
-- names none). Entries apply in id order within a lane, and lanes apply independently: a backlog of
-- history chunks for one number no longer holds up the live messages of another, and several
-- nodes sharing one PostgreSQL each claim different lanes.
-- Entries journalled before this migration stay in lane 0; every apply is order-free, so their
-- order relative to newer entries of the same number does not matter.
ALTER TABLE journal ADD COLUMN lane INTEGER NOT NULL DEFAULT 0;
CREATE INDEX journal_pending_by_lane ON journal (lane, id) WHERE state = 'pending';

-- One row per lane. Every apply transaction begins by taking its lane's row: a write on SQLite
-- (which takes the single write lock at once), SELECT ... FOR UPDATE SKIP LOCKED on PostgreSQL
-- (another node holding the lane means "skip it, that node applies it"; a node that dies mid-
-- transaction releases its lanes with its connection).
CREATE TABLE processor_lanes (
    lane     INTEGER PRIMARY KEY CHECK (lane >= 0 AND lane < 16),
    taken_at BIGINT NOT NULL
);
INSERT INTO processor_lanes (lane, taken_at)
VALUES (0, 0), (1, 0), (2, 0), (3, 0), (4, 0), (5, 0), (6, 0), (7, 0),
       (8, 0), (9, 0), (10, 0), (11, 0), (12, 0), (13, 0), (14, 0), (15, 0);

DROP TABLE processor_lease;
