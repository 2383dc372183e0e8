package dev.coexist.store;

import dev.coexist.db.Database;
import dev.coexist.db.Engine;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.postgresql.PGStatement;

/**
 * Messages found by their words (the engines' own full-text indexes: SQLite FTS5 {@code
 * messages_search}, PostgreSQL GIN over {@code message_words(...)}, both kept in the apply
 * transaction) or by their exact wamid, newest first, in every number or in one.
 */
public final class MessageSearch {
  private static final String COLUMNS =
      """
      SELECT m.id, m.phone_number_id, m.wamid, m.thread_id, m.direction, m.sources, m.type,
             m.content, m.text, m.text_original, m.sent_at, m.reply_to_wamid, m.media_id,
             m.media_mime_type, m.media_sha256, m.media_caption, m.media_filename,
             m.media_placeholder, m.history_status, m.status, m.status_at, m.edit_count,
             m.edited_at, m.revoked, m.revoked_at, m.errors
      """;

  // newest first, strictly older than the cursor; the number is optional (NULL: every number)
  private static final String PAGE =
      """
         AND (CAST(? AS TEXT) IS NULL OR m.phone_number_id = ?)
         AND (m.sent_at, m.id) < (?, ?)
       ORDER BY m.sent_at DESC, m.id DESC
       LIMIT ?
      """;

  // FTS5 walks the words' entries by their time key (sent_at * 2^31 + id, see the migration),
  // newest first, from below the cursor's key, and stops after the page; the messages are read by
  // their id, the key's low 31 bits
  private static final String BY_WORDS_SQLITE =
      COLUMNS
          + """
              FROM messages_search s
              JOIN messages m ON m.id = (s.rowid & 2147483647)
             WHERE messages_search MATCH ?
               AND s.rowid < ?
               AND (CAST(? AS TEXT) IS NULL OR m.phone_number_id = ?)
             ORDER BY s.rowid DESC
             LIMIT ?
            """;

  /** The search key of a message: its time, then its id (below 2^31), in one integer. */
  static long sqliteKey(final long sentAt, final long id) {
    return sentAt * 2_147_483_648L + id;
  }

  // the column and the predicate of the messages_by_words index, exactly as indexed
  private static final String BY_WORDS_POSTGRESQL =
      COLUMNS
          + """
              FROM messages m
             WHERE m.words @@ to_tsquery('simple', search_fold(?))
               AND (m.text IS NOT NULL OR m.media_caption IS NOT NULL
                    OR m.media_filename IS NOT NULL)
            """
          + PAGE;

  /**
   * PostgreSQL, first: the newest messages with words, walked by time (messages_with_words_by_time)
   * up to this many, each checked by its stored words. A word many messages hold fills its page
   * here in a few milliseconds; the words' index would fetch and sort every message that has it
   * (160,000 for two common words in a million messages: 400 ms), and the planner, which takes two
   * words as independent, chose it for them. A page not filled here is asked of the index, which is
   * fast for the words fewer messages hold.
   */
  private static final int RECENT_WALK = 2_000;

  private static final String RECENT_BY_WORDS_POSTGRESQL =
      COLUMNS
          + """
              FROM (SELECT * FROM messages m
                     WHERE (m.text IS NOT NULL OR m.media_caption IS NOT NULL
                            OR m.media_filename IS NOT NULL)
                       AND (CAST(? AS TEXT) IS NULL OR m.phone_number_id = ?)
                       AND (m.sent_at, m.id) < (?, ?)
                     ORDER BY m.sent_at DESC, m.id DESC
                     LIMIT ?) m
             WHERE m.words @@ to_tsquery('simple', search_fold(?))
             ORDER BY m.sent_at DESC, m.id DESC
             LIMIT ?
            """;

  // PostgreSQL: the messages_by_wamid index. SQLite keeps no wamid index: a probe of the
  // (phone_number_id, wamid) key per number (MessageQueries).
  private static final String BY_WAMID_POSTGRESQL = COLUMNS + " FROM messages m WHERE m.wamid = ?";

  private static final String BY_WAMID_SQLITE =
      COLUMNS
          + """
              FROM messages m
             WHERE m.phone_number_id IN (SELECT phone_number_id FROM numbers) AND m.wamid = ?
            """;

