-- The three tables that grow with every delivery are analyzed from a smaller sample: statistics
-- target 10 (3,000 rows) instead of PostgreSQL's 100 (30,000 rows). On a young store autovacuum
-- analyzes each of them every round (each grows by more than a tenth between two), and at 2,000
-- deliveries/s on two cores that took 0.8 s of CPU per round (messages 0.34 s, journal 0.2 s,
-- changes 0.15 s), and the seconds in which it ran were the slowest of the apply (commit ->
-- applied up to 866 ms). With target 10 the same analyzes took 0.02-0.03 s each. The queries on
-- these tables go by unique keys and indexes whose choice does not hang on fine statistics (the
-- read and search benchmarks on a million messages, docs/benchmarks-log.md). A database
-- administrator may raise a column's target again (ALTER TABLE ... SET STATISTICS).

ALTER TABLE journal
    ALTER COLUMN id SET STATISTICS 10,
    ALTER COLUMN received_at SET STATISTICS 10,
    ALTER COLUMN route SET STATISTICS 10,
    ALTER COLUMN headers SET STATISTICS 10,
    ALTER COLUMN body SET STATISTICS 10,
    ALTER COLUMN body_sha256 SET STATISTICS 10,
    ALTER COLUMN event_id SET STATISTICS 10,
    ALTER COLUMN state SET STATISTICS 10,
    ALTER COLUMN error SET STATISTICS 10,
    ALTER COLUMN attempts SET STATISTICS 10,
    ALTER COLUMN duplicate_of SET STATISTICS 10,
    ALTER COLUMN updated_at SET STATISTICS 10,
    ALTER COLUMN lane SET STATISTICS 10;

ALTER TABLE changes
    ALTER COLUMN seq SET STATISTICS 10,
    ALTER COLUMN committed_at SET STATISTICS 10,
    ALTER COLUMN type SET STATISTICS 10,
    ALTER COLUMN phone_number_id SET STATISTICS 10,
    ALTER COLUMN thread_id SET STATISTICS 10,
    ALTER COLUMN data SET STATISTICS 10,
    ALTER COLUMN location SET STATISTICS 10;

ALTER TABLE messages
    ALTER COLUMN id SET STATISTICS 10,
    ALTER COLUMN phone_number_id SET STATISTICS 10,
    ALTER COLUMN wamid SET STATISTICS 10,
    ALTER COLUMN thread_id SET STATISTICS 10,
    ALTER COLUMN direction SET STATISTICS 10,
    ALTER COLUMN sources SET STATISTICS 10,
    ALTER COLUMN type SET STATISTICS 10,
    ALTER COLUMN content SET STATISTICS 10,
    ALTER COLUMN text_original SET STATISTICS 10,
    ALTER COLUMN text SET STATISTICS 10,
    ALTER COLUMN sent_at SET STATISTICS 10,
    ALTER COLUMN reply_to_wamid SET STATISTICS 10,
    ALTER COLUMN media_id SET STATISTICS 10,
    ALTER COLUMN media_mime_type SET STATISTICS 10,
    ALTER COLUMN media_sha256 SET STATISTICS 10,
    ALTER COLUMN media_caption SET STATISTICS 10,
    ALTER COLUMN media_filename SET STATISTICS 10,
    ALTER COLUMN media_placeholder SET STATISTICS 10,
    ALTER COLUMN history_status SET STATISTICS 10,
    ALTER COLUMN status SET STATISTICS 10,
    ALTER COLUMN status_rank SET STATISTICS 10,
    ALTER COLUMN status_at SET STATISTICS 10,
    ALTER COLUMN edit_count SET STATISTICS 10,
    ALTER COLUMN edited_at SET STATISTICS 10,
    ALTER COLUMN revoked SET STATISTICS 10,
    ALTER COLUMN revoked_at SET STATISTICS 10,
    ALTER COLUMN errors SET STATISTICS 10,
    ALTER COLUMN created_by SET STATISTICS 10,
    ALTER COLUMN words SET STATISTICS 10,
    ALTER COLUMN failed SET STATISTICS 10;
