package dev.coexist.store;

import static dev.coexist.store.EpochTimes.millis;

import dev.coexist.db.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The 360dialog partner events that are not WhatsApp fields (channel, client, template, violation),
 * kept whole, in journal order.
 */
public final class PartnerEventQueries {
  private static final String PARTNER_EVENTS =
      """
      SELECT journal_id, event, delivery_id, payload, received_at FROM partner_events
       WHERE journal_id > ? ORDER BY journal_id, location LIMIT ?
      """;

  private final Database database;

  public PartnerEventQueries(final Database database) {
    this.database = database;
  }

  /** Partner events in journal order, after the journal id {@code afterJournalId}. */
  public List<PartnerEventView> after(final long afterJournalId, final int limit)
      throws SQLException {
    try (Connection connection = database.pool().getConnection();
        PreparedStatement select = connection.prepareStatement(PARTNER_EVENTS)) {
      select.setLong(1, afterJournalId);
      select.setInt(2, limit);
      final List<PartnerEventView> events = new ArrayList<>();
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          events.add(
              new PartnerEventView(
                  rows.getLong(1),
                  rows.getString(2),
                  rows.getString(3),
                  rows.getString(4),
                  millis(rows.getLong(5))));
        }
      }
      return events;
    }
  }
}
