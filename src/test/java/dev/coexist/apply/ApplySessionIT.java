package dev.coexist.apply;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coexist.db.Database;
import dev.coexist.db.Engine;
import dev.coexist.testing.Engines;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An apply session on PostgreSQL runs with a lock timeout, and a statement timeout and an
 * idle-in-transaction timeout equal to the lease: a frozen node's open transaction is ended by the
 * server, and the lane row it locked is free for the node that takes the lane over. An idle
 * transaction past the timeout is ended indeed.
 */
class ApplySessionIT {
  @TempDir Path folder;

  @Test
  void applySessionsRunWithTimeoutsAndAFrozenTransactionIsEnded() throws Exception {
    try (Database database =
        Database.open(Engines.url(Engine.POSTGRESQL, folder), Duration.ofSeconds(5), 2)) {
      final ApplySession session =
          new ApplySession(database, Duration.ofMinutes(30), Duration.ofMillis(1_500));
      final Connection connection = session.get().connection();
      assertThat(Engines.setting(connection, "statement_timeout")).isEqualTo("1500ms");
      assertThat(Engines.setting(connection, "lock_timeout")).isEqualTo("5s");
      assertThat(Engines.setting(connection, "idle_in_transaction_session_timeout"))
          .isEqualTo("1500ms");

      // a transaction that holds a lane's row and then sits idle, as a frozen node's would
      try (Statement hold = connection.createStatement()) {
        hold.executeQuery("SELECT lane FROM processor_lanes WHERE lane = 3 FOR UPDATE").close();
      }
      Thread.sleep(2_500);
      try (Connection other = database.openWriterConnection();
          Statement take = other.createStatement();
          ResultSet row =
              take.executeQuery(
                  "SELECT lane FROM processor_lanes WHERE lane = 3 FOR UPDATE SKIP LOCKED")) {
        assertThat(row.next()).as("the lane's row is free again").isTrue();
        other.rollback();
      }
      try (Statement late = connection.createStatement()) {
        late.executeQuery("SELECT 1").close();
        throw new AssertionError("the idle transaction's session was not ended");
      } catch (SQLException ended) {
        assertThat(ended.getMessage()).containsIgnoringCase("idle-in-transaction timeout");
      }
      session.discard();
    }
  }
}
