-- Lets a thread's figures be refreshed by index: counts per direction without reading the rows,
-- and the newest message of a direction without scanning the thread.
CREATE INDEX messages_by_thread_direction ON messages (thread_id, direction, sent_at);
