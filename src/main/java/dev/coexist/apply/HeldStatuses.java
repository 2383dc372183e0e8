package dev.coexist.apply;

import dev.coexist.coexistence.CoexistenceEvent;
import dev.coexist.coexistence.InboundMessage;
import dev.coexist.coexistence.Message;
import dev.coexist.coexistence.MessageEcho;
import dev.coexist.coexistence.Origin;
import dev.coexist.coexistence.StatusUpdate;
import dev.coexist.store.MessageSource;
import dev.coexist.store.StatusView;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.postgresql.PGStatement;

/**
 * PostgreSQL: the statuses of an apply transaction, kept with one statement. Every statement of an
 * apply transaction is a round trip, and on a busy machine each one waits for the CPU twice (the
 * database's process, then the processor's thread); written a statement each, a read of live
 * deliveries spent about half its round trips on its statuses. So while a read is applied in one
 * go, a status is held, with places kept for its changes, like a live message ({@link
 * HeldMessages}); both are written when an event needs the store as it is after them, or the read
 * ends. Nothing passes a held status of its message (a message of its wamid, another status of it),
 * nor a status a held message of its wamid: a flush holds one status per message at most, none of a
 * held message, so what it writes does not depend on the order its rows are written in, and each
 * status gets what {@link StatusWriter#status} gave it alone (a repeat of a kept status is read
 * back, a status of a message not stored makes its record).
 */
final class HeldStatuses {
  static final String KEEP_MANY =
      """
      WITH s AS (
        SELECT *
          FROM unnest(CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]), CAST(? AS bigint[]),
                      CAST(? AS integer[]), CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]),
                      CAST(? AS text[]), CAST(? AS text[]))
               WITH ORDINALITY
               AS s(number, wamid, status, at, rank, phone, user_id, errors, pricing, biz, position)),
      kept AS (
        INSERT INTO message_statuses (phone_number_id, wamid, status, status_at, status_rank,
                                      recipient_phone, recipient_user_id, errors, pricing,
                                      biz_opaque_callback_data)
        SELECT number, wamid, status, at, rank, phone, user_id, errors, pricing, biz
          FROM s ORDER BY position
        ON CONFLICT (phone_number_id, wamid, status, status_at) DO NOTHING
        RETURNING phone_number_id, wamid, status, status_at),
      -- a data-modifying WITH runs to completion whether or not the query reads it
      moved AS (
        UPDATE messages m SET status = s.status, status_rank = s.rank, status_at = s.at
          FROM s
         WHERE m.phone_number_id = s.number AND m.wamid = s.wamid AND s.rank > 0
           AND (m.status_rank < s.rank OR (m.status_rank = s.rank AND m.status_at > s.at)))
      SELECT EXISTS (SELECT 1 FROM kept k
                      WHERE k.phone_number_id = s.number AND k.wamid = s.wamid
                        AND k.status = s.status AND k.status_at = s.at),
             m.thread_id, m.sources, m.sent_at
        FROM s
        LEFT JOIN messages m ON m.phone_number_id = s.number AND m.wamid = s.wamid
       ORDER BY s.position
      """;

  private record Held(String number, StatusUpdate update, List<StoreChange> changes, int slot) {}

  /** What the statement returned for one status. */
  private record Row(boolean kept, ApiRecords.Stored stored) {}

  private final List<Held> held = new ArrayList<>();
  private final Set<String> keys = new HashSet<>();

  boolean isEmpty() {
    return held.isEmpty();
  }

  /**
   * Holds a status; its changes go where they would have gone in {@code changes}: the record of its
   * message when the status makes one, then the status itself.
   */
  void hold(final String number, final StatusUpdate update, final List<StoreChange> changes) {
    if (holds(number, update.wamid())) {
      throw new IllegalStateException("a second status of " + update.wamid() + " held");
    }
    changes.add(null);
    changes.add(null);
    held.add(new Held(number, update, changes, changes.size() - 2));
    keys.add(HeldMessages.key(number, update.wamid()));
  }

  /** Whether {@code event} may be applied before the held statuses are written. */
  boolean mayPass(final CoexistenceEvent event) {
    if (held.isEmpty()) {
      return true;
    }
    return switch (event) {
      case InboundMessage inbound -> passes(inbound.origin(), inbound.message());
      case MessageEcho echo -> passes(echo.origin(), echo.message());
      case StatusUpdate status -> !holds(status.origin().phoneNumberId(), status.wamid());
      default -> false;
    };
  }

