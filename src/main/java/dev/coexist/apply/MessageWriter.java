package dev.coexist.apply;

import static dev.coexist.apply.ColumnValues.direction;
import static dev.coexist.apply.ColumnValues.errors;
import static dev.coexist.apply.ColumnValues.seconds;

import dev.coexist.coexistence.Media;
import dev.coexist.coexistence.Message;
import dev.coexist.coexistence.Status;
import dev.coexist.store.MessageSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Types;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Writes messages. Every write is an upsert whose merge is order-free (bit-or of sources, maximum
 * of status rank, earliest time, a placeholder giving way to real media), so any replay in any
 * order converges. A big batch takes the cheapest way its engine offers (a plain insert first,
 * multi-row statements); statuses and actions that arrived first are attached ({@link
 * AwaitingMessages}).
 */
final class MessageWriter {
  // a message not stored yet: exactly the row UPSERT writes for it
  static final String INSERT =
      """
      INSERT INTO messages (phone_number_id, wamid, thread_id, direction, sources, type, content,
                            text_original, text, sent_at, reply_to_wamid, media_id, media_mime_type,
                            media_sha256, media_caption, media_filename, media_placeholder,
                            history_status, status, status_rank, status_at, errors, created_by)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      """;

  // created_by, the journal entry that first stored the message, is left as it is: the messages a
  // history chunk stored are those it created (outbound webhooks' per-message events).
  // "takes" = the stored row is a history media placeholder and this one carries the real message;
  // a stored plain text's content is NULL (StoredContent) and stays so, as stored JSON would stay,
  // whatever content another arrival of its wamid brings
  // A stored record of statuses alone (sources = 16, MessageSource.API: sent through the Cloud API,
  // content unknown, see ApiRecords) becomes the message that arrives: its sources, its time, its
  // journal entry (created_by) and its media state are the arrival's, as if the message had come
  // first; its thread, statuses and actions stay.
  private static final String ON_CONFLICT =
      """
      ON CONFLICT (phone_number_id, wamid) DO UPDATE SET
        sources = CASE WHEN messages.sources = 16 THEN excluded.sources
                       ELSE messages.sources | excluded.sources END,
        type = CASE WHEN messages.media_placeholder = 1 AND excluded.media_placeholder = 0
                    THEN excluded.type ELSE COALESCE(messages.type, excluded.type) END,
        content = CASE WHEN messages.media_placeholder = 1 AND excluded.media_placeholder = 0
                       THEN excluded.content
                       WHEN messages.content IS NULL AND messages.type = 'text'
                            AND messages.text_original IS NOT NULL
                       THEN NULL
                       ELSE COALESCE(messages.content, excluded.content) END,
        text_original = COALESCE(messages.text_original, excluded.text_original),
        text = CASE WHEN messages.edit_count > 0 THEN messages.text
                    ELSE COALESCE(messages.text_original, excluded.text_original) END,
        sent_at = CASE WHEN excluded.sent_at = 0 THEN messages.sent_at
                       WHEN messages.sources = 16 THEN excluded.sent_at
                       WHEN messages.sent_at = 0 OR excluded.sent_at < messages.sent_at
                       THEN excluded.sent_at ELSE messages.sent_at END,
        reply_to_wamid = COALESCE(messages.reply_to_wamid, excluded.reply_to_wamid),
        media_id = COALESCE(messages.media_id, excluded.media_id),
        media_mime_type = COALESCE(messages.media_mime_type, excluded.media_mime_type),
        media_sha256 = COALESCE(messages.media_sha256, excluded.media_sha256),
        media_caption = COALESCE(messages.media_caption, excluded.media_caption),
        media_filename = COALESCE(messages.media_filename, excluded.media_filename),
        media_placeholder = CASE WHEN messages.sources = 16 THEN excluded.media_placeholder
                                 ELSE messages.media_placeholder * excluded.media_placeholder END,
        history_status = COALESCE(messages.history_status, excluded.history_status),
        status = CASE WHEN excluded.status_rank > messages.status_rank
                        OR (excluded.status_rank = messages.status_rank
                            AND excluded.status_rank > 0 AND excluded.status_at < messages.status_at)
                      THEN excluded.status ELSE messages.status END,
        status_at = CASE WHEN excluded.status_rank > messages.status_rank
                           OR (excluded.status_rank = messages.status_rank
                               AND excluded.status_rank > 0 AND excluded.status_at < messages.status_at)
                         THEN excluded.status_at ELSE messages.status_at END,
        status_rank = CASE WHEN excluded.status_rank > messages.status_rank
                           THEN excluded.status_rank ELSE messages.status_rank END,
        errors = COALESCE(messages.errors, excluded.errors),
        created_by = CASE WHEN messages.sources = 16 THEN excluded.created_by
                          ELSE messages.created_by END
      """;

