package dev.coexist.store;

import static dev.coexist.store.EpochTimes.seconds;

import dev.coexist.db.Database;
import dev.coexist.db.Engine;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The messages of a thread, paged by keyset in either direction, and single messages with what is
 * attached to them ({@link MessageDetailQueries}).
 */
public final class MessageQueries {
  private static final String MESSAGE_COLUMNS =
      """
      SELECT id, phone_number_id, wamid, thread_id, direction, sources, type, content, text,
             text_original, sent_at, reply_to_wamid, media_id, media_mime_type, media_sha256,
             media_caption, media_filename, media_placeholder, history_status, status, status_at,
             edit_count, edited_at, revoked, revoked_at, errors
        FROM messages
      """;

  private static final String MESSAGES_AFTER =
      MESSAGE_COLUMNS
          + """
             WHERE phone_number_id = ? AND thread_id = ?
               AND (sent_at > ? OR (sent_at = ? AND id > ?))
             ORDER BY sent_at, id
             LIMIT ?
            """;

  private static final String MESSAGES_BEFORE =
      MESSAGE_COLUMNS
          + """
             WHERE phone_number_id = ? AND thread_id = ?
               AND (sent_at < ? OR (sent_at = ? AND id < ?))
             ORDER BY sent_at DESC, id DESC
             LIMIT ?
            """;

  private static final String MESSAGE =
      MESSAGE_COLUMNS + " WHERE phone_number_id = ? AND wamid = ?";

  // A message by its wamid alone. PostgreSQL: every row of the wamid through the
  // messages_by_wamid index, the first number chosen here (a probe per number, even in one
  // statement, was most of a poll's cost at hundreds of polls a second; with ORDER BY ... LIMIT 1
  // the planner walked the whole (phone_number_id, wamid) key instead, 2 ms a poll for a wamid not
  // stored yet). SQLite: a probe of the (phone_number_id, wamid) key per number of the IN list, in
  // process; an index of its own would cost every message insert (a history import 30 % of its
  // rate) for little.
  private static final String MESSAGE_OF_ANY_NUMBER_POSTGRESQL =
      MESSAGE_COLUMNS + " WHERE wamid = ?";

  private static final String MESSAGE_OF_ANY_NUMBER_SQLITE =
      MESSAGE_COLUMNS
          + """
             WHERE phone_number_id IN (SELECT phone_number_id FROM numbers) AND wamid = ?
             ORDER BY phone_number_id
             LIMIT 1
            """;

  // A reaction by its own wamid, with its target's thread: a probe of message_actions' key per
  // number (as for a message of any number on SQLite; message_actions has no wamid index).
  private static final String REACTION_OF_ANY_NUMBER =
      """
      SELECT a.phone_number_id, a.wamid, a.target_wamid, a.direction, a.sources, a.actor,
             a.acted_at, a.emoji, a.content, m.thread_id
        FROM message_actions a
        LEFT JOIN messages m ON m.phone_number_id = a.phone_number_id AND m.wamid = a.target_wamid
       WHERE a.phone_number_id IN (SELECT phone_number_id FROM numbers) AND a.wamid = ?
         AND a.kind = 'reaction'
       ORDER BY a.phone_number_id
       LIMIT 1
      """;

  private final Database database;
  private final MessageDetailQueries details;

  public MessageQueries(final Database database) {
    this.database = database;
    this.details = new MessageDetailQueries(database);
  }

  /**
   * Messages of a thread, oldest first. With neither cursor: the oldest page. With {@code after}:
   * the page after it. With {@code before}: the page just before it (still oldest first).
   */
  public MessagePage page(
      final String phoneNumberId,
      final long threadId,
      final MessageCursor before,
      final MessageCursor after,
      final int limit)
      throws SQLException {
    final boolean backwards = before != null;
    final MessageCursor from =
        backwards ? before : after != null ? after : new MessageCursor(Long.MIN_VALUE, 0);
    try (Connection connection = database.pool().getConnection()) {
      final List<MessageView> page = new ArrayList<>();
      final boolean more;
      try (PreparedStatement select =
          connection.prepareStatement(backwards ? MESSAGES_BEFORE : MESSAGES_AFTER)) {
        bindPage(select, phoneNumberId, threadId, from, limit + 1);
        try (ResultSet rows = select.executeQuery()) {
          while (rows.next()) {
            page.add(message(rows));
          }
        }
        more = page.size() > limit;
        if (more) {
          page.remove(page.size() - 1);
        }
      }
      if (backwards) {
        Collections.reverse(page);
      }
      if (page.isEmpty()) {
        return new MessagePage(page, null, null);
      }
      final MessageCursor first = page.get(0).cursor();
      final MessageCursor last = page.get(page.size() - 1).cursor();
      final boolean older =
          backwards ? more : exists(connection, MESSAGES_BEFORE, phoneNumberId, threadId, first);
      final boolean newer =
          backwards ? exists(connection, MESSAGES_AFTER, phoneNumberId, threadId, last) : more;
      return new MessagePage(page, older ? first : null, newer ? last : null);
    }
  }

