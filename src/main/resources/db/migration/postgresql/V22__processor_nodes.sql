-- The nodes applying the journal, each with a heartbeat on the database's clock (renewed with its
-- lane leases): a node takes at most its share of the lanes (the count divided by the live nodes,
-- rounded up) and hands back lanes beyond it, so the lanes spread over the nodes that are up.
CREATE TABLE processor_nodes (
    owner      TEXT   PRIMARY KEY,
    seen_until BIGINT NOT NULL
);
