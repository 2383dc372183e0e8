package dev.coexist.apply;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;

/**
 * The durable list of threads whose figures wait to be recomputed ({@code dirty_threads}). An apply
 * transaction lists the threads it touched before it commits; a refresh transaction takes some
 * listed threads, recomputes their figures and unlists them before it commits. So the list is exact
 * at any instant: after a kill -9 the next start refreshes what was left, and on PostgreSQL any
 * node may refresh what another node listed.
 */
final class DirtyThreads {
  // The upsert bumps version so that it locks a listed row: a refresh holding the row (FOR UPDATE
  // SKIP LOCKED) makes the apply wait, and once the refresh has deleted the row the apply lists
  // the thread again. ON CONFLICT DO NOTHING takes no lock, and the apply's message could then be
  // missed by a refresh that commits after it. A live touch makes the row urgent (bulk 0).
  private static final String LIST =
      """
      INSERT INTO dirty_threads (thread_id, bulk) VALUES (?, ?)
      ON CONFLICT (thread_id) DO UPDATE
         SET version = dirty_threads.version + 1,
             bulk = CASE WHEN excluded.bulk < dirty_threads.bulk
                         THEN excluded.bulk ELSE dirty_threads.bulk END
      """;

  private static final String UNLIST = "DELETE FROM dirty_threads WHERE thread_id = ?";

  private static final String ANY = "SELECT EXISTS (SELECT 1 FROM dirty_threads)";

  private DirtyThreads() {}

  /**
   * Lists the threads the session's transaction touched, in id order (rows shared between
   * transactions are locked in a fixed order).
   *
   * @param bulk touched by a history import: refreshed after the threads of live messages
   */
  static void list(final WriteSession session, final Collection<Long> threads, final boolean bulk)
      throws SQLException {
    if (threads.isEmpty()) {
      return;
    }
    final PreparedStatement list = session.prepare(LIST);
    for (final long thread : new TreeSet<>(threads)) {
      list.setLong(1, thread);
      list.setInt(2, bulk ? 1 : 0);
      list.addBatch();
    }
    list.executeBatch();
  }

  /**
   * Up to {@code most} listed threads, live ones first, each taken for this transaction: on
   * PostgreSQL a thread another node is refreshing (or an apply is listing) is skipped.
   *
   * @param withBulk the threads listed by history imports too, not only those of live messages
   */
  static List<Listed> take(final WriteSession session, final int most, final boolean withBulk)
      throws SQLException {
    final PreparedStatement take = session.prepare(session.dialect().takeDirtyThreads);
    take.setInt(1, withBulk ? 1 : 0);
    take.setInt(2, most);
    final List<Listed> threads = new ArrayList<>(most);
    try (ResultSet rows = take.executeQuery()) {
      while (rows.next()) {
        threads.add(new Listed(rows.getLong(1), rows.getString(2)));
      }
    }
    return threads;
  }

  /** A listed thread and its business number (null if the thread row is gone). */
  record Listed(long thread, String number) {}

  /** Unlists threads whose figures this transaction recomputed. */
  static void unlist(final WriteSession session, final Collection<Long> threads)
      throws SQLException {
    if (threads.isEmpty()) {
      return;
    }
    final PreparedStatement unlist = session.prepare(UNLIST);
    for (final long thread : threads) {
      unlist.setLong(1, thread);
      unlist.addBatch();
    }
    unlist.executeBatch();
  }

  /** Whether any thread is listed; read outside a write transaction. */
  static boolean any(final WriteSession session) throws SQLException {
    try (ResultSet row = session.prepare(ANY).executeQuery()) {
      return row.next() && row.getBoolean(1);
    }
  }
}