  static final String UPSERT = INSERT + ON_CONFLICT;

  // The same upsert for messages with no media, reply or errors (every history text and
  // placeholder, most live texts): the seven columns it leaves out are NULL in the row and in
  // excluded.*, exactly as when bound NULL. Binding them cost a history import about a tenth of
  // its plain insert time on SQLite, where every bound value is a call into the native library.
  static final String LEAN_INSERT =
      """
      INSERT INTO messages (phone_number_id, wamid, thread_id, direction, sources, type, content,
                            text_original, text, sent_at, media_placeholder, history_status, status,
                            status_rank, status_at, created_by)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      """;

  static final String LEAN_UPSERT = LEAN_INSERT + ON_CONFLICT;

  // SQLite: ROWS_PER_STATEMENT messages per execution of one multi-row upsert. Each execution is
  // one step through the native library instead of one per message; SQLite inserts the rows one
  // after the other, so a wamid repeated among them updates the row the statement wrote before,
  // as separate statements would. An import's insert took about a tenth less CPU.
  private static final int ROWS_PER_STATEMENT = 50;
  private static final String UPSERT_MANY = manyRows(INSERT, ROWS_PER_STATEMENT) + ON_CONFLICT;
  private static final String LEAN_UPSERT_MANY =
      manyRows(LEAN_INSERT, ROWS_PER_STATEMENT) + ON_CONFLICT;

  // PostgreSQL's SQLSTATE for a unique key violation; the plain insert runs on PostgreSQL only
  // (sqlite-jdbc reports no SQLSTATE, so there every violation would fail the batch)
  private static final String UNIQUE_VIOLATION = "23505";

  // a batch this big is a history chunk (or a big part of one); a live delivery keeps the upsert
  private static final int INSERT_FIRST_AT_LEAST = 64;

  private MessageWriter() {}

  private static int parameters(final String sql) {
    return (int) sql.chars().filter(character -> character == '?').count();
  }

  /** The insert with its one VALUES tuple repeated for {@code rows} rows. */
  static String manyRows(final String insert, final int rows) {
    final int values = insert.lastIndexOf("VALUES");
    final String tuple = insert.substring(values + "VALUES".length()).strip();
    final StringBuilder many = new StringBuilder(insert.substring(0, values)).append("VALUES ");
    for (int row = 0; row < rows; row++) {
      many.append(row == 0 ? "" : ",\n       ").append(tuple);
    }
    return many.append('\n').toString();
  }

  /**
   * One message to upsert into a customer's thread.
   *
   * @param contentJson the message's content as JSON, serialised ahead (off the writer thread)
   * @param journalId the journal entry being applied: the message's {@code created_by} if this
   *     write stores it first
   */
  record MessageWrite(
      Message message,
      long threadId,
      MessageSource source,
      Status historyStatus,
      String contentJson,
      long journalId) {}

  /** Writes a whole chunk's (or a delivery's) messages with one batch. */
  static void upsert(final WriteSession session, final String number, final List<MessageWrite> all)
      throws SQLException {
    if (all.isEmpty()) {
      return;
    }
    final boolean lean = allLean(all);
    if (all.size() >= INSERT_FIRST_AT_LEAST
        && session.dialect().insertsNewRowsFirst
        && insertedAllAsNew(session, number, all, lean)) {
      AwaitingMessages.attachAwaiting(session, number, all);
      return;
    }
    int from = 0;
    if (session.dialect().multiRowUpserts) {
      from = upsertManyRows(session, number, all, lean);
    }
    final PreparedStatement upsert = session.prepare(lean ? LEAN_UPSERT : UPSERT);
    // PostgreSQL runs a batch as multi-row statements (reWriteBatchedInserts), and one statement
    // cannot upsert the same row twice: a wamid repeated in one delivery starts a new batch, which
    // sees the row the first one wrote, as one statement per row would.
    final Set<String> inBatch = new HashSet<>();
    for (final MessageWrite write : all.subList(from, all.size())) {
      if (!inBatch.add(write.message().wamid())) {
        upsert.executeBatch();
        inBatch.clear();
        inBatch.add(write.message().wamid());
      }
      bind(upsert, 0, number, write, lean);
      upsert.addBatch();
    }
    upsert.executeBatch();
    AwaitingMessages.attachAwaiting(session, number, all);
  }

  /**
   * Upserts the leading messages {@link #ROWS_PER_STATEMENT} at a time, in order; returns how many
   * it wrote (the rest is fewer than one statement's rows).
   */
  private static int upsertManyRows(
      final WriteSession session,
      final String number,
      final List<MessageWrite> all,
      final boolean lean)
      throws SQLException {
    if (all.size() < ROWS_PER_STATEMENT) {
      return 0;
    }
    final PreparedStatement many = session.prepare(lean ? LEAN_UPSERT_MANY : UPSERT_MANY);
    final int columns = lean ? LEAN_COLUMNS : COLUMNS;
    int from = 0;
    for (; from + ROWS_PER_STATEMENT <= all.size(); from += ROWS_PER_STATEMENT) {
      for (int row = 0; row < ROWS_PER_STATEMENT; row++) {
        bind(many, row * columns, number, all.get(from + row), lean);
      }
      many.executeUpdate();
    }
    return from;
  }

