package dev.coexist;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coexist.ingest.WebhookRoutes;
import dev.coexist.testing.CoexistProcess;
import dev.coexist.testing.JournalRows;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Coexist as a separate process, killed with SIGKILL in the middle of concurrent deliveries and
 * started again, ten times over the same data folder: every delivery that was answered 200 must be
 * in the journal with exactly the bytes that were sent.
 */
class CrashIT {
  private static final int CYCLES = 10;
  private static final int CLIENTS = 16;

  @TempDir Path dataDir;

  @Test
  void everyAcknowledgedDeliverySurvivesKillNine() throws Exception {
    final Map<String, byte[]> acknowledged = new ConcurrentHashMap<>();
    final AtomicInteger sequence = new AtomicInteger();
    int refusedOrBroken = 0;
    for (int cycle = 1; cycle <= CYCLES; cycle++) {
      final int port = CoexistProcess.freePort();
      try (CoexistProcess server =
          CoexistProcess.start(
              dataDir.resolve("cycle-" + cycle),
              0,
              "--port",
              String.valueOf(port),
              "--data-dir",
              dataDir.toString())) {
        server.awaitReady(port);
        refusedOrBroken += deliverUntilKilled(port, server, acknowledged, sequence);
      }
    }

    final List<JournalRows.Row> rows = JournalRows.all(dataDir.resolve("coexist.journal.db"));
    final Map<String, JournalRows.Row> bySha = new java.util.HashMap<>();
    for (final JournalRows.Row row : rows) {
      // the stored hash must be the hash of the stored bytes: nothing torn, nothing half-written
      assertThat(WebhookRoutes.sha256Hex(row.body())).isEqualTo(row.bodySha256());
      bySha.put(row.bodySha256(), row);
    }
    assertThat(acknowledged).hasSizeGreaterThan(CYCLES * 10);
    for (final Map.Entry<String, byte[]> sent : acknowledged.entrySet()) {
      final JournalRows.Row row = bySha.get(sent.getKey());
      assertThat(row).as("acknowledged delivery %s", sent.getKey()).isNotNull();
      assertThat(row.body()).isEqualTo(sent.getValue());
      // processed or still waiting; never lost, never turned into something else
      // taken for processing (the journal's rows never change; the store records applies)
      assertThat(row.state()).isEqualTo("pending");
    }
    for (final String file : new String[] {"coexist.journal.db", "coexist.db"}) {
      try (Connection connection =
              DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve(file));
          Statement check = connection.createStatement();
          ResultSet result = check.executeQuery("PRAGMA integrity_check")) {
        result.next();
        assertThat(result.getString(1)).as("integrity of %s", file).isEqualTo("ok");
      }
    }
    System.out.printf(
        "crash test: %d cycles, %d acknowledged deliveries all journalled intact, %d unacknowledged%n",
        CYCLES, acknowledged.size(), refusedOrBroken);
  }

  /**
   * Sends unique deliveries from several clients, kills the server mid-load, returns the failures.
   */
  private static int deliverUntilKilled(
      final int port,
      final CoexistProcess server,
      final Map<String, byte[]> acknowledged,
      final AtomicInteger sequence)
      throws Exception {
    final AtomicBoolean running = new AtomicBoolean(true);
    final AtomicInteger failures = new AtomicInteger();
    final AtomicInteger acksThisCycle = new AtomicInteger();
    final URI target = URI.create("http://127.0.0.1:" + port + "/webhooks/whatsapp");
    try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
      final List<java.util.concurrent.Future<?>> workers = new ArrayList<>();
      for (int worker = 0; worker < CLIENTS; worker++) {
        workers.add(
            clients.submit(
                () -> {
                  while (running.get()) {
                    final byte[] body = body(sequence.incrementAndGet());
                    try {
                      final HttpResponse<String> response =
                          client.send(
                              HttpRequest.newBuilder(target)
                                  .timeout(Duration.ofSeconds(10))
                                  .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                                  .build(),
                              HttpResponse.BodyHandlers.ofString());
                      if (response.statusCode() == 200) {
                        acknowledged.put(WebhookRoutes.sha256Hex(body), body);
                        acksThisCycle.incrementAndGet();
                      } else {
                        failures.incrementAndGet();
                      }
                    } catch (IOException killed) {
                      failures.incrementAndGet();
                    }
                  }
                  return null;
                }));
      }
      // kill once some deliveries went through, at a random moment of the load
      final Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
      while (acksThisCycle.get() < 20 && Instant.now().isBefore(deadline)) {
        Thread.sleep(10);
      }
      Thread.sleep(ThreadLocalRandom.current().nextInt(50, 400));
      server.kill();
      running.set(false);
      for (final java.util.concurrent.Future<?> worker : workers) {
        worker.get();
      }
    }
    assertThat(acksThisCycle.get()).isGreaterThanOrEqualTo(20);
    return failures.get();
  }

  private static byte[] body(final int number) {
    // sizes from a few hundred bytes to ~40 KB, with multi-byte characters
    final int padding = ThreadLocalRandom.current().nextInt(0, 40_000);
    return ("{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"102290129340398\",\"changes\":[{"
            + "\"field\":\"messages\",\"value\":{\"messages\":[{\"id\":\"wamid.CRASH"
            + number
            + "\",\"type\":\"text\",\"text\":{\"body\":\"Olá 👋 "
            + "x".repeat(padding)
            + "\"}}]}}]}]}")
        .getBytes(StandardCharsets.UTF_8);
  }
}
