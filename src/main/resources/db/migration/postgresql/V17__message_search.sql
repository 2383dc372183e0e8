-- Search of messages by their words, with PostgreSQL's own full-text search: a GIN index over the
-- words of a message's text, media caption and file name. An expression index is kept by
-- PostgreSQL itself in the transaction that writes the row (the apply transaction), so the writers
-- do not change; creating it here indexes the messages already stored.
--
-- Words are cut by the 'simple' configuration (no stemming, no stop words: any language and
-- script is kept as written), lower-cased, and Latin letters lose their diacritics, so that
-- "cafe" finds "Café" as SQLite's unicode61 remove_diacritics 2 does. translate() is core
-- PostgreSQL: no extension (unaccent, pg_trgm) has to be installed on the server.

-- The text a search compares: lower case, Latin diacritics removed. The same function folds the
-- words of a query (MessageSearch), so both sides agree.
CREATE FUNCTION search_fold(value text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN translate(lower(value),
                     'ÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖÙÚÛÜÝàáâãäåçèéêëìíîïñòóôõöùúûüýÿĀāĂăĄąĆćĈĉĊċČčĎďĒēĔĕĖėĘęĚěĜĝĞğĠġĢģĤĥĨĩĪīĬĭĮįİĴĵĶķĹĺĻļĽľŃńŅņŇňŌōŎŏŐőŔŕŖŗŘřŚśŜŝŞşŠšŢţŤťŨũŪūŬŭŮůŰűŲųŴŵŶŷŸŹźŻżŽžƠơƯưǍǎǏǐǑǒǓǔǕǖǗǘǙǚǛǜǞǟǠǡǦǧǨǩǪǫǬǭǰǴǵǸǹǺǻȀȁȂȃȄȅȆȇȈȉȊȋȌȍȎȏȐȑȒȓȔȕȖȗȘșȚțȞȟȦȧȨȩȪȫȬȭȮȯȰȱȲȳøØđĐłŁıħĦŧŦ',
                     'aaaaaaceeeeiiiinooooouuuuyaaaaaaceeeeiiiinooooouuuuyyaaaaaaccccccccddeeeeeeeeeegggggggghhiiiiiiiiijjkkllllllnnnnnnoooooorrrrrrssssssssttttuuuuuuuuuuuuwwyyyzzzzzzoouuaaiioouuuuuuuuuuaaaaggkkoooojggnnaaaaaaeeeeiiiioooorrrruuuusstthhaaeeooooooooyyooddllihhtt');

-- The words of a message. IMMUTABLE (to_tsvector with a named configuration is), so it can be
-- indexed; a query must name it exactly so for the planner to use the index.
-- (|| and coalesce, not concat_ws: concat_ws is only STABLE and may not be part of an index.)
CREATE FUNCTION message_words(body text, caption text, filename text) RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN to_tsvector('simple'::regconfig,
                       search_fold(coalesce(body, '') || ' ' || coalesce(caption, '') || ' '
                                   || coalesce(filename, '')));

-- Only messages with words: placeholders, reactions, locations... cost the index nothing.
CREATE INDEX messages_by_words ON messages
    USING gin (message_words(text, media_caption, media_filename))
    WHERE text IS NOT NULL OR media_caption IS NOT NULL OR media_filename IS NOT NULL;

-- The thread filters has_failed and awaiting_media: a probe per thread of these small indexes
-- instead of reading every message of the thread. Only failed messages and history media
-- placeholders are in them.
-- The messages with words by time: for a word that many messages hold, walking them newest
-- first and checking each against the words stops after a page, where the GIN index would fetch
-- and sort every match. The planner weighs one against the other by the words' statistics.
CREATE INDEX messages_with_words_by_time ON messages (sent_at, id)
    WHERE text IS NOT NULL OR media_caption IS NOT NULL OR media_filename IS NOT NULL;

CREATE INDEX messages_failed ON messages (thread_id) WHERE status = 'failed';
CREATE INDEX messages_awaiting_media ON messages (thread_id) WHERE media_placeholder = 1;
