-- The search index is written at the end of the apply transaction instead of message by message.
-- Written by triggers, it cost FTS5 a flush of its pending words per message: FTS5 flushes
-- whenever a key is not above the last one written, and the keys (sent_at * 2^31 + id) of live
-- messages from many numbers come in no order. The triggers now only list the messages whose words
-- changed, in this table, and the apply transaction indexes the list in key order just before it
-- commits, and empties it (SearchIndex): one flush per transaction, and index and messages are
-- still equal at every commit.
--
-- old_key: the key the message is indexed under now, to be removed; NULL when it is not indexed
-- (new, or it had no words). A message listed twice in one transaction keeps its first old_key:
-- the index still holds that one.
DROP TRIGGER messages_search_insert;
DROP TRIGGER messages_search_update;
DROP TRIGGER messages_search_delete;

CREATE TABLE search_pending (
    message_id INTEGER PRIMARY KEY,
    old_key    INTEGER
);

CREATE TRIGGER messages_search_insert AFTER INSERT ON messages
WHEN new.text IS NOT NULL OR new.media_caption IS NOT NULL OR new.media_filename IS NOT NULL
BEGIN
    INSERT INTO search_pending (message_id) VALUES (new.id)
    ON CONFLICT (message_id) DO NOTHING;
END;

-- Every upsert names these columns; only a real change (an edit, a placeholder that got its
-- media, a record known from its statuses that got its time) lists the message again.
CREATE TRIGGER messages_search_update
AFTER UPDATE OF text, media_caption, media_filename, sent_at ON messages
WHEN old.text IS NOT new.text OR old.media_caption IS NOT new.media_caption
  OR old.media_filename IS NOT new.media_filename OR old.sent_at IS NOT new.sent_at
BEGIN
    INSERT INTO search_pending (message_id, old_key)
    VALUES (new.id,
            CASE WHEN old.text IS NOT NULL OR old.media_caption IS NOT NULL
                      OR old.media_filename IS NOT NULL
                 THEN old.sent_at * 2147483648 + old.id END)
    ON CONFLICT (message_id) DO NOTHING;
END;

CREATE TRIGGER messages_search_delete AFTER DELETE ON messages
WHEN old.text IS NOT NULL OR old.media_caption IS NOT NULL OR old.media_filename IS NOT NULL
BEGIN
    INSERT INTO search_pending (message_id, old_key)
    VALUES (old.id, old.sent_at * 2147483648 + old.id)
    ON CONFLICT (message_id) DO NOTHING;
END;
