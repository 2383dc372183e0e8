package dev.coexist.apply;

import dev.coexist.coexistence.AccountUpdate;
import dev.coexist.coexistence.CoexistenceEvent;
import dev.coexist.coexistence.Origin;
import dev.coexist.coexistence.PartnerEvent;
import dev.coexist.journal.PendingEntry;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The business numbers a delivery speaks of, and the account and partner events it carries: each
 * table's SQL, upserts on unique keys so that applying again changes nothing.
 */
final class NumberWriter {
  private static final String UPSERT_NUMBER =
      """
      INSERT INTO numbers (phone_number_id, display_phone_number, display_digits, waba_id,
                           first_seen_at, last_seen_at)
      VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT (phone_number_id) DO UPDATE SET
        display_phone_number = COALESCE(excluded.display_phone_number, numbers.display_phone_number),
        display_digits = COALESCE(excluded.display_digits, numbers.display_digits),
        waba_id = COALESCE(excluded.waba_id, numbers.waba_id),
        first_seen_at = CASE WHEN excluded.first_seen_at < numbers.first_seen_at
                             THEN excluded.first_seen_at ELSE numbers.first_seen_at END,
        last_seen_at = CASE WHEN excluded.last_seen_at > numbers.last_seen_at
                            THEN excluded.last_seen_at ELSE numbers.last_seen_at END
      """;

  private static final String INSERT_ACCOUNT_EVENT =
      """
      INSERT INTO account_events (journal_id, location, waba_id, phone_number_id, phone_digits,
                                  event, reason, initiated_by, received_at, payload)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (journal_id, location) DO NOTHING
      """;

  private static final String INSERT_PARTNER_EVENT =
      """
      INSERT INTO partner_events (journal_id, location, event, delivery_id, payload, received_at,
                                  waba_id, phone_number_id, phone_digits)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (journal_id, location) DO NOTHING
      """;

  private NumberWriter() {}

  /**
   * A business number seen in the deliveries of one transaction: what its row becomes, the same as
   * upserting each sighting in turn (a later non-null display or WABA replaces an earlier one).
   */
  record Sighting(String phoneNumberId, String display, String wabaId, long first, long last) {
    Sighting then(final Sighting later) {
      return new Sighting(
          phoneNumberId,
          later.display != null ? later.display : display,
          later.wabaId != null ? later.wabaId : wabaId,
          Math.min(first, later.first),
          Math.max(last, later.last));
    }
  }

  /**
   * Every business number the delivery speaks of, seen now (before any event can fail); or, when
   * the session gathers them ({@link WriteSession#gatherNumbers}), once per transaction in {@link
   * #flush}: a read of live deliveries names the same few numbers again and again, and each upsert
   * was a round trip and a new row version.
   */
  static void numbers(
      final WriteSession session, final PendingEntry entry, final List<CoexistenceEvent> events)
      throws SQLException {
    final Map<String, Origin> numbers = new LinkedHashMap<>();
    for (final CoexistenceEvent event : events) {
      final Origin origin = event.origin();
      if (origin.phoneNumberId() != null && !origin.phoneNumberId().isBlank()) {
        numbers.putIfAbsent(origin.phoneNumberId(), origin);
      }
    }
    for (final Origin origin : numbers.values()) {
      final Sighting sighting =
          new Sighting(
              origin.phoneNumberId(),
              origin.displayPhoneNumber(),
              origin.wabaId(),
              entry.receivedAtMillis(),
              entry.receivedAtMillis());
      final Map<String, Sighting> gathered = session.gatheredNumbers();
      if (gathered != null) {
        gathered.merge(sighting.phoneNumberId(), sighting, Sighting::then);
      } else {
        upsert(session, sighting);
      }
    }
  }

  /**
   * Whether an entry of the read carries an account or partner event: its change shows the number
   * as the API does at that moment, read from the numbers row, so such a transaction writes its
   * numbers at once rather than gathering them (it is rare; live reads keep gathering).
   */
  static boolean showsNumbers(final List<Work> batch) {
    for (final Work work : batch) {
      if (work.decoded() == null) {
        continue;
      }
      for (final CoexistenceEvent event : work.decoded().events()) {
        if (event instanceof AccountUpdate || event instanceof PartnerEvent) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Writes the numbers the transaction gathered, as one batch (one round trip on PostgreSQL), in a
   * fixed order (no deadlocks between nodes).
   */
  static void flush(final WriteSession session) throws SQLException {
    final Map<String, Sighting> gathered = session.gatheredNumbers();
    if (gathered == null || gathered.isEmpty()) {
      return;
    }
    final PreparedStatement upsert = session.prepare(UPSERT_NUMBER);
    for (final Sighting sighting : new TreeMap<>(gathered).values()) {
      bind(upsert, sighting);
      upsert.addBatch();
    }
    upsert.executeBatch();
    gathered.clear();
  }

  private static void upsert(final WriteSession session, final Sighting sighting)
      throws SQLException {
    final PreparedStatement upsert = session.prepare(UPSERT_NUMBER);
    bind(upsert, sighting);
    upsert.executeUpdate();
  }

  private static void bind(final PreparedStatement upsert, final Sighting sighting)
      throws SQLException {
    upsert.setString(1, sighting.phoneNumberId());
    upsert.setString(2, sighting.display());
    upsert.setString(3, Customers.digits(sighting.display()));
    upsert.setString(4, sighting.wabaId());
    upsert.setLong(5, sighting.first());
    upsert.setLong(6, sighting.last());
  }

  static void accountEvent(
      final WriteSession session, final PendingEntry entry, final AccountUpdate update)
      throws SQLException {
    final Origin origin = update.origin();
    final PreparedStatement insert = session.prepare(INSERT_ACCOUNT_EVENT);
    insert.setLong(1, entry.id());
    insert.setString(2, origin.location());
    insert.setString(3, origin.wabaId());
    insert.setString(4, origin.phoneNumberId());
    insert.setString(5, accountDigits(update));
    insert.setString(6, update.event());
    insert.setString(7, update.disconnectionReason());
    insert.setString(8, update.initiatedBy());
    insert.setLong(9, entry.receivedAtMillis());
    insert.setString(10, ProblemWriter.clip(update.raw()));
    insert.executeUpdate();
  }

  /** The digits of the number an account update names: its phone_number, else the display's. */
  static String accountDigits(final AccountUpdate update) {
    return Customers.digits(
        update.phoneNumber() != null ? update.phoneNumber() : update.origin().displayPhoneNumber());
  }

  static void partnerEvent(
      final WriteSession session, final PendingEntry entry, final PartnerEvent partner)
      throws SQLException {
    final PreparedStatement insert = session.prepare(INSERT_PARTNER_EVENT);
    insert.setLong(1, entry.id());
    insert.setString(2, partner.origin().location());
    insert.setString(3, partner.event());
    insert.setString(4, partner.origin().deliveryId());
    insert.setString(5, partner.raw().toString());
    insert.setLong(6, entry.receivedAtMillis());
    insert.setString(7, partner.wabaId());
    insert.setString(8, partner.phoneNumberId());
    insert.setString(9, partner.phoneDigits());
    insert.executeUpdate();
  }
}
