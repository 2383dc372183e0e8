-- The journal's lanes are no longer 16 (journal_partitions, in the journal's file): a row per lane,
-- two per partition (live deliveries, history chunks: see dev.coexist.journal.Lanes). The 128 lanes
-- of the journal's first 64 partitions are made here; `coexist partitions --set` makes more.
CREATE TABLE processor_lanes_new (
    lane          INTEGER PRIMARY KEY CHECK (lane >= 0 AND lane < 2048),
    taken_at      INTEGER NOT NULL,
    applied_up_to BIGINT  NOT NULL DEFAULT 0,
    owner         TEXT,
    epoch         BIGINT  NOT NULL DEFAULT 0,
    lease_until   BIGINT  NOT NULL DEFAULT 0
);
INSERT INTO processor_lanes_new (lane, taken_at, applied_up_to, owner, epoch, lease_until)
SELECT lane, taken_at, applied_up_to, owner, epoch, lease_until FROM processor_lanes;
DROP TABLE processor_lanes;
ALTER TABLE processor_lanes_new RENAME TO processor_lanes;

WITH RECURSIVE lanes (lane) AS (SELECT 0 UNION ALL SELECT lane + 1 FROM lanes WHERE lane < 127)
INSERT OR IGNORE INTO processor_lanes (lane, taken_at) SELECT lane, 0 FROM lanes;

-- A store older than its journal's file copied its entries into that file in this same start
-- (V9): they were all journalled with 16 lanes.
UPDATE journal_db.journal_partitions
   SET since_id = (SELECT COALESCE(max(id), 0) FROM journal_db.journal),
       previous_partitions = CASE WHEN EXISTS (SELECT 1 FROM journal_db.journal) THEN 16 ELSE 64 END
 WHERE id = 1;
