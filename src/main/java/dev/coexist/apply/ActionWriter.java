package dev.coexist.apply;

import static dev.coexist.apply.ColumnValues.direction;
import static dev.coexist.apply.ColumnValues.seconds;

import dev.coexist.coexistence.Direction;
import dev.coexist.coexistence.Message;
import dev.coexist.store.MessageSource;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The messages about messages: edits, revokes and reactions. Each is kept by its own wamid; its
 * target's edit and revoke state is derived again from all of the target's actions, so any order of
 * arrival converges.
 */
final class ActionWriter {
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

  private ActionWriter() {}

  /** An edit, revoke or reaction: kept by its own wamid and applied to its target when there. */
  /** Writes the action; returns the thread of its target, null while the target is awaited. */
  static Long action(
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
    final Long thread = deriveActions(session, number, message.targetWamid());
    if (thread == null) {
      AwaitingMessages.awaitIfMissing(session, number, message.targetWamid());
    }
    return thread;
  }

  /**
   * The target's thread when the target exists (its preview may have changed: edit, revoke), null
   * when it does not.
   */
  static Long deriveActions(final WriteSession session, final String number, final String target)
      throws SQLException {
    final PreparedStatement derive = session.prepare(DERIVE_ACTIONS);
    derive.setString(1, number);
    derive.setString(2, target);
    try (ResultSet row = derive.executeQuery()) {
      if (row.next()) {
        final long thread = row.getLong(1);
        session.touch(thread);
        return thread;
      }
      return null;
    }
  }
}
