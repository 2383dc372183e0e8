-- The words stored with a message (V19) are computed by message_words(). As a SQL function it is
-- inlined where it is used, and PostgreSQL inlines the generated column's expression again for
-- every INSERT statement: it decompresses and parses the stored bodies of message_words() and
-- search_fold() (some 8 KB of expression, most of it search_fold()'s two lists of letters). For a
-- live message, written one statement at a time, that was a fifth of the insert: 0.253 against
-- 0.209 ms an insert (pgbench, one client). A PL/pgSQL function is compiled once per session and
-- its expression planned once; the words it returns are the same for every text, so the stored
-- words stay as they are. A history chunk's multi-row insert pays the parse once per statement
-- either way.
CREATE OR REPLACE FUNCTION message_words(body text, caption text, filename text) RETURNS tsvector
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
AS
$$
BEGIN
    RETURN to_tsvector('simple'::regconfig,
                       search_fold(coalesce(body, '') || ' ' || coalesce(caption, '') || ' '
                                   || coalesce(filename, '')));
END
$$;
