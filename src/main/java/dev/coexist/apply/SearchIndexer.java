package dev.coexist.apply;

import dev.coexist.db.Database;
import dev.coexist.db.Engine;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes SQLite's search index ({@code messages_search}) from the list of messages whose words
 * changed ({@code search_pending}, written by triggers in the apply transaction), a batch of up to
 * {@link ProcessorSettings#messagesPerIndexing()} messages per transaction (more in a drain), in
 * key order: FTS5 then flushes its pending words once per batch instead of once per message. Under
 * a stream of deliveries the processor calls it every {@link ProcessorSettings#searchIndexEvery()},
 * not each time the queue runs empty for a moment (a batch of a few messages costs a transaction,
 * an FTS5 segment and its later merge); once deliveries pause, whatever is listed is indexed. A
 * search finds a message a fraction of a second after it was applied. Each batch removes what it
 * indexed from the list in its own transaction, so a kill -9 at any point leaves index and list
 * consistent. On PostgreSQL the index is a GIN kept by the apply transaction itself: nothing to do
 * here.
 */
final class SearchIndexer {
  private static final Logger LOG = LoggerFactory.getLogger(SearchIndexer.class);

  private static final String ANY = "SELECT EXISTS (SELECT 1 FROM search_pending)";

  // the last listed message of the next batch: the batch is every listed message up to it
  private static final String BATCH_END =
      """
      SELECT max(message_id) FROM (
        SELECT message_id FROM search_pending ORDER BY message_id LIMIT ?)
      """;

  private static final String OLD_KEYS =
      """
      SELECT old_key FROM search_pending
       WHERE message_id <= ? AND old_key IS NOT NULL
       ORDER BY old_key
      """;

  private static final String REMOVE = "DELETE FROM messages_search WHERE rowid = ?";

  // the key orders by time (see V16__message_search.sql); ascending keys: one FTS5 flush
  private static final String INDEX =
      """
      INSERT INTO messages_search (rowid, words)
      SELECT m.sent_at * 2147483648 + m.id,
             concat_ws(' ', m.text, m.media_caption, m.media_filename)
        FROM search_pending p
        JOIN messages m ON m.id = p.message_id
       WHERE p.message_id <= ?
         AND (m.text IS NOT NULL OR m.media_caption IS NOT NULL OR m.media_filename IS NOT NULL)
       ORDER BY 1
      """;

  private static final String UNLIST = "DELETE FROM search_pending WHERE message_id <= ?";

  private final Database database;
  private final ApplySession session;
  private final ProcessorSettings settings;
  private final LongSupplier lastWakeNanos;
  private long indexedAt = System.nanoTime();

  /**
   * @param lastWakeNanos when entries were last journalled: while they arrive, batches wait
   */
  SearchIndexer(
      final Database database,
      final ApplySession session,
      final ProcessorSettings settings,
      final LongSupplier lastWakeNanos) {
    this.database = database;
    this.session = session;
    this.settings = settings;
    this.lastWakeNanos = lastWakeNanos;
  }

  /**
   * Nothing is pending: index the next batch (while deliveries arrive, only when due, unless {@code
   * draining}: a drain leaves every message searchable). {@link Outcome#REFRESHED} when messages
   * were indexed, {@link Outcome#NOTHING} when none is listed, {@link Outcome#REFUSED} when the
   * database refused.
   */
  Outcome whenQuiet(final boolean draining) {
    if (database.engine() != Engine.SQLITE || (!draining && arriving() && !due())) {
      return Outcome.NOTHING;
    }
    try {
      final WriteSession writer = session.get();
      final boolean any;
      try (ResultSet row = writer.prepare(ANY).executeQuery()) {
        any = row.next() && row.getBoolean(1);
      }
      writer.commit(); // ends the read: a write transaction must start with its write
      if (!any) {
        return Outcome.NOTHING;
      }
    } catch (SQLException unreadable) {
      LOG.warn("Cannot read the messages to index, retrying: {}", unreadable.getMessage());
      session.discard();
      return Outcome.REFUSED;
    }
    final int indexed = indexBatch(most(draining));
    return indexed > 0 ? Outcome.REFRESHED : indexed == 0 ? Outcome.NOTHING : Outcome.REFUSED;
  }

  /** After an apply transaction: indexes a batch when the last one is long enough ago. */
  void ifDue(final boolean draining) {
    if (database.engine() == Engine.SQLITE && due()) {
      indexBatch(most(draining));
    }
  }

  private int most(final boolean draining) {
    return draining ? settings.messagesPerIndexingDrained() : settings.messagesPerIndexing();
  }

  private boolean due() {
    return System.nanoTime() - indexedAt >= settings.searchIndexEvery().toNanos();
  }

  private boolean arriving() {
    return System.nanoTime() - lastWakeNanos.getAsLong() < settings.ingestActiveWindow().toNanos();
  }

  /**
   * One transaction: the next batch of up to {@code most} listed messages indexed under their
   * current key (their old key removed first) and unlisted. Returns how many were listed, -1 when
   * the database refused.
   */
  private int indexBatch(final int most) {
    indexedAt = System.nanoTime();
    database.beginWriteTurn(false);
    try {
      final WriteSession writer = session.get();
      writer.beginWrite();
      final long last;
      final PreparedStatement end = writer.prepare(BATCH_END);
      end.setInt(1, most);
      try (ResultSet row = end.executeQuery()) {
        last = row.next() ? row.getLong(1) : 0;
        if (row.wasNull()) {
          writer.commit();
          return 0;
        }
      }
      final PreparedStatement oldKeys = writer.prepare(OLD_KEYS);
      oldKeys.setLong(1, last);
      final List<Long> removed = new ArrayList<>();
      try (ResultSet rows = oldKeys.executeQuery()) {
        while (rows.next()) {
          removed.add(rows.getLong(1));
        }
      }
      final PreparedStatement remove = writer.prepare(REMOVE);
      for (final long key : removed) {
        remove.setLong(1, key);
        remove.executeUpdate();
      }
      final PreparedStatement index = writer.prepare(INDEX);
      index.setLong(1, last);
      index.executeUpdate();
      final PreparedStatement unlist = writer.prepare(UNLIST);
      unlist.setLong(1, last);
      final int listed = unlist.executeUpdate();
      writer.commit();
      return listed;
    } catch (SQLException | RuntimeException refused) {
      LOG.warn("Indexing messages for search refused: {}", refused.getMessage());
      session.discard();
      return -1;
    } finally {
      database.endWriteTurn();
    }
  }
}
