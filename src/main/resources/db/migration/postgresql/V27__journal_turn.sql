-- A journal writer's transaction begins with its turn to commit (the advisory lock that keeps
-- commits in id order) and then reads how the journal is partitioned, in that order: the row must
-- be read with a snapshot taken after the lock is granted, or a change committed while the writer
-- waited would be missed. Two statements did that in two round trips, for every batch of a few
-- deliveries. A PL/pgSQL function takes a new snapshot for each of its queries (it is VOLATILE),
-- so one call does both in that order.
CREATE FUNCTION journal_turn()
    RETURNS TABLE (partitions integer, previous_partitions integer, since_id bigint)
    LANGUAGE plpgsql VOLATILE
AS
$$
BEGIN
    PERFORM pg_advisory_xact_lock(7301208655302741918);
    RETURN QUERY SELECT p.partitions, p.previous_partitions, p.since_id
                   FROM journal_partitions p
                  WHERE p.id = 1;
END
$$;
