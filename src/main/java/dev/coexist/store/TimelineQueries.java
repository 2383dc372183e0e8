package dev.coexist.store;

import static dev.coexist.store.EpochTimes.millis;

import dev.coexist.db.Database;
import dev.coexist.store.TimelineEvent.Position;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The account and partner events of a number (its timeline), and every partner event, newest first
 * (in the order they were received: journal id, then place in the body). An {@code account_update}
 * names its number by display number, a partner event by WABA id or phone number: they are matched
 * to numbers when read, so the order of arrival does not matter.
 */
public final class TimelineQueries {
  private static final String NUMBER =
      "SELECT display_digits, waba_id FROM numbers WHERE phone_number_id = ?";

  // %s: after the previous page's last event, or nothing
  private static final String NUMBER_EVENTS =
      """
      SELECT source, journal_id, location, event, reason, initiated_by, waba_id, received_at,
             payload
        FROM (SELECT 'account_update' AS source, journal_id, location, event, reason, initiated_by,
                     waba_id, received_at, payload
                FROM account_events
               WHERE phone_number_id = ? OR (phone_digits IS NOT NULL AND phone_digits = ?)
              UNION ALL
              SELECT '360dialog' AS source, journal_id, location, event, NULL, NULL, waba_id,
                     received_at, payload
                FROM partner_events
               WHERE phone_number_id = ? OR (waba_id IS NOT NULL AND waba_id = ?)
                  OR (phone_digits IS NOT NULL AND phone_digits = ?)) e
       WHERE 1 = 1 %s
       ORDER BY journal_id DESC, location DESC
       LIMIT ?
      """;

  private static final String PARTNER_EVENTS =
      """
      SELECT '360dialog', journal_id, location, event, NULL, NULL, waba_id, received_at, payload,
             phone_number_id, phone_digits
        FROM partner_events
       WHERE 1 = 1 %s
       ORDER BY journal_id DESC, location DESC
       LIMIT ?
      """;

  private static final String AFTER = "AND (journal_id, location) < (?, ?)";

  private final Database database;

  public TimelineQueries(final Database database) {
    this.database = database;
  }

  /**
   * A page of the number's account and partner events, newest first; empty when there is no such
   * number.
   */
  public Optional<Page<TimelineEvent, Position>> ofNumber(
      final String phoneNumberId, final Position after, final int limit) throws SQLException {
    try (Connection connection = database.pool().getConnection();
        OwnStatements statements = new OwnStatements(connection)) {
      final PreparedStatement number = statements.prepare(NUMBER);
      number.setString(1, phoneNumberId);
      final String digits;
      final String waba;
      try (ResultSet row = number.executeQuery()) {
        if (!row.next()) {
          return Optional.empty();
        }
        digits = row.getString(1);
        waba = row.getString(2);
      }
      final PreparedStatement select =
          statements.prepare(NUMBER_EVENTS.formatted(after == null ? "" : AFTER));
      int next = 0;
      select.setString(++next, phoneNumberId);
      select.setString(++next, digits);
      select.setString(++next, phoneNumberId);
      select.setString(++next, waba);
      select.setString(++next, digits);
      next = bindAfter(select, next, after);
      select.setInt(++next, limit + 1);
      final List<TimelineEvent> events = new ArrayList<>();
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          events.add(event(rows, List.of(phoneNumberId)));
        }
      }
      return Optional.of(page(events, limit));
    }
  }

  /** A page of every 360dialog partner event, newest first, each with the numbers it names. */
  public Page<TimelineEvent, Position> partnerEvents(final Position after, final int limit)
      throws SQLException {
    try (Connection connection = database.pool().getConnection();
        OwnStatements statements = new OwnStatements(connection)) {
      final PreparedStatement select =
          statements.prepare(PARTNER_EVENTS.formatted(after == null ? "" : AFTER));
      int next = bindAfter(select, 0, after);
      select.setInt(++next, limit + 1);
      final List<TimelineEvent> events = new ArrayList<>();
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          events.add(
              event(
                  rows,
                  NumberQueries.namedByPartnerEvent(
                      statements, rows.getString(10), rows.getString(7), rows.getString(11))));
        }
      }
      return page(events, limit);
    }
  }

  private static int bindAfter(final PreparedStatement select, final int from, final Position after)
      throws SQLException {
    int next = from;
    if (after != null) {
      select.setLong(++next, after.journalId());
      select.setString(++next, after.location());
    }
    return next;
  }

  private static Page<TimelineEvent, Position> page(
      final List<TimelineEvent> events, final int limit) {
    final boolean more = events.size() > limit;
    if (more) {
      events.remove(events.size() - 1);
    }
    return new Page<>(events, more ? events.get(events.size() - 1).position() : null);
  }

  private static TimelineEvent event(final ResultSet rows, final List<String> numbers)
      throws SQLException {
    return new TimelineEvent(
        rows.getString(1),
        rows.getLong(2),
        rows.getString(3),
        rows.getString(4),
        rows.getString(5),
        rows.getString(6),
        rows.getString(7),
        millis(rows.getLong(8)),
        numbers,
        rows.getString(9));
  }
}
