package dev.coexist.apply;

import dev.coexist.coexistence.StatusUpdate;
import dev.coexist.store.MessageDetail;
import dev.coexist.store.StatusView;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Statuses ({@code statuses[]}): every status is kept; a message's current status only moves
 * forward ({@link StatusRank}), {@code failed} terminal; a status for a message not yet stored
 * makes its record ({@link ApiRecords}), which the message merges into when it arrives.
 */
final class StatusWriter {
  private static final String INSERT_STATUS =
      """
      INSERT INTO message_statuses (phone_number_id, wamid, status, status_at, status_rank,
                                    recipient_phone, recipient_user_id, errors, pricing,
                                    biz_opaque_callback_data)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (phone_number_id, wamid, status, status_at) DO NOTHING
      RETURNING status
      """;

  // forward only: a higher rank wins; at equal rank the earlier report wins
  // (a status without a rank, ? = 0, moves nothing)
  private static final String ADVANCE_STATUS =
      """
      UPDATE messages SET status = ?, status_rank = ?, status_at = ?
       WHERE phone_number_id = ? AND wamid = ? AND ? > 0
         AND (status_rank < ? OR (status_rank = ? AND status_at > ?))
      """;

  // INSERT_STATUS, ADVANCE_STATUS and ApiRecords.STORED in one statement: the outer query reads the
  // message as it was before the update, which changes none of what it reads
  static final String KEEP_IN_ONE =
      """
      WITH kept AS (
        INSERT INTO message_statuses (phone_number_id, wamid, status, status_at, status_rank,
                                      recipient_phone, recipient_user_id, errors, pricing,
                                      biz_opaque_callback_data)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (phone_number_id, wamid, status, status_at) DO NOTHING
        RETURNING status),
      moved AS (
        UPDATE messages SET status = ?, status_rank = ?, status_at = ?
         WHERE phone_number_id = ? AND wamid = ? AND ? > 0
           AND (status_rank < ? OR (status_rank = ? AND status_at > ?))
        RETURNING 1)
      SELECT EXISTS (SELECT 1 FROM kept), (SELECT count(*) FROM moved),
             m.thread_id, m.sources, m.sent_at
        FROM (SELECT 1) AS one
        LEFT JOIN messages m ON m.phone_number_id = ? AND m.wamid = ?
      """;

  private static final String STATUSES_OF =
      """
      SELECT status, status_rank, status_at FROM message_statuses
       WHERE phone_number_id = ? AND wamid = ?
      """;

  private StatusWriter() {}

  /**
   * What writing a status did.
   *
   * @param thread the thread of its message, null while the message is awaited
   * @param status the status as its message's {@code statuses} show it
   * @param created the record this status made for a message not seen before ({@link ApiRecords}),
   *     as the API shows it; null when the message was stored already
   */
  record Written(Long thread, StatusView status, MessageDetail created) {}

  /** A {@code statuses[]} item: always kept in the history, current status only moves forward. */
  static Written status(final WriteSession session, final String number, final StatusUpdate update)
      throws SQLException {
    final String value = update.status().value();
    final int rank = StatusRank.of(update.status());
    final long at = ColumnValues.seconds(update.timestamp());
    final String errors = errors(update);
    final String pricing = pricing(update);
    final boolean inOne = session.dialect().keepStatus != null;
    final PreparedStatement insert =
        session.prepare(inOne ? session.dialect().keepStatus : INSERT_STATUS);
    insert.setString(1, number);
    insert.setString(2, update.wamid());
    insert.setString(3, value);
    insert.setLong(4, at);
    insert.setInt(5, rank);
    insert.setString(6, update.recipient().phone());
    insert.setString(7, update.recipient().userId());
    insert.setString(8, errors);
    insert.setString(9, pricing);
    insert.setString(10, update.bizOpaqueCallbackData());
    final boolean inserted;
    ApiRecords.Stored stored = null;
    if (inOne) {
      bindAdvance(insert, 10, number, update.wamid(), value, rank, at);
      insert.setString(20, number);
      insert.setString(21, update.wamid());
      try (ResultSet row = insert.executeQuery()) {
        row.next();
        inserted = row.getBoolean(1);
        if (row.getObject(3) != null) {
          stored = new ApiRecords.Stored(row.getLong(3), row.getInt(4), row.getLong(5));
        }
      }
    } else {
      try (ResultSet row = insert.executeQuery()) {
        inserted = row.next();
      }
    }
    final StatusView status =
        inserted ? bound(update, at, errors, pricing) : readBack(session, number, update, at);
    if (inOne) {
      return ApiRecords.after(session, number, update, at, status, stored);
    }
    if (rank > StatusRank.NONE) {
      advance(session, number, update.wamid(), value, rank, at);
    }
    return ApiRecords.after(session, number, update, at, status);
  }

  /** A status's errors as kept (JSON). */
  static String errors(final StatusUpdate update) {
    return ColumnValues.errors(update.errors());
  }

  /** A status's pricing as kept (JSON), null without. */
  static String pricing(final StatusUpdate update) {
    return update.pricing() == null ? null : ColumnValues.json(update.pricing());
  }

  /** A status as kept: a new row is exactly what was bound. */
  static StatusView bound(
      final StatusUpdate update, final long at, final String errors, final String pricing) {
    return new StatusView(
        update.status().value(),
        at == 0 ? null : Instant.ofEpochSecond(at),
        update.recipient().phone(),
        update.recipient().userId(),
        errors,
        pricing,
        update.bizOpaqueCallbackData());
  }

  /**
   * A status kept before (a replay, or a status sent twice): the first report of the same status at
   * the same time, read back by its key.
   */
  static StatusView readBack(
      final WriteSession session, final String number, final StatusUpdate update, final long at)
      throws SQLException {
    return session
        .reads()
        .status(session, number, update.wamid(), update.status().value(), at)
        .orElseThrow(() -> new IllegalStateException("status of " + update.wamid() + " not kept"));
  }

  /** Binds ADVANCE_STATUS's parameters after the first {@code before} ones. */
  private static void bindAdvance(
      final PreparedStatement advance,
      final int before,
      final String number,
      final String wamid,
      final String status,
      final int rank,
      final long at)
      throws SQLException {
    advance.setString(before + 1, status);
    advance.setInt(before + 2, rank);
    advance.setLong(before + 3, at);
    advance.setString(before + 4, number);
    advance.setString(before + 5, wamid);
    advance.setInt(before + 6, rank);
    advance.setInt(before + 7, rank);
    advance.setInt(before + 8, rank);
    advance.setLong(before + 9, at);
  }

  static void advance(
      final WriteSession session,
      final String number,
      final String wamid,
      final String status,
      final int rank,
      final long at)
      throws SQLException {
    if (rank <= StatusRank.NONE) {
      return;
    }
    final PreparedStatement advance = session.prepare(ADVANCE_STATUS);
    bindAdvance(advance, 0, number, wamid, status, rank, at);
    advance.executeUpdate();
  }

  /** The statuses of a message that arrived before it, applied to it now. */
  static void attach(final WriteSession session, final String number, final String wamid)
      throws SQLException {
    final PreparedStatement statuses = session.prepare(STATUSES_OF);
    statuses.setString(1, number);
    statuses.setString(2, wamid);
    final List<Object[]> found = new ArrayList<>();
    try (ResultSet rows = statuses.executeQuery()) {
      while (rows.next()) {
        found.add(new Object[] {rows.getString(1), rows.getInt(2), rows.getLong(3)});
      }
    }
    for (final Object[] status : found) {
      advance(session, number, wamid, (String) status[0], (Integer) status[1], (Long) status[2]);
    }
  }
}
