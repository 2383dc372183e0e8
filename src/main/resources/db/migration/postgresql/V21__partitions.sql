-- How many lanes (partitions by phone number) the journal has, changeable on a live store (see
-- dev.coexist.journal.Partitioning): entries after since_id go to one of `partitions` lanes, the
-- ones up to it to one of `previous_partitions`. The processor applies nothing after since_id
-- before everything up to it is applied, so a number whose lane changes keeps its order.
-- A journal made before this version had 16 lanes; from its next entry on, it has 64. (Every node
-- must run this version from then on: an older one would still journal with 16.)
CREATE TABLE journal_partitions (
    id                  INTEGER PRIMARY KEY CHECK (id = 1),
    partitions          INTEGER NOT NULL CHECK (partitions BETWEEN 1 AND 1024),
    previous_partitions INTEGER NOT NULL CHECK (previous_partitions BETWEEN 1 AND 1024),
    since_id            BIGINT  NOT NULL
);
INSERT INTO journal_partitions (id, partitions, previous_partitions, since_id)
SELECT 1, 64, CASE WHEN max(id) IS NULL THEN 64 ELSE 16 END, COALESCE(max(id), 0) FROM journal;

-- a row per lane, two per partition (live deliveries, history chunks: see dev.coexist.journal.Lanes)
ALTER TABLE processor_lanes DROP CONSTRAINT processor_lanes_lane_check;
ALTER TABLE processor_lanes ADD CONSTRAINT processor_lanes_lane_check CHECK (lane >= 0 AND lane < 2048);
INSERT INTO processor_lanes (lane, taken_at)
SELECT lane, 0 FROM generate_series(0, 127) AS lane
ON CONFLICT (lane) DO NOTHING;
