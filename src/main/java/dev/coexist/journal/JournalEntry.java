package dev.coexist.journal;

import java.sql.ResultSet;
import java.sql.SQLException;

/** One row of the journal. */
public record JournalEntry(
    long id,
    long receivedAtMillis,
    String route,
    String headersJson,
    byte[] body,
    String bodySha256,
    String eventId,
    String state,
    String error,
    int attempts,
    Long duplicateOf) {

  static JournalEntry from(final ResultSet row) throws SQLException {
    final long duplicateOf = row.getLong("duplicate_of");
    // wasNull() speaks of the last column read, so it is asked right away
    final boolean original = row.wasNull();
    return new JournalEntry(
        row.getLong("id"),
        row.getLong("received_at"),
        row.getString("route"),
        row.getString("headers"),
        row.getBytes("body"),
        row.getString("body_sha256"),
        row.getString("event_id"),
        row.getString("state"),
        row.getString("error"),
        row.getInt("attempts"),
        original ? null : duplicateOf);
  }
}
