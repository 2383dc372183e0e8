package dev.coexist.journal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coexist.db.Database;
import dev.coexist.db.Engine;
import dev.coexist.testing.Engines;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The journal writer's session on PostgreSQL is bounded: every node's writer commits in turn under
 * one lock, so a node frozen while holding it must not stop the others' acknowledgements for longer
 * than a few seconds.
 */
class WriterConnectionIT {
  @TempDir Path folder;

  @Test
  void theWritersSessionIsEndedWhenItSitsInATransaction() throws Exception {
    try (Database database =
        Database.open(Engines.url(Engine.POSTGRESQL, folder), Duration.ofSeconds(5), 2)) {
      final WriterConnection writer = new WriterConnection(database);
      final Connection connection = writer.connection();
      assertThat(Engines.setting(connection, "statement_timeout")).isEqualTo("5s");
      assertThat(Engines.setting(connection, "idle_in_transaction_session_timeout"))
          .isEqualTo("5s");
      writer.discard();
    }
  }
}