  private final Database database;

  public MessageSearch(final Database database) {
    this.database = database;
  }

  /**
   * The messages that have every word (as a word or the beginning of one), newest first.
   *
   * @param phoneNumberId only this number's messages; null for every number
   * @param after the {@link Page#next()} of the previous page, null for the first page
   */
  public Page<SearchHit, MessageCursor> byWords(
      final SearchTerms terms,
      final String phoneNumberId,
      final MessageCursor after,
      final int limit)
      throws SQLException {
    if (terms.isEmpty()) {
      return new Page<>(List.of(), null);
    }
    final long sentAt = after == null ? Long.MAX_VALUE : after.sentAt();
    final long id = after == null ? Long.MAX_VALUE : after.id();
    try (Connection connection = database.pool().getConnection()) {
      final List<MessageView> found;
      if (database.engine() == Engine.POSTGRESQL) {
        final List<MessageView> recent =
            hits(
                connection,
                RECENT_BY_WORDS_POSTGRESQL,
                phoneNumberId,
                phoneNumberId,
                sentAt,
                id,
                RECENT_WALK,
                terms.postgresqlQuery(),
                limit + 1);
        found =
            recent.size() > limit
                ? recent
                : hits(
                    connection,
                    BY_WORDS_POSTGRESQL,
                    terms.postgresqlQuery(),
                    phoneNumberId,
                    phoneNumberId,
                    sentAt,
                    id,
                    limit + 1);
      } else {
        found =
            hits(
                connection,
                BY_WORDS_SQLITE,
                SqliteWordMatch.of(connection, terms),
                sqliteKey(sentAt, id),
                phoneNumberId,
                phoneNumberId,
                limit + 1);
      }
      final boolean more = found.size() > limit;
      final List<MessageView> page = more ? found.subList(0, limit) : found;
      return new Page<>(
          withThreads(connection, page), more ? page.get(page.size() - 1).cursor() : null);
    }
  }

  /** The messages a search statement finds, its parameters bound in order. */
  private static List<MessageView> hits(
      final Connection connection, final String sql, final Object... parameters)
      throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(sql)) {
      if (select.isWrapperFor(PGStatement.class)) {
        // planned with its values every time, never as a generic plan: which index pays depends
        // on the words and the cursor
        select.unwrap(PGStatement.class).setPrepareThreshold(0);
      }
      for (int index = 0; index < parameters.length; index++) {
        select.setObject(index + 1, parameters[index]);
      }
      final List<MessageView> found = new ArrayList<>();
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          found.add(MessageQueries.message(rows));
        }
      }
      return found;
    }
  }

  /** The message of this wamid (in every number that has it, or in one), as a single page. */
  public Page<SearchHit, MessageCursor> byWamid(final String wamid, final String phoneNumberId)
      throws SQLException {
    final boolean postgresql = database.engine() == Engine.POSTGRESQL;
    try (Connection connection = database.pool().getConnection();
        PreparedStatement select =
            connection.prepareStatement(postgresql ? BY_WAMID_POSTGRESQL : BY_WAMID_SQLITE)) {
      select.setString(1, wamid);
      final List<MessageView> found = new ArrayList<>();
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          final MessageView message = MessageQueries.message(rows);
          if (phoneNumberId == null || phoneNumberId.equals(message.phoneNumberId())) {
            found.add(message);
          }
        }
      }
      return new Page<>(withThreads(connection, found), null);
    }
  }

  private List<SearchHit> withThreads(final Connection connection, final List<MessageView> page)
      throws SQLException {
    final Set<Long> ids = new LinkedHashSet<>();
    page.forEach(message -> ids.add(message.threadId()));
    final Map<Long, ThreadView> threads;
    try (OwnStatements statements = new OwnStatements(connection)) {
      threads = ThreadQueries.among(statements, database.engine(), ids);
    }
    final List<SearchHit> hits = new ArrayList<>(page.size());
    for (final MessageView message : page) {
      hits.add(new SearchHit(message, threads.get(message.threadId())));
    }
    return hits;
  }
}
