-- Search of messages by their words, with SQLite's own full-text search (FTS5): an index of the
-- words of a message's text, media caption and file name, kept by the triggers below in the
-- transaction that writes the message (the apply transaction): the writers do not change, and a
-- kill -9 leaves index and messages equal.
--
-- Each message's words sit under a key that orders by time: sent_at * 2^31 + id (the message's
-- id is below 2^31). A search asks for the words ORDER BY the key DESC: FTS5 walks its lists
-- newest first and stops after a page, so a word that a sixth of a million messages hold costs
-- a page, not a sort of 160,000 rows. The index holds the words only (contentless, no
-- positions, deletable by key): a word or its beginning is all a search asks, and every byte less
-- is less work for each message an import writes.
--
-- unicode61 cuts words at spaces and punctuation in any script (Latin, Cyrillic, Arabic, ...),
-- folds case, and with remove_diacritics 2 "cafe" finds "Café".
CREATE VIRTUAL TABLE messages_search USING fts5(
    words,
    content = '', contentless_delete = 1, detail = none,
    tokenize = 'unicode61 remove_diacritics 2'
);

-- The index's own words, for a search to name the words a beginning stands for (SqliteWordMatch).
CREATE VIRTUAL TABLE messages_search_words USING fts5vocab(messages_search, 'row');

-- Only messages with words are indexed: placeholders, reactions, locations... cost nothing here.
CREATE TRIGGER messages_search_insert AFTER INSERT ON messages
WHEN new.text IS NOT NULL OR new.media_caption IS NOT NULL OR new.media_filename IS NOT NULL
BEGIN
    INSERT INTO messages_search (rowid, words)
    VALUES (new.sent_at * 2147483648 + new.id,
            concat_ws(' ', new.text, new.media_caption, new.media_filename));
END;

-- Every upsert names these columns; only a real change (an edit, a placeholder that got its
-- media, a record known from its statuses that got its time) moves or rewrites the entry.
CREATE TRIGGER messages_search_update
AFTER UPDATE OF text, media_caption, media_filename, sent_at ON messages
WHEN old.text IS NOT new.text OR old.media_caption IS NOT new.media_caption
  OR old.media_filename IS NOT new.media_filename OR old.sent_at IS NOT new.sent_at
BEGIN
    DELETE FROM messages_search WHERE rowid = old.sent_at * 2147483648 + old.id;
    INSERT INTO messages_search (rowid, words)
    SELECT new.sent_at * 2147483648 + new.id,
           concat_ws(' ', new.text, new.media_caption, new.media_filename)
     WHERE new.text IS NOT NULL OR new.media_caption IS NOT NULL OR new.media_filename IS NOT NULL;
END;

CREATE TRIGGER messages_search_delete AFTER DELETE ON messages
BEGIN
    DELETE FROM messages_search WHERE rowid = old.sent_at * 2147483648 + old.id;
END;

-- The messages stored before this version.
INSERT INTO messages_search (rowid, words)
SELECT sent_at * 2147483648 + id, concat_ws(' ', text, media_caption, media_filename)
  FROM messages
 WHERE text IS NOT NULL OR media_caption IS NOT NULL OR media_filename IS NOT NULL;

-- The thread filters has_failed and awaiting_media: a probe per thread of these small indexes
-- instead of reading every message of the thread. Only failed messages and history media
-- placeholders are in them.
CREATE INDEX messages_failed ON messages (thread_id) WHERE status = 'failed';
CREATE INDEX messages_awaiting_media ON messages (thread_id) WHERE media_placeholder = 1;
