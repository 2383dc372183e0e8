package dev.coexist.testing;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Reads the journal table straight from the SQLite file, the way an operator would. */
public final class JournalRows {
  private JournalRows() {}

  /** One journal row as stored. */
  public record Row(
      long id,
      String route,
      String headers,
      byte[] body,
      String bodySha256,
      String eventId,
      String state,
      String error,
      Long duplicateOf) {}

  /**
   * "accepted" for an entry taken for processing, whether the processor has applied it yet or not
   * (tests of ingest race with the processor); any other state as it is.
   */
  public static String acceptance(final Row row) {
    return row.state().equals("pending") || row.state().equals("applied")
        ? "accepted"
        : row.state();
  }

  public static List<Row> all(final Path databaseFile) throws SQLException {
    try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + databaseFile);
        PreparedStatement select =
            connection.prepareStatement(
                """
                SELECT id, route, headers, body, body_sha256, event_id, state, error, duplicate_of
                  FROM journal ORDER BY id
                """);
        ResultSet rows = select.executeQuery()) {
      final List<Row> all = new ArrayList<>();
      while (rows.next()) {
        final long duplicateOf = rows.getLong("duplicate_of");
        final boolean original = rows.wasNull();
        all.add(
            new Row(
                rows.getLong("id"),
                rows.getString("route"),
                rows.getString("headers"),
                rows.getBytes("body"),
                rows.getString("body_sha256"),
                rows.getString("event_id"),
                rows.getString("state"),
                rows.getString("error"),
                original ? null : duplicateOf));
      }
      return all;
    }
  }
}
