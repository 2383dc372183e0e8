-- The GIN index of words gathers new entries in a pending list and moves them into its tree when
-- the list passes gin_pending_list_limit (4 MB by default): the insert or update that passes it
-- does that work, about a tenth of a second at that size. Under 2,000 live deliveries a second the
-- list filled every four seconds, and the apply transaction that met it held its live messages
-- back that long (PostgreSQL's log: an INSERT INTO messages of 80-127 ms every 4.2 s, the rest a
-- few milliseconds). A list of 256 kB is moved on some sixteen times as often, a few
-- milliseconds each time; bulk imports still gather their entries before moving them.
ALTER INDEX messages_by_words SET (gin_pending_list_limit = 256);
