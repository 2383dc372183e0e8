package dev.coexist.apply;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.coexist.coexistence.ApiError;
import dev.coexist.coexistence.Direction;
import dev.coexist.coexistence.Media;
import dev.coexist.coexistence.Message;
import dev.coexist.coexistence.Status;
import dev.coexist.store.MessageSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Writes messages, their statuses and the messages about messages (edits, revokes, reactions).
 * Every write is an upsert whose merge is order-free (bit-or of sources, maximum of status rank,
 * earliest time, a placeholder giving way to real media), so any replay in any order converges.
 */
final class MessageWriter {
  private static final ObjectMapper JSON = new ObjectMapper();

  // a message not stored yet: exactly the row UPSERT writes for it
  private static final String INSERT =
      """
      INSERT INTO messages (phone_number_id, wamid, thread_id, direction, sources, type, content,
                            text_original, text, sent_at, reply_to_wamid, media_id, media_mime_type,
                            media_sha256, media_caption, media_filename, media_placeholder,
                            history_status, status, status_rank, status_at, errors)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      """;

  // "takes" = the stored row is a history media placeholder and this one carries the real message;
  // a stored plain text's content is NULL (StoredContent) and stays so, as stored JSON would stay,
  // whatever content another arrival of its wamid brings
  private static final String ON_CONFLICT =
      """
      ON CONFLICT (phone_number_id, wamid) DO UPDATE SET
        sources = messages.sources | excluded.sources,
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
                       WHEN messages.sent_at = 0 OR excluded.sent_at < messages.sent_at
                       THEN excluded.sent_at ELSE messages.sent_at END,
        reply_to_wamid = COALESCE(messages.reply_to_wamid, excluded.reply_to_wamid),
        media_id = COALESCE(messages.media_id, excluded.media_id),
        media_mime_type = COALESCE(messages.media_mime_type, excluded.media_mime_type),
        media_sha256 = COALESCE(messages.media_sha256, excluded.media_sha256),
        media_caption = COALESCE(messages.media_caption, excluded.media_caption),
        media_filename = COALESCE(messages.media_filename, excluded.media_filename),
        media_placeholder = messages.media_placeholder * excluded.media_placeholder,
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
        errors = COALESCE(messages.errors, excluded.errors)
      """;

  private static final String UPSERT = INSERT + ON_CONFLICT;

  // The same upsert for messages with no media, reply or errors (every history text and
  // placeholder, most live texts): the seven columns it leaves out are NULL in the row and in
  // excluded.*, exactly as when bound NULL. Binding them cost a history import about a tenth of
  // its plain insert time on SQLite, where every bound value is a call into the native library.
  private static final String LEAN_INSERT =
      """
      INSERT INTO messages (phone_number_id, wamid, thread_id, direction, sources, type, content,
                            text_original, text, sent_at, media_placeholder, history_status, status,
                            status_rank, status_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      """;

  private static final String LEAN_UPSERT = LEAN_INSERT + ON_CONFLICT;

  // SQLite: ROWS_PER_STATEMENT messages per execution of one multi-row upsert. Each execution is
  // one step through the native library instead of one per message; SQLite inserts the rows one
  // after the other, so a wamid repeated among them updates the row the statement wrote before,
  // as separate statements would. An import's insert took about a tenth less CPU.
  private static final int ROWS_PER_STATEMENT = 50;
  private static final String UPSERT_MANY = manyRows(INSERT, ROWS_PER_STATEMENT) + ON_CONFLICT;
  private static final String LEAN_UPSERT_MANY =
      manyRows(LEAN_INSERT, ROWS_PER_STATEMENT) + ON_CONFLICT;

  private static final String AWAIT =
      """
      INSERT INTO awaiting_messages (phone_number_id, wamid)
      SELECT ?, ? WHERE NOT EXISTS (SELECT 1 FROM messages WHERE phone_number_id = ? AND wamid = ?)
      ON CONFLICT (phone_number_id, wamid) DO NOTHING
      """;

  private static final String ANY_AWAITING =
      "SELECT 1 FROM awaiting_messages WHERE phone_number_id = ? LIMIT 1";

  private static final String STOP_AWAITING =
      "DELETE FROM awaiting_messages WHERE phone_number_id = ? AND wamid = ?";

  private static final String UPSERT_ACTION =
      """
      INSERT INTO message_actions (phone_number_id, wamid, target_wamid, kind, direction, sources,
                                   actor, acted_at, emoji, text, content)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (phone_number_id, wamid) DO UPDATE SET sources = message_actions.sources | excluded.sources
      """;

