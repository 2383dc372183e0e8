-- A lane is applied by the processor that holds its lease: the owner (a processor of a node), an
-- epoch that grows whenever another owner takes the lane, and the time (ms) the lease runs until.
-- A processor claims a lane before it reads any of its entries, and every apply transaction checks
-- owner and epoch: a processor that lost its lane (it froze, its lease ran out, another took it)
-- cannot commit.
ALTER TABLE processor_lanes ADD COLUMN owner TEXT;
ALTER TABLE processor_lanes ADD COLUMN epoch BIGINT NOT NULL DEFAULT 0;
ALTER TABLE processor_lanes ADD COLUMN lease_until BIGINT NOT NULL DEFAULT 0;
