-- Search of messages by their words, with SQLite's own full-text search (FTS5): an index of the
-- words of a message's text, media caption and file name. It is an external-content table (the
-- words are indexed, the text stays in messages only), keyed by the message's id, and kept by
-- the triggers below in the transaction that writes the message (the apply transaction): the
-- writers do not change, and a kill -9 leaves index and messages equal.
--
-- unicode61 cuts words at spaces and punctuation in any script (Latin, Cyrillic, Arabic, ...),
-- folds case, and with remove_diacritics 2 "cafe" finds "Café". A query asks for every word as a
-- prefix (MessageSearch), which FTS5 answers from the index.
CREATE VIRTUAL TABLE messages_search USING fts5(
    text, media_caption, media_filename,
    content = 'messages', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);

-- Only messages with words are indexed: placeholders, reactions, locations... cost nothing here.
CREATE TRIGGER messages_search_insert AFTER INSERT ON messages
WHEN new.text IS NOT NULL OR new.media_caption IS NOT NULL OR new.media_filename IS NOT NULL
BEGIN
    INSERT INTO messages_search (rowid, text, media_caption, media_filename)
    VALUES (new.id, new.text, new.media_caption, new.media_filename);
END;

-- Every upsert names these columns; only a real change (an edit, a placeholder that got its
-- media) touches the index. An external-content index forgets a row by the values it indexed:
-- the old ones, which are the row's until this update.
CREATE TRIGGER messages_search_update AFTER UPDATE OF text, media_caption, media_filename ON messages
WHEN old.text IS NOT new.text OR old.media_caption IS NOT new.media_caption
  OR old.media_filename IS NOT new.media_filename
BEGIN
    INSERT INTO messages_search (messages_search, rowid, text, media_caption, media_filename)
    SELECT 'delete', old.id, old.text, old.media_caption, old.media_filename
     WHERE old.text IS NOT NULL OR old.media_caption IS NOT NULL OR old.media_filename IS NOT NULL;
    INSERT INTO messages_search (rowid, text, media_caption, media_filename)
    SELECT new.id, new.text, new.media_caption, new.media_filename
     WHERE new.text IS NOT NULL OR new.media_caption IS NOT NULL OR new.media_filename IS NOT NULL;
END;

CREATE TRIGGER messages_search_delete AFTER DELETE ON messages
WHEN old.text IS NOT NULL OR old.media_caption IS NOT NULL OR old.media_filename IS NOT NULL
BEGIN
    INSERT INTO messages_search (messages_search, rowid, text, media_caption, media_filename)
    VALUES ('delete', old.id, old.text, old.media_caption, old.media_filename);
END;

-- The messages stored before this version.
INSERT INTO messages_search (rowid, text, media_caption, media_filename)
SELECT id, text, media_caption, media_filename
  FROM messages
 WHERE text IS NOT NULL OR media_caption IS NOT NULL OR media_filename IS NOT NULL;

-- The thread filters has_failed and awaiting_media: a probe per thread of these small indexes
-- instead of reading every message of the thread. Only failed messages and history media
-- placeholders are in them.
CREATE INDEX messages_failed ON messages (thread_id) WHERE status = 'failed';
CREATE INDEX messages_awaiting_media ON messages (thread_id) WHERE media_placeholder = 1;