  private static boolean exists(
      final Connection connection,
      final String sql,
      final String phoneNumberId,
      final long threadId,
      final MessageCursor from)
      throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(sql)) {
      bindPage(select, phoneNumberId, threadId, from, 1);
      try (ResultSet rows = select.executeQuery()) {
        return rows.next();
      }
    }
  }

  private static void bindPage(
      final PreparedStatement select,
      final String phoneNumberId,
      final long threadId,
      final MessageCursor from,
      final int limit)
      throws SQLException {
    select.setString(1, phoneNumberId);
    select.setLong(2, threadId);
    select.setLong(3, from.sentAt());
    select.setLong(4, from.sentAt());
    select.setLong(5, from.id());
    select.setInt(6, limit);
  }

  /**
   * The current reactions of each of {@code wamids} (one page of a thread), in one query: a map
   * from target wamid to its reactions; messages without any are absent.
   */
  public Map<String, List<ActionView>> reactions(
      final String phoneNumberId, final List<String> wamids) throws SQLException {
    return details.reactions(phoneNumberId, wamids);
  }

  /**
   * One message with its status history, edits, revokes and reactions, looked up by wamid in every
   * number (a wamid is unique per number; should two numbers hold it, the first number wins).
   */
  public Optional<MessageDetail> find(final String wamid) throws SQLException {
    // one connection for all the queries: a live message is read this way right after it is
    // announced, and polled until it is
    try (Connection connection = database.pool().getConnection();
        PreparedStatement select =
            connection.prepareStatement(
                database.engine() == Engine.POSTGRESQL
                    ? MESSAGE_OF_ANY_NUMBER_POSTGRESQL
                    : MESSAGE_OF_ANY_NUMBER_SQLITE)) {
      select.setString(1, wamid);
      final Optional<MessageView> found;
      try (ResultSet rows = select.executeQuery()) {
        found = firstNumbers(rows);
      }
      if (found.isEmpty()) {
        return Optional.empty();
      }
      try (OwnStatements statements = new OwnStatements(connection)) {
        return Optional.of(MessageDetailQueries.detail(statements, found.get()));
      }
    }
  }

  /** A reaction by its own wamid (in the first number that holds it), as a message of its own. */
  public Optional<ReactionView> reaction(final String wamid) throws SQLException {
    try (Connection connection = database.pool().getConnection();
        PreparedStatement select = connection.prepareStatement(REACTION_OF_ANY_NUMBER)) {
      select.setString(1, wamid);
      try (ResultSet row = select.executeQuery()) {
        if (!row.next()) {
          return Optional.empty();
        }
        final long thread = row.getLong(10);
        return Optional.of(
            new ReactionView(
                row.getString(1),
                row.getString(2),
                row.wasNull() ? null : thread,
                row.getString(3),
                row.getString(4),
                MessageSource.of(row.getInt(5)),
                row.getString(6),
                seconds(row.getLong(7)),
                row.getString(8),
                row.getString(9)));
      }
    }
  }

  /** The row of the first number among the rows read (the same wamid under several numbers). */
  private static Optional<MessageView> firstNumbers(final ResultSet rows) throws SQLException {
    MessageView first = null;
    while (rows.next()) {
      final MessageView message = message(rows);
      if (first == null || message.phoneNumberId().compareTo(first.phoneNumberId()) < 0) {
        first = message;
      }
    }
    return Optional.ofNullable(first);
  }

  public Optional<MessageDetail> find(final String phoneNumberId, final String wamid)
      throws SQLException {
    try (Connection connection = database.pool().getConnection();
        OwnStatements statements = new OwnStatements(connection)) {
      return detail(statements, phoneNumberId, wamid);
    }
  }

  /**
   * One message of a number with its status history, edits, revokes and reactions: three reads by
   * key.
   */
  static Optional<MessageDetail> detail(
      final Statements statements, final String phoneNumberId, final String wamid)
      throws SQLException {
    final PreparedStatement select = statements.prepare(MESSAGE);
    select.setString(1, phoneNumberId);
    select.setString(2, wamid);
    final MessageView found;
    try (ResultSet row = select.executeQuery()) {
      if (!row.next()) {
        return Optional.empty();
      }
      found = message(row);
    }
    return Optional.of(MessageDetailQueries.detail(statements, found));
  }

  static MessageView message(final ResultSet row) throws SQLException {
    final String mediaId = row.getString("media_id");
    final boolean placeholder = row.getInt("media_placeholder") == 1;
    final long editedAt = row.getLong("edited_at");
    final long revokedAt = row.getLong("revoked_at");
    return new MessageView(
        row.getLong("id"),
        row.getString("phone_number_id"),
        row.getString("wamid"),
        row.getLong("thread_id"),
        row.getString("direction"),
        MessageSource.of(row.getInt("sources")),
        row.getString("type"),
        StoredContent.read(
            row.getString("type"), row.getString("content"), row.getString("text_original")),
        row.getString("text"),
        row.getString("text_original"),
        seconds(row.getLong("sent_at")),
        row.getString("reply_to_wamid"),
        mediaId == null && !placeholder
            ? null
            : new MediaView(
                mediaId,
                row.getString("media_mime_type"),
                row.getString("media_sha256"),
                row.getString("media_caption"),
                row.getString("media_filename"),
                placeholder),
        row.getString("history_status"),
        row.getString("status"),
        seconds(row.getLong("status_at")),
        row.getInt("edit_count"),
        seconds(editedAt),
        row.getInt("revoked") == 1,
        seconds(revokedAt),
        row.getString("errors"));
  }
}
