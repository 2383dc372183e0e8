package dev.coexist.journal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coexist.config.ConfigKey;
import dev.coexist.testing.JournalRows;
import dev.coexist.testing.RunningApp;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A database that refuses writes: no 200, a 503 with Retry-After, and recovery on its own. */
class JournalAvailabilityIT {
  @TempDir Path dataDir;

  private static byte[] delivery(final int number) {
    return ("{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\""
            + number
            + "\",\"changes\":[]}]}")
        .getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aLockedDatabaseGets503UntilItIsReleased() throws Exception {
    try (RunningApp coexist =
        RunningApp.start(
            dataDir, Map.of(ConfigKey.DB_BUSY_TIMEOUT, "200ms", ConfigKey.ACK_TIMEOUT, "3s"))) {
      assertThat(coexist.post("/webhooks/whatsapp", delivery(1)).statusCode()).isEqualTo(200);

      // another process holds the write lock: the journal cannot commit
      try (Connection intruder =
              DriverManager.getConnection("jdbc:sqlite:" + coexist.journalFile());
          Statement lock = intruder.createStatement()) {
        lock.execute("BEGIN EXCLUSIVE");

        final HttpResponse<String> refused = coexist.post("/webhooks/whatsapp", delivery(2));
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.headers().firstValue("Retry-After")).contains("5");
        assertThat(refused.body())
            .contains("\"error\":\"unavailable\"")
            .contains("database is locked");

        final HttpResponse<String> ready = coexist.get("/health/ready");
        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(ready.body())
            .contains("\"journal\":\"unwritable\"")
            .contains("database is locked");

        lock.execute("ROLLBACK");
      }

      // with no delivery arriving, the writer's probe finds the database writable again
      final Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
      int readyStatus = 0;
      while (Instant.now().isBefore(deadline) && readyStatus != 200) {
        Thread.sleep(100);
        readyStatus = coexist.get("/health/ready").statusCode();
      }
      assertThat(readyStatus).isEqualTo(200);
      assertThat(coexist.post("/webhooks/whatsapp", delivery(2)).statusCode()).isEqualTo(200);
      assertThat(JournalRows.all(coexist.journalFile()))
          .extracting(JournalRows::acceptance)
          .containsExactly("accepted", "accepted");
    }
  }
}