  /** Whether no message of the batch has media, a reply or errors: LEAN_UPSERT writes them all. */
  private static boolean allLean(final List<MessageWrite> all) {
    for (final MessageWrite write : all) {
      if (!isLean(write)) {
        return false;
      }
    }
    return true;
  }

  /** Whether the message has no media, reply or errors: the lean statements write it. */
  static boolean isLean(final MessageWrite write) {
    final Message message = write.message();
    return message.media() == null && message.replyToWamid() == null && message.errors().isEmpty();
  }

  /**
   * Writes the messages with a plain {@code INSERT} inside a savepoint; false, with nothing
   * written, when one of them is stored already (or repeats within the batch). On PostgreSQL an
   * upsert's speculative insertion costs about twice a plain insert's server time
   * (pg_stat_statements over a history import: 22.8 against 12.4 ms for the same 1,000 rows), and
   * the messages of a history import are nearly all new. The database's unique key decides, not a
   * look-up before.
   */
  private static boolean insertedAllAsNew(
      final WriteSession session,
      final String number,
      final List<MessageWrite> all,
      final boolean lean)
      throws SQLException {
    final Connection connection = session.connection();
    final Savepoint before = connection.setSavepoint();
    final PreparedStatement insert = session.prepare(lean ? LEAN_INSERT : INSERT);
    try {
      for (final MessageWrite write : all) {
        bind(insert, 0, number, write, lean);
        insert.addBatch();
      }
      insert.executeBatch();
    } catch (SQLException refused) {
      insert.clearBatch();
      if (!isUniqueViolation(refused)) {
        throw refused;
      }
      connection.rollback(before);
      // ROLLBACK TO keeps the savepoint (and starts it again): release it, so the upsert writes
      // in the enclosing transaction, as it does without this attempt
      connection.releaseSavepoint(before);
      return false;
    }
    connection.releaseSavepoint(before);
    return true;
  }

  private static boolean isUniqueViolation(final SQLException refused) {
    for (SQLException cause = refused; cause != null; cause = cause.getNextException()) {
      if (UNIQUE_VIOLATION.equals(cause.getSQLState())) {
        return true;
      }
    }
    return false;
  }

  // the parameters of one row of INSERT and of LEAN_INSERT
  static final int COLUMNS = parameters(INSERT);
  private static final int LEAN_COLUMNS = parameters(LEAN_INSERT);

  /**
   * Binds one message to INSERT or UPSERT, or (lean) to LEAN_INSERT or LEAN_UPSERT, which have no
   * parameters for the reply, the media and the errors; {@code offset} is the parameter before the
   * row's first, for a row of a multi-row statement.
   */
  static void bind(
      final PreparedStatement upsert,
      final int offset,
      final String number,
      final MessageWrite write,
      final boolean lean)
      throws SQLException {
    final Message message = write.message();
    final long sentAt = seconds(message.timestamp());
    final Status history = write.historyStatus();
    final int statusRank = StatusRank.of(history);
    int next = offset;
    upsert.setString(++next, number);
    upsert.setString(++next, message.wamid());
    upsert.setLong(++next, write.threadId());
    upsert.setString(++next, direction(message.direction()));
    upsert.setInt(++next, write.source().bit());
    upsert.setString(++next, message.type());
    upsert.setString(++next, write.contentJson());
    upsert.setString(++next, message.text());
    upsert.setString(++next, message.text());
    upsert.setLong(++next, sentAt);
    if (!lean) {
      final Media media = message.media();
      upsert.setString(++next, message.replyToWamid());
      upsert.setString(++next, media == null ? null : media.id());
      upsert.setString(++next, media == null ? null : media.mimeType());
      upsert.setString(++next, media == null ? null : media.sha256());
      upsert.setString(++next, media == null ? null : media.caption());
      upsert.setString(++next, media == null ? null : media.filename());
    }
    upsert.setInt(++next, message.isMediaPlaceholder() ? 1 : 0);
    upsert.setString(++next, history == null ? null : history.value());
    if (statusRank > StatusRank.NONE) {
      upsert.setString(++next, history.value());
    } else {
      upsert.setNull(++next, Types.VARCHAR);
    }
    upsert.setInt(++next, statusRank);
    upsert.setLong(++next, statusRank > StatusRank.NONE ? sentAt : 0);
    if (!lean) {
      upsert.setString(++next, errors(message.errors()));
    }
    upsert.setLong(++next, write.journalId());
  }
}
