package dev.coexist.apply;

import static dev.coexist.apply.ColumnValues.direction;
import static dev.coexist.apply.ColumnValues.errors;
import static dev.coexist.apply.ColumnValues.seconds;

import dev.coexist.apply.MessageWriter.MessageWrite;
import dev.coexist.coexistence.Media;
import dev.coexist.coexistence.Message;
import dev.coexist.coexistence.Status;
import dev.coexist.store.MediaView;
import dev.coexist.store.MessageDetail;
import dev.coexist.store.MessageSource;
import dev.coexist.store.MessageView;
import dev.coexist.store.StoredContent;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * Writes a message that arrives on its own (a live message, an echo, a history media follow-up) and
 * says what the message then is, for the change it makes. A message not stored yet is written with
 * an insert that says it wrote the row (RETURNING its id): the message is then exactly what was
 * bound, so it is built in memory, without a read, unless statuses or actions that arrived before
 * it were just attached. Only then, or when the message was stored already (a replay, an echo of an
 * imported message) and the upsert merged it, is it read back by its key, in the transaction.
 */
final class OneMessageWriter {
  // the row UPSERT writes for a message not stored yet; no row back when it is stored already
  private static final String INSERT_NEW = insertNew(MessageWriter.INSERT);
  private static final String LEAN_INSERT_NEW = insertNew(MessageWriter.LEAN_INSERT);

  private OneMessageWriter() {}

  private static String insertNew(final String insert) {
    return insert + "ON CONFLICT (phone_number_id, wamid) DO NOTHING\nRETURNING id\n";
  }

  /**
   * What writing a message did: the message as {@code GET /api/v1/messages/{wamid}} now shows it,
   * and whether it was new or merged into a row stored before (a record made from a status, an
   * imported message, an earlier delivery of the same wamid).
   */
  record Written(MessageDetail message, boolean merged) {
    /** The change writing the message made. */
    StoreChange change(final String number, final String wamid, final MessageSource source) {
      if (source == MessageSource.MEDIA_FOLLOWUP) {
        return StoreChange.messageUpdated(number, wamid, "media", null, message);
      }
      return merged
          ? StoreChange.messageUpdated(number, wamid, "merged", null, message)
          : StoreChange.messageCreated(message, source);
    }
  }

  /** Writes the message; returns what it now is. */
  static Written write(final WriteSession session, final String number, final MessageWrite write)
      throws SQLException {
    final boolean lean = MessageWriter.isLean(write);
    final PreparedStatement insert = session.prepare(lean ? LEAN_INSERT_NEW : INSERT_NEW);
    MessageWriter.bind(insert, 0, number, write, lean);
    Long id = null;
    try (ResultSet row = insert.executeQuery()) {
      if (row.next()) {
        id = row.getLong(1);
      }
    }
    if (id == null) {
      return merge(session, number, write);
    }
    final boolean attached =
        !AwaitingMessages.attachAwaiting(session, number, List.of(write)).isEmpty();
    return new Written(inserted(session, number, write, id, attached), false);
  }

  /**
   * Merges a message whose wamid is stored already (a replay, an echo of an imported message, a
   * record of statuses) into its row, attaches what waited for it, and reads what it became.
   */
  static Written merge(final WriteSession session, final String number, final MessageWrite write)
      throws SQLException {
    final boolean lean = MessageWriter.isLean(write);
    final PreparedStatement upsert =
        session.prepare(lean ? MessageWriter.LEAN_UPSERT : MessageWriter.UPSERT);
    MessageWriter.bind(upsert, 0, number, write, lean);
    upsert.executeUpdate();
    AwaitingMessages.attachAwaiting(session, number, List.of(write));
    return new Written(readBack(session, number, write.message().wamid()), true);
  }

  /**
   * A message its insert stored as new, as the API now shows it: built in memory from what was
   * bound, unless statuses or actions that arrived before it were just attached ({@code attached});
   * then read back.
   */
  static MessageDetail inserted(
      final WriteSession session,
      final String number,
      final MessageWrite write,
      final long id,
      final boolean attached)
      throws SQLException {
    if (attached) {
      return readBack(session, number, write.message().wamid());
    }
    return new MessageDetail(
        written(id, number, write), List.of(), List.of(), List.of(), List.of(), List.of());
  }

  private static MessageDetail readBack(
      final WriteSession session, final String number, final String wamid) throws SQLException {
    return session
        .reads()
        .message(session, number, wamid)
        .orElseThrow(
            () -> new IllegalStateException("message " + wamid + " written but not found"));
  }

  /**
   * The message as its new row reads back (MessageQueries): exactly the values {@link
   * MessageWriter#bind} writes, and the defaults of what it does not (no edit, no revoke).
   */
  static MessageView written(final long id, final String number, final MessageWrite write) {
    final Message message = write.message();
    final long sentAt = seconds(message.timestamp());
    final Status history = write.historyStatus();
    final boolean hasStatus = StatusRank.of(history) > StatusRank.NONE;
    final Media media = message.media();
    final String mediaId = media == null ? null : media.id();
    final boolean placeholder = message.isMediaPlaceholder();
    return new MessageView(
        id,
        number,
        message.wamid(),
        write.threadId(),
        direction(message.direction()),
        Set.of(write.source()),
        message.type(),
        StoredContent.read(message.type(), write.contentJson(), message.text()),
        message.text(),
        message.text(),
        instant(sentAt),
        message.replyToWamid(),
        mediaId == null && !placeholder
            ? null
            : new MediaView(
                mediaId,
                media == null ? null : media.mimeType(),
                media == null ? null : media.sha256(),
                media == null ? null : media.caption(),
                media == null ? null : media.filename(),
                placeholder),
        history == null ? null : history.value(),
        hasStatus ? history.value() : null,
        hasStatus ? instant(sentAt) : null,
        0,
        null,
        false,
        null,
        errors(message.errors()));
  }

  /** Epoch seconds as the store reads them back: 0 (unknown) is null. */
  private static Instant instant(final long epochSeconds) {
    return epochSeconds == 0 ? null : Instant.ofEpochSecond(epochSeconds);
  }
}
