package dev.coexist.store;

import static dev.coexist.store.EpochTimes.seconds;

import dev.coexist.db.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What is attached to a message after it was stored: its status history and the messages about it
 * (edits, revokes, reactions). {@link MessageQueries} reads the messages themselves.
 */
final class MessageDetailQueries {
  private static final String STATUSES =
      """
      SELECT status, status_at, recipient_phone, recipient_user_id, errors, pricing,
             biz_opaque_callback_data
        FROM message_statuses
       WHERE phone_number_id = ? AND wamid = ?
       ORDER BY status_at, status_rank, status
      """;

  private static final String STATUS =
      """
      SELECT status, status_at, recipient_phone, recipient_user_id, errors, pricing,
             biz_opaque_callback_data
        FROM message_statuses
       WHERE phone_number_id = ? AND wamid = ? AND status = ? AND status_at = ?
      """;

  private static final String ACTIONS =
      """
      SELECT wamid, kind, direction, sources, actor, acted_at, emoji, text
        FROM message_actions
       WHERE phone_number_id = ? AND target_wamid = ?
       ORDER BY acted_at, wamid
      """;

  // %s: one placeholder per wamid of the page (at most a page limit of them)
  private static final String REACTIONS_OF_PAGE =
      """
      SELECT target_wamid, wamid, kind, direction, sources, actor, acted_at, emoji, text
        FROM message_actions
       WHERE phone_number_id = ? AND kind = 'reaction' AND target_wamid IN (%s)
       ORDER BY acted_at, wamid
      """;

  private final Database database;

  MessageDetailQueries(final Database database) {
    this.database = database;
  }

  /** The status history, edits, revokes and reactions of {@code message}. */
  static MessageDetail detail(final Statements statements, final MessageView message)
      throws SQLException {
    final String phoneNumberId = message.phoneNumberId();
    final String wamid = message.wamid();
    final List<StatusView> statuses = new ArrayList<>();
    final PreparedStatement selectStatuses = statements.prepare(STATUSES);
    selectStatuses.setString(1, phoneNumberId);
    selectStatuses.setString(2, wamid);
    try (ResultSet rows = selectStatuses.executeQuery()) {
      while (rows.next()) {
        statuses.add(status(rows));
      }
    }
    final List<ActionView> edits = new ArrayList<>();
    final List<ActionView> revokes = new ArrayList<>();
    final List<ActionView> reactionEvents = new ArrayList<>();
    final PreparedStatement selectActions = statements.prepare(ACTIONS);
    selectActions.setString(1, phoneNumberId);
    selectActions.setString(2, wamid);
    try (ResultSet rows = selectActions.executeQuery()) {
      while (rows.next()) {
        final ActionView action = action(rows);
        switch (action.kind()) {
          case "edit" -> edits.add(action);
          case "revoke" -> revokes.add(action);
          default -> reactionEvents.add(action);
        }
      }
    }
    return new MessageDetail(
        message, statuses, edits, revokes, reactionEvents, currentReactions(reactionEvents));
  }

  /** One status of a message, by its key: the first report of that status at that time. */
  static Optional<StatusView> status(
      final Statements statements,
      final String phoneNumberId,
      final String wamid,
      final String status,
      final long statusAtSeconds)
      throws SQLException {
    final PreparedStatement select = statements.prepare(STATUS);
    select.setString(1, phoneNumberId);
    select.setString(2, wamid);
    select.setString(3, status);
    select.setLong(4, statusAtSeconds);
    try (ResultSet row = select.executeQuery()) {
      return row.next() ? Optional.of(status(row)) : Optional.empty();
    }
  }

  private static StatusView status(final ResultSet rows) throws SQLException {
    return new StatusView(
        rows.getString(1),
        seconds(rows.getLong(2)),
        rows.getString(3),
        rows.getString(4),
        rows.getString(5),
        rows.getString(6),
        rows.getString(7));
  }

  /**
   * The current reactions of each of {@code wamids} (one page of a thread), in one query: a map
   * from target wamid to its reactions; messages without any are absent.
   */
  Map<String, List<ActionView>> reactions(final String phoneNumberId, final List<String> wamids)
      throws SQLException {
    if (wamids.isEmpty()) {
      return Map.of();
    }
    final String placeholders = String.join(", ", Collections.nCopies(wamids.size(), "?"));
    final Map<String, List<ActionView>> events = new LinkedHashMap<>();
    try (Connection connection = database.pool().getConnection();
        PreparedStatement select =
            connection.prepareStatement(REACTIONS_OF_PAGE.formatted(placeholders))) {
      select.setString(1, phoneNumberId);
      for (int index = 0; index < wamids.size(); index++) {
        select.setString(index + 2, wamids.get(index));
      }
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          events
              .computeIfAbsent(rows.getString("target_wamid"), target -> new ArrayList<>())
              .add(action(rows));
        }
      }
    }
    final Map<String, List<ActionView>> current = new LinkedHashMap<>();
    events.forEach((target, reactions) -> current.put(target, currentReactions(reactions)));
    return current;
  }

  /**
   * Reactions oldest first: the last one of each actor is its current one; an empty emoji removes.
   */
  private static List<ActionView> currentReactions(final List<ActionView> reactionEvents) {
    final Map<String, ActionView> current = new LinkedHashMap<>();
    for (final ActionView reaction : reactionEvents) {
      current.remove(String.valueOf(reaction.actor()));
      if (reaction.emoji() != null && !reaction.emoji().isEmpty()) {
        current.put(String.valueOf(reaction.actor()), reaction);
      }
    }
    return List.copyOf(current.values());
  }

  private static ActionView action(final ResultSet rows) throws SQLException {
    return new ActionView(
        rows.getString("wamid"),
        rows.getString("kind"),
        rows.getString("direction"),
        MessageSource.of(rows.getInt("sources")),
        rows.getString("actor"),
        seconds(rows.getLong("acted_at")),
        rows.getString("emoji"),
        rows.getString("text"));
  }
}
