-- Threads whose figures (counts, unread, last message and preview) wait to be recomputed. The apply
-- transaction that changes a thread's messages adds its row; the refresh transaction that
-- recomputes the figures deletes it. Both in the same transaction as the change they follow from,
-- so a kill -9 at any instant leaves every stale thread listed here, and the next start finishes
-- the work. bulk = 1: touched by a history import only (refreshed after the live ones).
-- version is bumped by every apply that touches a listed thread: the upsert then locks the row, so
-- on PostgreSQL a refresh that took the row (FOR UPDATE SKIP LOCKED) and an apply that changes the
-- thread meanwhile are ordered, and the thread stays listed when the apply commits last.
CREATE TABLE dirty_threads (
    thread_id BIGINT  PRIMARY KEY REFERENCES threads (id),
    bulk      INTEGER NOT NULL,
    version   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX dirty_threads_in_turn ON dirty_threads (bulk, thread_id);

-- Threads that were stale when this version was installed: every thread, once (cheap next to an
-- import, and exact afterwards).
INSERT INTO dirty_threads (thread_id, bulk) SELECT id, 1 FROM threads;
