-- The live inbound messages of a thread, the only ones that make it unread: a thread's newest live
-- inbound and its unread count are probes of this small index. Without it both read every inbound
-- row of the thread to test its sources, and a thread of history has no live message to stop at:
-- refreshing the threads an import touched was the biggest part of an import after the inserts.
-- History rows are not in it, so it costs their insert nothing.
CREATE INDEX messages_live_inbound ON messages (thread_id, sent_at)
    WHERE direction = 'inbound' AND (sources & 4) <> 0;
