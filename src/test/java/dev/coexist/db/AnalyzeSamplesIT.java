package dev.coexist.db;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coexist.testing.Engines;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL analyzes the tables that grow with every delivery from a small sample (V26): every
 * column of journal, changes and messages has statistics target 10; other tables keep the server's.
 */
class AnalyzeSamplesIT {
  private static final String TARGETS =
      """
      SELECT a.attname, a.attstattarget
        FROM pg_attribute a
       WHERE a.attrelid = to_regclass(?) AND a.attnum > 0 AND NOT a.attisdropped
      """;

  @TempDir Path folder;

  @Test
  void theGrowingTablesHaveTargetTenAndTheOthersTheServers() throws Exception {
    try (Storage storage = Engines.open(Engine.POSTGRESQL, folder);
        Connection connection = storage.store().pool().getConnection()) {
      for (final String table : new String[] {"journal", "changes", "messages"}) {
        assertThat(targets(connection, table))
            .as("statistics targets of %s's columns", table)
            .isNotEmpty()
            .allSatisfy(target -> assertThat(target).isEqualTo(10));
      }
      // -1 or NULL (PostgreSQL 17): the server's default_statistics_target
      assertThat(targets(connection, "threads"))
          .allSatisfy(target -> assertThat(target).isEqualTo(-1));
    }
  }

  private static List<Integer> targets(final Connection connection, final String table)
      throws SQLException {
    final List<Integer> targets = new ArrayList<>();
    try (PreparedStatement query = connection.prepareStatement(TARGETS)) {
      query.setString(1, table);
      try (ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          final int target = rows.getInt(2);
          targets.add(rows.wasNull() ? -1 : target);
        }
      }
    }
    return targets;
  }
}
