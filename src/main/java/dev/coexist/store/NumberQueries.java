package dev.coexist.store;

import static dev.coexist.store.EpochTimes.millis;

import dev.coexist.db.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The business phone numbers, each with its account state, its history sync and its contacts sync.
 */
public final class NumberQueries {
  private static final String NUMBERS =
      """
      SELECT phone_number_id, display_phone_number, display_digits, waba_id, first_seen_at,
             last_seen_at
        FROM numbers
      """;

  private static final String NUMBER = NUMBERS + " WHERE phone_number_id = ?";

  // at most two: a number is found by its display digits only when exactly one has them
  private static final String BY_DIGITS =
      """
      SELECT phone_number_id FROM numbers WHERE display_digits = ?
       ORDER BY phone_number_id LIMIT 2
      """;

  // the numbers a 360dialog partner event names: by id, by WABA or by display number
  private static final String NAMED_BY_PARTNER_EVENT =
      """
      SELECT phone_number_id FROM numbers
       WHERE phone_number_id = ? OR (waba_id IS NOT NULL AND waba_id = ?)
          OR (display_digits IS NOT NULL AND display_digits = ?)
       ORDER BY phone_number_id
      """;

  private static final String ACCOUNT =
      """
      SELECT event, reason, initiated_by, received_at FROM account_events
       WHERE phone_number_id = ? OR (phone_digits IS NOT NULL AND phone_digits = ?)
       ORDER BY journal_id DESC
       LIMIT 1
      """;

  private final Database database;
  private final HistorySyncQueries historySync;

  /**
   * @param stallAfter a history sync in progress with no chunk for this long is {@code stalled}
   */
  public NumberQueries(final Database database, final Clock clock, final Duration stallAfter) {
    this.database = database;
    this.historySync = new HistorySyncQueries(clock, stallAfter);
  }

  /** Every number, with its history sync and contacts sync state, ordered by phone_number_id. */
  public List<NumberView> all() throws SQLException {
    try (Connection connection = database.pool().getConnection();
        OwnStatements statements = new OwnStatements(connection);
        PreparedStatement select =
            connection.prepareStatement(NUMBERS + " ORDER BY phone_number_id")) {
      final List<NumberView> numbers = new ArrayList<>();
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          numbers.add(number(statements, historySync, rows));
        }
      }
      return numbers;
    }
  }

  /** One number with its per-phase history progress. */
  public Optional<NumberView> find(final String phoneNumberId) throws SQLException {
    try (Connection connection = database.pool().getConnection();
        OwnStatements statements = new OwnStatements(connection)) {
      return find(statements, historySync, phoneNumberId);
    }
  }

  /** One number, read with {@code statements}: its row, account, history and contacts syncs. */
  static Optional<NumberView> find(
      final Statements statements, final HistorySyncQueries historySync, final String phoneNumberId)
      throws SQLException {
    final PreparedStatement select = statements.prepare(NUMBER);
    select.setString(1, phoneNumberId);
    try (ResultSet row = select.executeQuery()) {
      return row.next() ? Optional.of(number(statements, historySync, row)) : Optional.empty();
    }
  }

  /** The number whose display number has these digits; empty when none or several have them. */
  static Optional<String> byDigits(final Statements statements, final String digits)
      throws SQLException {
    if (digits == null) {
      return Optional.empty();
    }
    final PreparedStatement select = statements.prepare(BY_DIGITS);
    select.setString(1, digits);
    try (ResultSet rows = select.executeQuery()) {
      final String first = rows.next() ? rows.getString(1) : null;
      return first == null || rows.next() ? Optional.empty() : Optional.of(first);
    }
  }

  /** The numbers a partner event names by id, WABA id or display digits (any may be null). */
  static List<String> namedByPartnerEvent(
      final Statements statements,
      final String phoneNumberId,
      final String wabaId,
      final String digits)
      throws SQLException {
    final PreparedStatement select = statements.prepare(NAMED_BY_PARTNER_EVENT);
    select.setString(1, phoneNumberId);
    select.setString(2, wabaId);
    select.setString(3, digits);
    final List<String> ids = new ArrayList<>();
    try (ResultSet rows = select.executeQuery()) {
      while (rows.next()) {
        ids.add(rows.getString(1));
      }
    }
    return ids;
  }

  /**
   * The phone_number_ids of the numbers whose display number has these digits ({@code 15550001111}
   * for {@code +1 555-000-1111}); usually one.
   */
  public List<String> withDisplayDigits(final String digits) throws SQLException {
    try (Connection connection = database.pool().getConnection();
        PreparedStatement select =
            connection.prepareStatement(
                "SELECT phone_number_id FROM numbers WHERE display_digits = ?"
                    + " ORDER BY phone_number_id")) {
      select.setString(1, digits);
      final List<String> ids = new ArrayList<>();
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          ids.add(rows.getString(1));
        }
      }
      return ids;
    }
  }

  private static NumberView number(
      final Statements statements, final HistorySyncQueries historySync, final ResultSet row)
      throws SQLException {
    final String id = row.getString("phone_number_id");
    return new NumberView(
        id,
        row.getString("display_phone_number"),
        row.getString("waba_id"),
        millis(row.getLong("first_seen_at")),
        millis(row.getLong("last_seen_at")),
        account(statements, id, row.getString("display_digits")),
        historySync.of(statements, id),
        ContactQueries.sync(statements, id));
  }

  private static AccountState account(
      final Statements statements, final String id, final String digits) throws SQLException {
    final PreparedStatement select = statements.prepare(ACCOUNT);
    select.setString(1, id);
    select.setString(2, digits);
    try (ResultSet row = select.executeQuery()) {
      return row.next()
          ? new AccountState(
              row.getString(1), row.getString(2), row.getString(3), millis(row.getLong(4)))
          : null;
    }
  }
}
