package dev.coexist.apply;

import static dev.coexist.apply.ColumnValues.json;

import dev.coexist.apply.MessageWriter.MessageWrite;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Messages that a status or an action (edit, revoke, reaction) arrived for before the message
 * itself: noted in a row of their own, so that when the message is written its statuses and actions
 * are attached to it.
 */
final class AwaitingMessages {
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

  private AwaitingMessages() {}

  /** Notes that {@code wamid} is awaited, unless it is stored already. */
  static void awaitIfMissing(final WriteSession session, final String number, final String wamid)
      throws SQLException {
    final PreparedStatement await = session.prepare(AWAIT);
    await.setString(1, number);
    await.setString(2, wamid);
    await.setString(3, number);
    await.setString(4, wamid);
    await.executeUpdate();
  }

  /**
   * Statuses and actions that arrived before their message: attach them now. One query for the
   * whole batch; usually it finds nothing. Returns the wamids they were attached to.
   */
  static Set<String> attachAwaiting(
      final WriteSession session, final String number, final List<MessageWrite> all)
      throws SQLException {
    final PreparedStatement any = session.prepare(ANY_AWAITING);
    any.setString(1, number);
    try (ResultSet row = any.executeQuery()) {
      if (!row.next()) {
        return Set.of();
      }
    }
    return attachAmong(session, number, all);
  }

  /** Of these numbers, those with a message awaited: one query for them all. */
  static Set<String> numbersAwaiting(final WriteSession session, final Collection<String> numbers)
      throws SQLException {
    final PreparedStatement select = session.prepare(session.dialect().numbersAwaiting);
    select.setString(1, json(numbers));
    final Set<String> awaiting = new HashSet<>();
    try (ResultSet rows = select.executeQuery()) {
      while (rows.next()) {
        awaiting.add(rows.getString(1));
      }
    }
    return awaiting;
  }

  /**
   * As {@link #attachAwaiting}, for a number known to have a message awaited ({@link
   * #numbersAwaiting}).
   */
  static Set<String> attachAmong(
      final WriteSession session, final String number, final List<MessageWrite> all)
      throws SQLException {
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
    return awaiting;
  }

  /** The message {@code wamid} was just stored: its statuses and actions attached, if any. */
  static void arrived(final WriteSession session, final String number, final String wamid)
      throws SQLException {
    attach(session, number, wamid);
  }

  private static void attach(final WriteSession session, final String number, final String wamid)
      throws SQLException {
    StatusWriter.attach(session, number, wamid);
    ActionWriter.deriveActions(session, number, wamid);
    final PreparedStatement stop = session.prepare(STOP_AWAITING);
    stop.setString(1, number);
    stop.setString(2, wamid);
    stop.executeUpdate();
  }
}
