-- The search index keeps no size per message (columnsize=0): FTS5 otherwise writes each message's
-- word count into a table of its own, one more row per message written, for ranking, which the
-- search does not use (it orders by key). Indexing a message costs about a third less.
--
-- Without those sizes FTS5 cannot delete an entry by its key alone (contentless_delete needs
-- them): an entry is removed by naming the words it was indexed with. The triggers keep them with
-- the key: old_words is what the message was indexed with, taken from the row as it was before
-- the change that listed it (the index was written from that row when its transaction
-- committed); a message listed twice in one transaction keeps its first old_key and old_words,
-- which the index still holds.
DROP TABLE messages_search_words;
DROP TABLE messages_search;

CREATE VIRTUAL TABLE messages_search USING fts5(
    words,
    content = '', columnsize = 0, detail = none,
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE VIRTUAL TABLE messages_search_words USING fts5vocab(messages_search, 'row');

ALTER TABLE search_pending ADD COLUMN old_words TEXT;

DROP TRIGGER messages_search_update;
DROP TRIGGER messages_search_delete;

CREATE TRIGGER messages_search_update
AFTER UPDATE OF text, media_caption, media_filename, sent_at ON messages
WHEN old.text IS NOT new.text OR old.media_caption IS NOT new.media_caption
  OR old.media_filename IS NOT new.media_filename OR old.sent_at IS NOT new.sent_at
BEGIN
    INSERT INTO search_pending (message_id, old_key, old_words)
    VALUES (new.id,
            CASE WHEN old.text IS NOT NULL OR old.media_caption IS NOT NULL
                      OR old.media_filename IS NOT NULL
                 THEN old.sent_at * 2147483648 + old.id END,
            CASE WHEN old.text IS NOT NULL OR old.media_caption IS NOT NULL
                      OR old.media_filename IS NOT NULL
                 THEN concat_ws(' ', old.text, old.media_caption, old.media_filename) END)
    ON CONFLICT (message_id) DO NOTHING;
END;

CREATE TRIGGER messages_search_delete AFTER DELETE ON messages
WHEN old.text IS NOT NULL OR old.media_caption IS NOT NULL OR old.media_filename IS NOT NULL
BEGIN
    INSERT INTO search_pending (message_id, old_key, old_words)
    VALUES (old.id, old.sent_at * 2147483648 + old.id,
            concat_ws(' ', old.text, old.media_caption, old.media_filename))
    ON CONFLICT (message_id) DO NOTHING;
END;

-- The messages stored before this version, in key order; the index now equals them, and nothing
-- is left to list.
INSERT INTO messages_search (rowid, words)
SELECT sent_at * 2147483648 + id, concat_ws(' ', text, media_caption, media_filename)
  FROM messages
 WHERE text IS NOT NULL OR media_caption IS NOT NULL OR media_filename IS NOT NULL
 ORDER BY 1;

DELETE FROM search_pending;
