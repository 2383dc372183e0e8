package dev.coexist.journal;

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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Concurrent deliveries share commits, and each is answered only when its commit is done. */
class GroupCommitIT {
  private static final int DELIVERIES = 400;

  @TempDir Path dataDir;

  @Test
  void concurrentDeliveriesAreCommittedInFewerTransactionsThanDeliveries() throws Exception {
    try (RunningApp coexist =
            RunningApp.start(dataDir, Map.of(ConfigKey.JOURNAL_BATCH_WAIT, "2ms"));
        ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
      final List<Future<HttpResponse<String>>> responses = new ArrayList<>();
      for (int number = 0; number < DELIVERIES; number++) {
        final byte[] body =
            ("{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\""
                    + number
                    + "\",\"changes\":[]}]}")
                .getBytes(StandardCharsets.UTF_8);
        responses.add(clients.submit(() -> coexist.post("/webhooks/whatsapp", body)));
      }
      for (final Future<HttpResponse<String>> response : responses) {
        assertThat(response.get().statusCode()).isEqualTo(200);
      }

      assertThat(JournalRows.all(coexist.journalFile()))
          .hasSize(DELIVERIES)
          .extracting(JournalRows::acceptance)
          .containsOnly("accepted");
      final String metrics = coexist.get("/metrics").body();
      final long transactions = metric(metrics, "coexist_journal_batch_size_count");
      final long committed = metric(metrics, "coexist_journal_batch_size_sum");
      assertThat(committed).isEqualTo(DELIVERIES);
      assertThat(transactions).isLessThan(DELIVERIES);
    }
  }

  private static long metric(final String metrics, final String name) {
    final Matcher matcher = Pattern.compile("(?m)^" + name + " ([0-9.E]+)$").matcher(metrics);
    assertThat(matcher.find()).as(name + " in " + metrics).isTrue();
    return (long) Double.parseDouble(matcher.group(1));
  }
}
