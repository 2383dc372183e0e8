package dev.coexist;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coexist.config.ConfigKey;
import dev.coexist.testing.JournalRows;
import dev.coexist.testing.RunningApp;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stopping Coexist answers every delivery it had accepted, after committing it. */
class GracefulShutdownIT {
  private static final int IN_FLIGHT = 20;

  @TempDir Path dataDir;

  @Test
  void deliveriesInFlightAtStopAreCommittedAndAnswered() throws Exception {
    // a long batch window keeps the deliveries waiting in the writer when the stop begins
    final RunningApp coexist =
        RunningApp.start(dataDir, Map.of(ConfigKey.JOURNAL_BATCH_WAIT, "700ms"));
    final List<Future<HttpResponse<String>>> responses = new ArrayList<>();
    try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int number = 0; number < IN_FLIGHT; number++) {
        final byte[] body =
            ("{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\""
                    + number
                    + "\",\"changes\":[]}]}")
                .getBytes(StandardCharsets.UTF_8);
        responses.add(clients.submit(() -> coexist.post("/webhooks/whatsapp", body)));
      }
      Thread.sleep(300);
      assertThat(responses).noneMatch(Future::isDone);
      coexist.close();

      for (final Future<HttpResponse<String>> response : responses) {
        assertThat(response.get().statusCode()).isEqualTo(200);
      }
    }
    assertThat(JournalRows.all(coexist.journalFile()))
        .hasSize(IN_FLIGHT)
        .extracting(JournalRows::acceptance)
        .containsOnly("accepted");
  }
}
