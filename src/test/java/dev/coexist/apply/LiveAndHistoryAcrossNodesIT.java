package dev.coexist.apply;

import static dev.coexist.apply.LanesIT.count;
import static dev.coexist.apply.LanesIT.delivery;
import static org.assertj.core.api.Assertions.assertThat;

import dev.coexist.db.Database;
import dev.coexist.db.Engine;
import dev.coexist.journal.Journal;
import dev.coexist.journal.Lanes;
import dev.coexist.journal.Partitioning;
import dev.coexist.testing.Engines;
import dev.coexist.testing.StoreChecks;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A number's live lane and its history lane may be applied at once, by two nodes or by a node's two
 * processors (PostgreSQL): both write the number's customers, threads and listed threads, and every
 * processor's thread refresh writes them too. Numbers that import their history while their
 * customers write live (several customers in one delivery, in the order opposite to the chunk's,
 * some before the chunk creates them), applied by two nodes of two processors each at once: no
 * deadlock, every entry applied once at its first attempt, and every thread's figures equal a
 * recount.
 */
class LiveAndHistoryAcrossNodesIT {
  private static final int NUMBERS = 8;
  private static final int CHUNKS = 12;
  private static final int THREADS = 20;

  @TempDir Path folder;

  @Test
  void aNumbersLiveAndHistoryLanesAppliedByTwoNodesNeverDeadlock() throws Exception {
    final String url = Engines.url(Engine.POSTGRESQL, folder);
    final ProcessorSettings settings =
        ProcessorSettings.of(Duration.ofMillis(10), 1_000).withLease(Duration.ofSeconds(2));
    final List<String> numbers = numbersInPartitionsOfTheirOwn();
    // two processors per node, as coexist serve runs them on PostgreSQL, sharing their node's
    // claims
    final LaneClaims claimsA = new LaneClaims();
    final LaneClaims claimsB = new LaneClaims();
    try (Database nodeA = Database.open(url, Duration.ofSeconds(5), 4);
        Database nodeB = Database.open(url, Duration.ofSeconds(5), 4);
        Journal journal =
            new Journal(nodeA, 64, Duration.ZERO, 64L << 20, new SimpleMeterRegistry());
        Processor processorA1 = new Processor(nodeA, meters(), settings, c -> {}, claimsA);
        Processor processorA2 = new Processor(nodeA, meters(), settings, c -> {}, claimsA);
        Processor processorB1 = new Processor(nodeB, meters(), settings, c -> {}, claimsB);
        Processor processorB2 = new Processor(nodeB, meters(), settings, c -> {}, claimsB)) {
      final long deadlocksBefore = deadlocks(nodeA);
      final ExecutorService loops = Executors.newFixedThreadPool(4);
      final AtomicBoolean running = new AtomicBoolean(true);
      final List<Future<?>> applying =
          List.of(
              loops.submit(() -> applyWhile(running, processorA1)),
              loops.submit(() -> applyWhile(running, processorA2)),
              loops.submit(() -> applyWhile(running, processorB1)),
              loops.submit(() -> applyWhile(running, processorB2)));
      int entries = 0;
      for (int chunk = 1; chunk <= CHUNKS; chunk++) {
        final List<CompletableFuture<?>> sent = new ArrayList<>();
        for (final String number : numbers) {
          sent.add(journal.append(delivery(chunkOf(number, chunk))));
          // the customers of this chunk and of the next write live, the last one first
          for (int from = 2 * THREADS - 1; from >= 3; from -= 4) {
            final int first = chunk * 1000 + from % THREADS + (from >= THREADS ? 1000 : 0);
            final int second = first - 2;
            sent.add(journal.append(delivery(live(number, chunk, from, first, second))));
          }
          entries += 1 + THREADS / 2;
        }
        CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).join();
      }
      awaitApplied(nodeA, entries);
      running.set(false);
      for (final Future<?> loop : applying) {
        loop.get();
      }
      loops.shutdown();
      Thread.sleep(1_500); // a backend reports its statistics within a second

      assertThat(deadlocks(nodeA) - deadlocksBefore).as("deadlocks").isZero();
      assertThat(count(nodeA, "SELECT count(*) FROM entry_outcomes WHERE state <> 'applied'"))
          .isZero();
      assertThat(count(nodeA, "SELECT count(*) FROM entry_outcomes WHERE attempts <> 1"))
          .as("entries applied more than once")
          .isZero();
      assertThat(count(nodeA, "SELECT count(*) FROM dirty_threads")).isZero();
      try (Connection store = StoreChecks.connect(url)) {
        StoreChecks.assertThreadFiguresEqualRecount(store, NUMBERS * CHUNKS * THREADS);
      }
    }
  }

  /** Numbers of distinct partitions, so that their lanes spread over both nodes. */
  private static List<String> numbersInPartitionsOfTheirOwn() {
    final List<String> numbers = new ArrayList<>();
    final Set<Integer> partitions = new HashSet<>();
    for (int candidate = 0; numbers.size() < NUMBERS; candidate++) {
      final String number = "1065403524" + (10000 + candidate);
      if (partitions.add(Lanes.ofNumber(number, Partitioning.DEFAULT))) {
        numbers.add(number);
      }
    }
    return numbers;
  }

  private static byte[] chunkOf(final String number, final int chunk) {
    return new String(ChunkBodies.chunk(1, chunk, chunk * 100 / (CHUNKS + 1), THREADS, 5), UTF8)
        .replace(StoreHarness.NUMBER, number)
        .replace("\"id\":\"gen-", "\"id\":\"gen-" + number + "-")
        .getBytes(UTF8);
  }

  private static final java.nio.charset.Charset UTF8 = StandardCharsets.UTF_8;

  /** Two messages of two customers in one delivery (as chunk customers {@code 1650...}). */
  private static byte[] live(
      final String number, final int chunk, final int index, final int first, final int second) {
    final String one = "1650%07d".formatted(first);
    final String two = "1650%07d".formatted(second);
    final long at = 1739000000L + chunk * 10_000L + 500 + index;
    return """
        {"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[
        {"field":"messages","value":{"messaging_product":"whatsapp","metadata":{
        "display_phone_number":"15550001111","phone_number_id":"%1$s"},
        "contacts":[{"profile":{"name":"Name %5$d"},"wa_id":"%2$s"},
                    {"profile":{"name":"Name %5$d"},"wa_id":"%3$s"}],
        "messages":[{"from":"%2$s","id":"wamid.live.%1$s.%4$d.%5$d.1","timestamp":"%6$d",
        "type":"text","text":{"body":"hello"}},
        {"from":"%3$s","id":"wamid.live.%1$s.%4$d.%5$d.2","timestamp":"%6$d",
        "type":"text","text":{"body":"hello again"}}]}}]}]}"""
        .formatted(number, one, two, chunk, index, at)
        .getBytes(UTF8);
  }

  private static SimpleMeterRegistry meters() {
    return new SimpleMeterRegistry();
  }

  private static Void applyWhile(final AtomicBoolean running, final Processor processor)
      throws InterruptedException {
    while (running.get()) {
      processor.drain();
      Thread.sleep(5);
    }
    return null;
  }

  private static void awaitApplied(final Database database, final int entries) throws Exception {
    final long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (System.nanoTime() - deadline < 0) {
      if (count(database, "SELECT count(*) FROM entry_outcomes") == entries
          && count(database, "SELECT count(*) FROM dirty_threads") == 0) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError(
        count(database, "SELECT count(*) FROM entry_outcomes")
            + " of "
            + entries
            + " entries applied after 120 s");
  }

  private static long deadlocks(final Database database) throws Exception {
    return count(
        database, "SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()");
  }
}
