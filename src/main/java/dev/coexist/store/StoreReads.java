package dev.coexist.store;

import dev.coexist.db.Engine;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The store's resources read with the caller's statements, for the change log's events: an apply
 * transaction reads what it changed in that transaction, on its own connection, so an event shows
 * the state at its change. The same SQL and mapping the read API answers with; each read is by
 * primary or unique key.
 */
public final class StoreReads {
  private final Engine engine;
  private final HistorySyncQueries historySync;

  /**
   * @param stallAfter a history sync in progress with no chunk for this long is {@code stalled} (as
   *     the API is configured: {@code --history-stall-after})
   */
  public StoreReads(final Engine engine, final Clock clock, final Duration stallAfter) {
    this.engine = engine;
    this.historySync = new HistorySyncQueries(clock, stallAfter);
  }

  /** A message of a number with its statuses, edits, revokes and reactions (three reads). */
  public Optional<MessageDetail> message(
      final Statements statements, final String phoneNumberId, final String wamid)
      throws SQLException {
    return MessageQueries.detail(statements, phoneNumberId, wamid);
  }

  /** One status of a message by its key (number, wamid, status, time in epoch seconds). */
  public Optional<StatusView> status(
      final Statements statements,
      final String phoneNumberId,
      final String wamid,
      final String status,
      final long statusAtSeconds)
      throws SQLException {
    return MessageDetailQueries.status(statements, phoneNumberId, wamid, status, statusAtSeconds);
  }

  /** The threads of these ids, by id, with one statement whatever their number. */
  public Map<Long, ThreadView> threads(final Statements statements, final Collection<Long> ids)
      throws SQLException {
    return ThreadQueries.among(statements, engine, ids);
  }

  /** The contact of a customer as the contacts list shows it. */
  public Optional<ContactView> contact(final Statements statements, final long customerId)
      throws SQLException {
    return ContactQueries.contact(statements, customerId);
  }

  /** A number with its account state, history sync and contacts sync. */
  public Optional<NumberView> number(final Statements statements, final String phoneNumberId)
      throws SQLException {
    return NumberQueries.find(statements, historySync, phoneNumberId);
  }

  /**
   * The number whose display number has these digits (an {@code account_update} names its number
   * so); empty when none or several have them.
   */
  public Optional<String> numberByDigits(final Statements statements, final String digits)
      throws SQLException {
    return NumberQueries.byDigits(statements, digits);
  }

  /**
   * The numbers a 360dialog partner event names: by phone_number_id, WABA id or display digits (any
   * may be null); a WABA's event names each of its numbers.
   */
  public List<String> numbersNamedBy(
      final Statements statements,
      final String phoneNumberId,
      final String wabaId,
      final String digits)
      throws SQLException {
    return NumberQueries.namedByPartnerEvent(statements, phoneNumberId, wabaId, digits);
  }

  /** The history sync of a number (two reads: its chunks per phase, its decline). */
  public HistorySync history(final Statements statements, final String phoneNumberId)
      throws SQLException {
    return historySync.of(statements, phoneNumberId);
  }
}