  // the target's edit/revoke state, derived from all its actions: the same whatever their order
  private static final String DERIVE_ACTIONS =
      """
      UPDATE messages SET
        edit_count = (SELECT count(*) FROM message_actions a
                       WHERE a.phone_number_id = messages.phone_number_id
                         AND a.target_wamid = messages.wamid AND a.kind = 'edit'),
        edited_at = (SELECT max(a.acted_at) FROM message_actions a
                      WHERE a.phone_number_id = messages.phone_number_id
                        AND a.target_wamid = messages.wamid AND a.kind = 'edit'),
        text = COALESCE((SELECT a.text FROM message_actions a
                          WHERE a.phone_number_id = messages.phone_number_id
                            AND a.target_wamid = messages.wamid AND a.kind = 'edit'
                          ORDER BY a.acted_at DESC, a.wamid DESC LIMIT 1), messages.text_original),
        revoked = CASE WHEN EXISTS (SELECT 1 FROM message_actions a
                                     WHERE a.phone_number_id = messages.phone_number_id
                                       AND a.target_wamid = messages.wamid AND a.kind = 'revoke')
                       THEN 1 ELSE 0 END,
        revoked_at = (SELECT min(a.acted_at) FROM message_actions a
                       WHERE a.phone_number_id = messages.phone_number_id
                         AND a.target_wamid = messages.wamid AND a.kind = 'revoke')
       WHERE phone_number_id = ? AND wamid = ?
      RETURNING thread_id
      """;

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
  private static String manyRows(final String insert, final int rows) {
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
   */
  record MessageWrite(
      Message message,
      long threadId,
      MessageSource source,
      Status historyStatus,
      String contentJson) {}

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
      attachAwaiting(session, number, all);
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
    attachAwaiting(session, number, all);
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
      final Message message = write.message();
      if (message.media() != null
          || message.replyToWamid() != null
          || !message.errors().isEmpty()) {
        return false;
      }
    }
    return true;
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
  private static final int COLUMNS = parameters(INSERT);
  private static final int LEAN_COLUMNS = parameters(LEAN_INSERT);

  /**
   * Binds one message to INSERT or UPSERT, or (lean) to LEAN_INSERT or LEAN_UPSERT, which have no
   * parameters for the reply, the media and the errors; {@code offset} is the parameter before the
   * row's first, for a row of a multi-row statement.
   */
  private static void bind(
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
  }

  /**
   * Statuses and actions that arrived before their message: attach them now. One query for the
   * whole batch; usually it finds nothing.
   */
  private static void attachAwaiting(
      final WriteSession session, final String number, final List<MessageWrite> all)
      throws SQLException {
    final PreparedStatement any = session.prepare(ANY_AWAITING);
    any.setString(1, number);
    try (ResultSet row = any.executeQuery()) {
      if (!row.next()) {
        return;
      }
    }
    final List<String> wamids = new ArrayList<>(all.size());
    for (final MessageWrite write : all) {
      wamids.add(write.message().wamid());
    }
    final Set<String> awaiting = new HashSet<>();
    final PreparedStatement among = session.prepare(session.dialect().awaitingAmong);
    among.setString(1, number);
    among.setString(2, json(wamids));
    try (ResultSet rows = among.executeQuery()) {
      while (rows.next()) {
        awaiting.add(rows.getString(1));
      }
    }
    for (final String wamid : awaiting) {
      attach(session, number, wamid);
    }
  }

  private static void attach(final WriteSession session, final String number, final String wamid)
      throws SQLException {
    StatusWriter.attach(session, number, wamid);
    deriveActions(session, number, wamid);
    final PreparedStatement stop = session.prepare(STOP_AWAITING);
    stop.setString(1, number);
    stop.setString(2, wamid);
    stop.executeUpdate();
  }

  /** An edit, revoke or reaction: kept by its own wamid and applied to its target when there. */
  static void action(
      final WriteSession session,
      final String number,
      final Message message,
      final String kind,
      final MessageSource source)
      throws SQLException {
    final PreparedStatement upsert = session.prepare(UPSERT_ACTION);
    final var actor = message.direction() == Direction.OUTBOUND ? null : message.from();
    upsert.setString(1, number);
    upsert.setString(2, message.wamid());
    upsert.setString(3, message.targetWamid());
    upsert.setString(4, kind);
    upsert.setString(5, direction(message.direction()));
    upsert.setInt(6, source.bit());
    upsert.setString(
        7,
        message.direction() == Direction.OUTBOUND
            ? "business"
            : actor.phone() != null ? actor.phone() : actor.userId());
    upsert.setLong(8, seconds(message.timestamp()));
    upsert.setString(9, message.emoji());
    upsert.setString(10, "edit".equals(kind) ? message.text() : null);
    upsert.setString(11, message.content() == null ? null : message.content().toString());
    upsert.executeUpdate();
    if (!deriveActions(session, number, message.targetWamid())) {
      awaitIfMissing(session, number, message.targetWamid());
    }
  }

  /** Whether the target exists; its thread's preview may have changed (edit, revoke). */
  private static boolean deriveActions(
      final WriteSession session, final String number, final String target) throws SQLException {
    final PreparedStatement derive = session.prepare(DERIVE_ACTIONS);
    derive.setString(1, number);
    derive.setString(2, target);
    try (ResultSet row = derive.executeQuery()) {
      if (row.next()) {
        session.touch(row.getLong(1));
        return true;
      }
      return false;
    }
  }

  static void awaitIfMissing(final WriteSession session, final String number, final String wamid)
      throws SQLException {
    final PreparedStatement await = session.prepare(AWAIT);
    await.setString(1, number);
    await.setString(2, wamid);
    await.setString(3, number);
    await.setString(4, wamid);
    await.executeUpdate();
  }

  static String direction(final Direction direction) {
    return switch (direction) {
      case INBOUND -> "inbound";
      case OUTBOUND -> "outbound";
    };
  }

  static long seconds(final Instant instant) {
    return instant == null ? 0 : instant.getEpochSecond();
  }

  static String errors(final List<ApiError> errors) {
    return errors == null || errors.isEmpty() ? null : json(errors);
  }

  static String json(final Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException unexpected) {
      throw new IllegalStateException("cannot write JSON of " + value, unexpected);
    }
  }
}