  /** Whether a status of this message is held. */
  boolean holds(final String number, final String wamid) {
    return wamid != null && keys.contains(HeldMessages.key(number, wamid));
  }

  private boolean passes(final Origin origin, final Message message) {
    return !holds(origin.phoneNumberId(), message.wamid())
        && !holds(origin.phoneNumberId(), message.targetWamid());
  }

  /** Keeps the held statuses and puts their changes in place. */
  void write(final WriteSession session) throws SQLException {
    if (held.isEmpty()) {
      return;
    }
    final List<Row> rows = keep(session);
    for (int index = 0; index < held.size(); index++) {
      final Held status = held.get(index);
      final StatusUpdate update = status.update();
      final long at = ColumnValues.seconds(update.timestamp());
      final StatusView view =
          rows.get(index).kept()
              ? StatusWriter.bound(
                  update, at, StatusWriter.errors(update), StatusWriter.pricing(update))
              : StatusWriter.readBack(session, status.number(), update, at);
      final StatusWriter.Written written =
          ApiRecords.after(session, status.number(), update, at, view, rows.get(index).stored());
      if (written.created() != null) {
        status
            .changes()
            .set(status.slot(), StoreChange.messageCreated(written.created(), MessageSource.API));
      }
      status
          .changes()
          .set(
              status.slot() + 1,
              StoreChange.status(
                  status.number(), written.thread(), update.wamid(), written.status()));
    }
    held.clear();
    keys.clear();
  }

  private List<Row> keep(final WriteSession session) throws SQLException {
    final int count = held.size();
    final String[] numbers = new String[count];
    final String[] wamids = new String[count];
    final String[] values = new String[count];
    final Long[] at = new Long[count];
    final Integer[] ranks = new Integer[count];
    final String[] phones = new String[count];
    final String[] userIds = new String[count];
    final String[] errors = new String[count];
    final String[] pricing = new String[count];
    final String[] callbackData = new String[count];
    for (int index = 0; index < count; index++) {
      final StatusUpdate update = held.get(index).update();
      numbers[index] = held.get(index).number();
      wamids[index] = update.wamid();
      values[index] = update.status().value();
      at[index] = ColumnValues.seconds(update.timestamp());
      ranks[index] = StatusRank.of(update.status());
      phones[index] = update.recipient().phone();
      userIds[index] = update.recipient().userId();
      errors[index] = StatusWriter.errors(update);
      pricing[index] = StatusWriter.pricing(update);
      callbackData[index] = update.bizOpaqueCallbackData();
    }
    final Connection connection = session.connection();
    final PreparedStatement keep = session.prepare(KEEP_MANY);
    // planned with its arrays every time, never as a generic plan: one made while the store was
    // young joined the messages by reading them all, and kept doing so as they grew (an apply of
    // 400 deliveries a second where 2,000 arrived)
    keep.unwrap(PGStatement.class).setPrepareThreshold(0);
    keep.setArray(1, connection.createArrayOf("text", numbers));
    keep.setArray(2, connection.createArrayOf("text", wamids));
    keep.setArray(3, connection.createArrayOf("text", values));
    keep.setArray(4, connection.createArrayOf("int8", at));
    keep.setArray(5, connection.createArrayOf("int4", ranks));
    keep.setArray(6, connection.createArrayOf("text", phones));
    keep.setArray(7, connection.createArrayOf("text", userIds));
    keep.setArray(8, connection.createArrayOf("text", errors));
    keep.setArray(9, connection.createArrayOf("text", pricing));
    keep.setArray(10, connection.createArrayOf("text", callbackData));
    final List<Row> rows = new ArrayList<>(count);
    try (ResultSet returned = keep.executeQuery()) {
      while (returned.next()) {
        rows.add(
            new Row(
                returned.getBoolean(1),
                returned.getObject(2) == null
                    ? null
                    : new ApiRecords.Stored(
                        returned.getLong(2), returned.getInt(3), returned.getLong(4))));
      }
    }
    if (rows.size() != count) {
      throw new IllegalStateException(count + " statuses kept, " + rows.size() + " returned");
    }
    return rows;
  }
}
