package dev.coexist.store;

import static dev.coexist.store.EpochTimes.seconds;

import dev.coexist.db.Database;
import dev.coexist.db.Engine;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The threads of a number (one per customer) with their figures and the customer's display name,
 * paged newest activity first.
 */
public final class ThreadQueries {
  private static final String THREAD_COLUMNS =
      """
      SELECT t.id, t.phone_number_id, c.phone, c.user_id, c.parent_user_id, c.username,
             COALESCE(CASE WHEN k.removed = 0 THEN k.full_name END, c.profile_name, c.username,
                      c.phone, c.user_id) AS display_name,
             t.message_count, t.inbound_count, t.outbound_count, t.unread_count,
             t.last_message_at, t.last_message_wamid, t.last_direction, t.last_preview,
             t.last_live_inbound_at,
             lm.type AS last_type, lm.text AS last_text, lm.content AS last_content,
             lm.revoked AS last_revoked, lm.sources AS last_sources
        FROM threads t
        JOIN customers c ON c.id = t.id
        LEFT JOIN contacts k ON k.customer_id = t.id
        LEFT JOIN messages lm ON lm.phone_number_id = t.phone_number_id
                             AND lm.wamid = t.last_message_wamid
      """;

  private static final String THREADS_WHERE =
      """
       WHERE t.phone_number_id = ?
         AND (t.last_message_at < ? OR (t.last_message_at = ? AND t.id < ?))
      """;

  private static final String THREADS_ORDER =
      """
       ORDER BY t.last_message_at DESC, t.id DESC
       LIMIT ?
      """;

  private static final String THREADS = THREAD_COLUMNS + THREADS_WHERE + THREADS_ORDER;

  private static final String THREAD = THREAD_COLUMNS + " WHERE t.phone_number_id = ? AND t.id = ?";

  // Threads by id, among a JSON array of ids (one parameter): the threads of a refresh transaction
  // read back with one statement whatever their number. On PostgreSQL the array is unpacked once
  // into an ARRAY for = ANY (as an IN subquery it would be unpacked again for every row).
  private static final String AMONG_SQLITE =
      THREAD_COLUMNS + " WHERE t.id IN (SELECT value FROM json_each(?))";

  private static final String AMONG_POSTGRESQL =
      THREAD_COLUMNS
          + """
             WHERE t.id = ANY (ARRAY(SELECT CAST(jsonb_array_elements_text(CAST(? AS jsonb))
                                                 AS bigint)))
            """;

  private final Database database;

  public ThreadQueries(final Database database) {
    this.database = database;
  }

  /**
   * Threads of a number, newest activity first.
   *
   * @param after the {@link Page#next()} of the previous page, or null for the first page
   */
  public Page<ThreadView, ThreadCursor> page(
      final String phoneNumberId, final ThreadCursor after, final int limit) throws SQLException {
    return page(phoneNumberId, ThreadFilter.NONE, after, limit);
  }

  /**
   * The threads of a number that {@code filter} keeps, newest activity first.
   *
   * @param after the {@link Page#next()} of the previous page, or null for the first page
   */
  public Page<ThreadView, ThreadCursor> page(
      final String phoneNumberId,
      final ThreadFilter filter,
      final ThreadCursor after,
      final int limit)
      throws SQLException {
    final String sql =
        filter.isNone()
            ? THREADS
            : THREAD_COLUMNS + THREADS_WHERE + filter.conditions() + THREADS_ORDER;
    try (Connection connection = database.pool().getConnection();
        PreparedStatement select = connection.prepareStatement(sql)) {
      select.setString(1, phoneNumberId);
      select.setLong(2, after == null ? Long.MAX_VALUE : after.lastMessageAt());
      select.setLong(3, after == null ? Long.MAX_VALUE : after.lastMessageAt());
      select.setLong(4, after == null ? Long.MAX_VALUE : after.threadId());
      select.setInt(filter.bind(select, 5), limit + 1);
      final List<ThreadView> threads = new ArrayList<>();
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          threads.add(thread(rows));
        }
      }
      if (threads.size() <= limit) {
        return new Page<>(threads, null);
      }
      final ThreadView last = threads.get(limit - 1);
      return new Page<>(
          threads.subList(0, limit),
          new ThreadCursor(
              last.lastMessageAt() == null ? 0 : last.lastMessageAt().getEpochSecond(),
              last.threadId()));
    }
  }

  public Optional<ThreadView> find(final String phoneNumberId, final long threadId)
      throws SQLException {
    try (Connection connection = database.pool().getConnection();
        PreparedStatement select = connection.prepareStatement(THREAD)) {
      select.setString(1, phoneNumberId);
      select.setLong(2, threadId);
      try (ResultSet row = select.executeQuery()) {
        return row.next() ? Optional.of(thread(row)) : Optional.empty();
      }
    }
  }

  /** The threads of these ids that exist, by id, read with one statement. */
  static Map<Long, ThreadView> among(
      final Statements statements, final Engine engine, final Collection<Long> ids)
      throws SQLException {
    final Map<Long, ThreadView> threads = new HashMap<>();
    if (ids.isEmpty()) {
      return threads;
    }
    final PreparedStatement select =
        statements.prepare(engine == Engine.POSTGRESQL ? AMONG_POSTGRESQL : AMONG_SQLITE);
    select.setString(
        1, ids.stream().map(String::valueOf).collect(Collectors.joining(",", "[", "]")));
    try (ResultSet rows = select.executeQuery()) {
      while (rows.next()) {
        final ThreadView thread = thread(rows);
        threads.put(thread.threadId(), thread);
      }
    }
    return threads;
  }

  private static ThreadView thread(final ResultSet row) throws SQLException {
    final long lastLiveInbound = row.getLong("last_live_inbound_at");
    final boolean noLiveInbound = row.wasNull();
    return new ThreadView(
        row.getLong("id"),
        row.getString("phone_number_id"),
        new CustomerIdentity(
            row.getString("phone"),
            row.getString("user_id"),
            row.getString("parent_user_id"),
            row.getString("username")),
        row.getString("display_name"),
        row.getInt("message_count"),
        row.getInt("inbound_count"),
        row.getInt("outbound_count"),
        row.getInt("unread_count"),
        seconds(row.getLong("last_message_at")),
        row.getString("last_message_wamid"),
        row.getString("last_direction"),
        preview(row),
        noLiveInbound ? null : seconds(lastLiveInbound));
  }

  /**
   * The last message in words, from the message itself: the figure kept in {@code last_preview}
   * holds only its text or its type in brackets, and rewording it there would need every thread of
   * every store recomputed; a join on the (number, wamid) key costs one probe per thread shown.
   */
  private static final Set<MessageSource> API_ONLY = Set.of(MessageSource.API);

  private static String preview(final ResultSet row) throws SQLException {
    final String type = row.getString("last_type");
    final String text = row.getString("last_text");
    final String content = row.getString("last_content");
    final boolean revoked = row.getInt("last_revoked") == 1;
    final int sources = row.getInt("last_sources");
    if (row.wasNull()) {
      return row.getString("last_preview"); // the message is not found (not stored any more)
    }
    if (type == null && text == null && !revoked && MessageSource.of(sources).equals(API_ONLY)) {
      // a record made from a status: sent through the Cloud API, its content never seen here
      return "Sent through the Cloud API";
    }
    return MessagePreview.of(type, text, content, revoked);
  }
}
