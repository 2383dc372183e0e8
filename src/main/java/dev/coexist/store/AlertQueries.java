package dev.coexist.store;

import static dev.coexist.store.EpochTimes.millis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.coexist.db.Database;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The alerts of every number, evaluated when read from what the store keeps: its latest account
 * update (PARTNER_REMOVED with its reason, ACCOUNT_OFFBOARDED; a later ACCOUNT_RECONNECTED clears
 * it), the latest account violation or restriction its 360dialog partner events name, a declined or
 * stalled history import, and the sends that failed in the last {@link #FAILED_SENDS_WINDOW}.
 */
public final class AlertQueries {
  /** Failed sends older than this are history, not an alert (they stay in /api/v1/failures). */
  public static final Duration FAILED_SENDS_WINDOW = Duration.ofDays(7);

  private static final ObjectMapper JSON = new ObjectMapper();

  private static final String LATEST_PARTNER_ALERT =
      """
      SELECT event, received_at, payload FROM partner_events
       WHERE (phone_number_id = ? OR (waba_id IS NOT NULL AND waba_id = ?)
              OR (phone_digits IS NOT NULL AND phone_digits = ?))
         AND event IN ('account_violation', 'account_restriction')
       ORDER BY journal_id DESC, location DESC
       LIMIT 1
      """;

  private static final String NEWEST_FAILURE_CODE =
      """
      SELECT errors FROM message_statuses
       WHERE status_rank = 9 AND phone_number_id = ? AND status_at >= ?
       ORDER BY status_at DESC, wamid DESC
       LIMIT 1
      """;

  private final Database database;
  private final NumberQueries numbers;
  private final Clock clock;

  public AlertQueries(final Database database, final NumberQueries numbers, final Clock clock) {
    this.database = database;
    this.numbers = numbers;
    this.clock = clock;
  }

  /** Every alert of every number (or of one, when {@code only} is not null), by number. */
  public List<AlertView> alerts(final String only) throws SQLException {
    final List<AlertView> alerts = new ArrayList<>();
    try (Connection connection = database.pool().getConnection();
        OwnStatements statements = new OwnStatements(connection)) {
      for (final NumberView number : numbers.all()) {
        if (only == null || only.equals(number.phoneNumberId())) {
          of(statements, number, alerts);
        }
      }
    }
    return alerts;
  }

  private void of(final Statements statements, final NumberView number, final List<AlertView> out)
      throws SQLException {
    final String id = number.phoneNumberId();
    final AccountState account = number.account();
    if (account != null && account.event() != null) {
      final String event = account.event().toUpperCase(Locale.ROOT);
      if (event.equals("PARTNER_REMOVED") || event.equals("ACCOUNT_OFFBOARDED")) {
        out.add(
            new AlertView(
                id,
                "account",
                "bad",
                event.equals("PARTNER_REMOVED")
                    ? "Removed from the partner: the Cloud API no longer reaches this number"
                    : "Offboarded from coexistence",
                account.event(),
                account.reason(),
                null,
                1,
                account.receivedAt()));
      }
    }
    partnerAlert(statements, number, out);
    final HistorySync history = number.history();
    if (history.state() == HistorySyncState.DECLINED) {
      out.add(
          new AlertView(
              id,
              "history_declined",
              "bad",
              "History import declined by the business",
              null,
              history.declinedTitle(),
              history.declinedCode(),
              1,
              history.declinedAt()));
    } else if (history.state() == HistorySyncState.STALLED) {
      out.add(
          new AlertView(
              id,
              "history_stalled",
              "warn",
              "History import stalled: no chunk for a while",
              null,
              null,
              null,
              1,
              history.lastChunkAt()));
    }
    final FailureQueries.FailureCount failed =
        FailureQueries.count(statements, id, clock.instant().minus(FAILED_SENDS_WINDOW));
    if (failed.count() > 0) {
      out.add(
          new AlertView(
              id,
              "failed_sends",
              "warn",
              failed.count() == 1
                  ? "1 send failed in the last 7 days"
                  : failed.count() + " sends failed in the last 7 days",
              null,
              null,
              newestCode(statements, id, failed),
              failed.count(),
              failed.newest()));
    }
  }

  private static void partnerAlert(
      final Statements statements, final NumberView number, final List<AlertView> out)
      throws SQLException {
    final PreparedStatement select = statements.prepare(LATEST_PARTNER_ALERT);
    select.setString(1, number.phoneNumberId());
    select.setString(2, number.wabaId());
    select.setString(3, digits(number.displayPhoneNumber()));
    try (ResultSet row = select.executeQuery()) {
      if (!row.next()) {
        return;
      }
      final String event = row.getString(1);
      final boolean violation = event.equals("account_violation");
      out.add(
          new AlertView(
              number.phoneNumberId(),
              event,
              "bad",
              violation
                  ? "Account violation reported by 360dialog"
                  : "Account restricted, reported by 360dialog",
              event,
              violationType(row.getString(3)),
              null,
              1,
              millis(row.getLong(2))));
    }
  }

  private static Integer newestCode(
      final Statements statements, final String id, final FailureQueries.FailureCount failed)
      throws SQLException {
    final PreparedStatement select = statements.prepare(NEWEST_FAILURE_CODE);
    select.setString(1, id);
    select.setLong(2, failed.newest() == null ? 0 : failed.newest().getEpochSecond());
    try (ResultSet row = select.executeQuery()) {
      if (!row.next() || row.getString(1) == null) {
        return null;
      }
      final JsonNode code = read(row.getString(1)).path(0).path("code");
      return code.canConvertToInt() ? code.intValue() : null;
    }
  }

  /** {@code data.violation_info.violation_type} (or a restriction's type), else null. */
  private static String violationType(final String payload) {
    final JsonNode data = read(payload).path("data");
    for (final JsonNode candidate :
        List.of(
            data.path("violation_info").path("violation_type"),
            data.path("restriction_info").path("restriction_type"),
            data.path("restriction_info").path("type"))) {
      if (candidate.isTextual() && !candidate.asText().isBlank()) {
        return candidate.asText();
      }
    }
    return null;
  }

  private static JsonNode read(final String json) {
    try {
      return json == null ? JSON.missingNode() : JSON.readTree(json);
    } catch (IOException unreadable) {
      // kept as received; a payload that is not JSON names no type
      return JSON.missingNode();
    }
  }

  private static String digits(final String display) {
    if (display == null) {
      return null;
    }
    final String digits = display.replaceAll("[^0-9]", "");
    return digits.isEmpty() ? null : digits;
  }
}
