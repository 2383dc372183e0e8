package dev.coexist.apply;

import dev.coexist.coexistence.Party;
import dev.coexist.coexistence.StatusUpdate;
import dev.coexist.store.MessageDetail;
import dev.coexist.store.StatusView;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Every wamid has a record. A status of a message Coexist has not seen (the partner sent it through
 * the Cloud API, so only its statuses come back) makes an outbound message in the recipient's
 * thread, origin {@code api}, content unknown, carrying its statuses and their errors: a failed
 * template is found where support looks. When the message itself arrives later (an echo, a history
 * chunk), the upsert merges it into this record ({@link MessageWriter}): the row, its thread and
 * its statuses stay, the content and origins become the message's. Both orders end in the same row.
 */
final class ApiRecords {
  // 16 is MessageSource.API alone: a record known from its statuses only
  private static final String STORED =
      "SELECT thread_id, sources, sent_at FROM messages WHERE phone_number_id = ? AND wamid = ?";

  // its time is its earliest status, whatever order they arrive in; the message's own time wins
  // once it arrives (its sources are then no longer 16)
  private static final String EARLIER =
      """
      UPDATE messages SET sent_at = ?
       WHERE phone_number_id = ? AND wamid = ? AND sources = 16 AND (sent_at = 0 OR sent_at > ?)
      """;

  // the record of a message known by its statuses, timed by the earliest of them; the statuses
  // themselves are applied by StatusWriter.attach right after (forward only, as for any message)
  private static final String INSERT_RECORD =
      """
      INSERT INTO messages (phone_number_id, wamid, thread_id, direction, sources, sent_at,
                            media_placeholder, status_rank, status_at)
      SELECT ?, ?, ?, 'outbound', 16, COALESCE(min(s.status_at), 0), 0, 0, 0
        FROM message_statuses s
       WHERE s.phone_number_id = ? AND s.wamid = ? AND s.status_at > 0
      ON CONFLICT (phone_number_id, wamid) DO NOTHING
      """;

  private ApiRecords() {}

  /**
   * The message a status is about, after its status was kept: its thread when it is stored (a
   * record of statuses alone moved to an earlier status's time); otherwise a new record in the
   * recipient's thread, returned as the API then shows it. A status whose recipient names nobody
   * waits for its message as before.
   */
  static StatusWriter.Written after(
      final WriteSession session,
      final String number,
      final StatusUpdate update,
      final long at,
      final StatusView status)
      throws SQLException {
    final PreparedStatement select = session.prepare(STORED);
    select.setString(1, number);
    select.setString(2, update.wamid());
    Stored stored = null;
    try (ResultSet row = select.executeQuery()) {
      if (row.next()) {
        stored = new Stored(row.getLong(1), row.getInt(2), row.getLong(3));
      }
    }
    return after(session, number, update, at, status, stored);
  }

  /** The stored message's thread, origins and time; see {@link #after}. */
  record Stored(long thread, int sources, long sentAt) {}

  /** As {@link #after}, with the message as read already; null: not stored. */
  static StatusWriter.Written after(
      final WriteSession session,
      final String number,
      final StatusUpdate update,
      final long at,
      final StatusView status,
      final Stored stored)
      throws SQLException {
    final String wamid = update.wamid();
    if (stored != null) {
      if (stored.sources() == 16 && at > 0 && (stored.sentAt() == 0 || at < stored.sentAt())) {
        earlier(session, number, wamid, at);
      }
      return new StatusWriter.Written(stored.thread(), status, null);
    }
    final Party recipient = update.recipient() == null ? Party.UNKNOWN : update.recipient();
    final long customer =
        Customers.identifies(recipient) ? Customers.resolve(session, number, recipient, null) : -1;
    if (customer < 0) {
      AwaitingMessages.awaitIfMissing(session, number, wamid);
      return new StatusWriter.Written(null, status, null);
    }
    Customers.ensureThread(session, customer, number);
    final PreparedStatement insert = session.prepare(INSERT_RECORD);
    insert.setString(1, number);
    insert.setString(2, wamid);
    insert.setLong(3, customer);
    insert.setString(4, number);
    insert.setString(5, wamid);
    insert.executeUpdate();
    // its statuses (this one and any kept before), and edits or reactions that waited for it
    AwaitingMessages.arrived(session, number, wamid);
    final MessageDetail created =
        session
            .reads()
            .message(session, number, wamid)
            .orElseThrow(() -> new IllegalStateException("record of " + wamid + " not kept"));
    return new StatusWriter.Written(customer, status, created);
  }

  private static void earlier(
      final WriteSession session, final String number, final String wamid, final long at)
      throws SQLException {
    final PreparedStatement update = session.prepare(EARLIER);
    update.setLong(1, at);
    update.setString(2, number);
    update.setString(3, wamid);
    update.setLong(4, at);
    update.executeUpdate();
  }
}
