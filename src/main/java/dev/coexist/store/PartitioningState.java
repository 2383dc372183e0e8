package dev.coexist.store;

import dev.coexist.db.Database;
import dev.coexist.journal.Partitioning;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The journal's partitioning as the store sees it: the counts, and how many entries journalled
 * before the last change of the count still wait (the entries after it wait for them).
 *
 * @param waitingBeforeChange entries up to {@code partitioning.sinceId()} not applied yet
 */
public record PartitioningState(Partitioning partitioning, long waitingBeforeChange) {
  private static final String WAITING_UP_TO =
      """
      SELECT count(*) FROM processor_lanes p
        JOIN journal j ON j.lane = p.lane
       WHERE j.state = 'pending' AND j.id > p.applied_up_to AND j.id <= ?
      """;

  /** Read now. */
  public static PartitioningState read(final Database store) throws SQLException {
    try (Connection connection = store.pool().getConnection()) {
      final Partitioning partitioning = Partitioning.read(connection);
      try (PreparedStatement select = connection.prepareStatement(WAITING_UP_TO)) {
        select.setLong(1, partitioning.sinceId());
        try (ResultSet row = select.executeQuery()) {
          row.next();
          return new PartitioningState(partitioning, row.getLong(1));
        }
      }
    }
  }
}
