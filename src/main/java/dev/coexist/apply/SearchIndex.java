package dev.coexist.apply;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes SQLite's search index ({@code messages_search}) at the end of an apply transaction, from
 * the list of messages whose words the transaction changed ({@code search_pending}, written by
 * triggers on {@code messages}): all of them in one statement, in key order, so that FTS5 flushes
 * its pending words once per transaction. Written message by message by the triggers themselves, in
 * arrival order, the keys (sent_at * 2^31 + id) of live messages from many numbers came in no
 * order, and FTS5 flushed at every key not above the one before: a segment per message, and their
 * merges, cost more than the rest of a live apply. The list is empty again when the transaction
 * commits, so index and messages are equal at every commit, as the search promises. PostgreSQL's
 * GIN index is kept by PostgreSQL itself.
 */
final class SearchIndex {
  // keys under which listed messages are indexed now (an edit, a message whose time changed), and
  // the words they were indexed with: without sizes (V22) FTS5 removes an entry by its words
  private static final String OLD_ENTRIES =
      """
      SELECT old_key, old_words FROM search_pending WHERE old_key IS NOT NULL ORDER BY old_key
      """;

  private static final String REMOVE =
      "INSERT INTO messages_search (messages_search, rowid, words) VALUES ('delete', ?, ?)";

  // the key orders by time (see V16__message_search.sql); ascending keys: one FTS5 flush. CROSS
  // JOIN keeps the few listed messages the outer loop: SQLite's planner, without statistics, may
  // otherwise walk every message and look each up in the list
  private static final String INDEX =
      """
      INSERT INTO messages_search (rowid, words)
      SELECT m.sent_at * 2147483648 + m.id,
             concat_ws(' ', m.text, m.media_caption, m.media_filename)
        FROM search_pending p
       CROSS JOIN messages m ON m.id = p.message_id
       WHERE m.text IS NOT NULL OR m.media_caption IS NOT NULL OR m.media_filename IS NOT NULL
       ORDER BY 1
      """;

  private static final String UNLIST = "DELETE FROM search_pending";

  private record OldEntry(long key, String words) {}

  private SearchIndex() {}

  /** Indexes what the transaction listed and empties the list; SQLite only, before the commit. */
  static void write(final WriteSession writer) throws SQLException {
    final List<OldEntry> removed = new ArrayList<>();
    try (ResultSet rows = writer.prepare(OLD_ENTRIES).executeQuery()) {
      while (rows.next()) {
        removed.add(new OldEntry(rows.getLong(1), rows.getString(2)));
      }
    }
    final PreparedStatement remove = writer.prepare(REMOVE);
    for (final OldEntry entry : removed) {
      remove.setLong(1, entry.key());
      remove.setString(2, entry.words());
      remove.executeUpdate();
    }
    writer.prepare(INDEX).executeUpdate();
    writer.prepare(UNLIST).executeUpdate();
  }
}
