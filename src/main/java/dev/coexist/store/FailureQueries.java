package dev.coexist.store;

import static dev.coexist.store.EpochTimes.seconds;

import dev.coexist.db.Database;
import dev.coexist.store.FailureView.FailureCursor;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Failed sends across numbers, newest first: the {@code failed} statuses (rank 9, read through
 * their partial index message_statuses_failed), each with its message's thread and origins. A send
 * reported failed more than once (at different times) is one failed send, listed and counted at its
 * newest report.
 */
public final class FailureQueries {
  // %s: the conditions of the page: after the previous page's last (the keyset is time, number,
  // wamid, newest first) and of one number, each or neither
  private static final String FAILURES =
      """
      SELECT s.phone_number_id, s.wamid, s.status_at, s.recipient_phone, s.recipient_user_id,
             s.errors, m.thread_id, m.sources
        FROM message_statuses s
        LEFT JOIN messages m ON m.phone_number_id = s.phone_number_id AND m.wamid = s.wamid
       WHERE s.status_rank = 9 AND s.status_at >= ?
         AND NOT EXISTS (%s)
         %s
       ORDER BY s.status_at DESC, s.phone_number_id DESC, s.wamid DESC
       LIMIT ?
      """;

  // a newer report of the same failed send (read through the primary key)
  private static final String NEWER_REPORT =
      """
      SELECT 1 FROM message_statuses n
       WHERE n.phone_number_id = s.phone_number_id AND n.wamid = s.wamid
         AND n.status = s.status AND n.status_at > s.status_at
      """;

  private static final String AFTER = "AND (s.status_at, s.phone_number_id, s.wamid) < (?, ?, ?)";

  private static final String OF_NUMBER = "AND s.phone_number_id = ?";

  private static final String COUNT_SINCE =
      """
      SELECT count(DISTINCT s.wamid), max(s.status_at) FROM message_statuses s
       WHERE s.status_rank = 9 AND s.status_at >= ? AND s.phone_number_id = ?
      """;

  private final Database database;

  public FailureQueries(final Database database) {
    this.database = database;
  }

  /**
   * A page of failed sends at or after {@code since} (null: all), of one number or all (null),
   * newest first, starting after {@code after} (null: the newest).
   */
  public Page<FailureView, FailureCursor> page(
      final Instant since, final String number, final FailureCursor after, final int limit)
      throws SQLException {
    final String sql =
        FAILURES.formatted(
            NEWER_REPORT, (after == null ? "" : AFTER) + "\n" + (number == null ? "" : OF_NUMBER));
    try (Connection connection = database.pool().getConnection();
        PreparedStatement select = connection.prepareStatement(sql)) {
      int next = 0;
      select.setLong(++next, since == null ? 0 : since.getEpochSecond());
      if (after != null) {
        select.setLong(++next, after.atSeconds());
        select.setString(++next, after.phoneNumberId());
        select.setString(++next, after.wamid());
      }
      if (number != null) {
        select.setString(++next, number);
      }
      select.setInt(++next, limit + 1);
      final List<FailureView> items = new ArrayList<>();
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          final long thread = rows.getLong(7);
          final boolean stored = !rows.wasNull();
          items.add(
              new FailureView(
                  rows.getString(1),
                  rows.getString(2),
                  stored ? thread : null,
                  rows.getString(4),
                  rows.getString(5),
                  seconds(rows.getLong(3)),
                  rows.getString(6),
                  stored ? MessageSource.of(rows.getInt(8)) : Set.of()));
        }
      }
      final boolean more = items.size() > limit;
      if (more) {
        items.remove(items.size() - 1);
      }
      return new Page<>(items, more ? items.get(items.size() - 1).cursor() : null);
    }
  }

  /** How many sends of a number failed at or after {@code since}, and when the newest did. */
  static FailureCount count(final Statements statements, final String number, final Instant since)
      throws SQLException {
    final PreparedStatement select = statements.prepare(COUNT_SINCE);
    select.setLong(1, since.getEpochSecond());
    select.setString(2, number);
    try (ResultSet row = select.executeQuery()) {
      row.next();
      return new FailureCount(row.getInt(1), seconds(row.getLong(2)));
    }
  }

  /** Failed sends of a number in a window: how many, and the newest one's time (null if none). */
  record FailureCount(int count, Instant newest) {}
}
