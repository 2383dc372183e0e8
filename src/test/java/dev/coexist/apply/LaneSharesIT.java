package dev.coexist.apply;

import static dev.coexist.apply.LanesIT.count;
import static dev.coexist.apply.LanesIT.delivery;
import static dev.coexist.apply.LanesIT.live;
import static org.assertj.core.api.Assertions.assertThat;

import dev.coexist.db.Database;
import dev.coexist.db.Engine;
import dev.coexist.journal.Journal;
import dev.coexist.testing.Engines;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lanes spread over the nodes that are up (PostgreSQL): a node alone takes every lane with
 * work; nodes that join get their share, as the first hands lanes back when their leases come up.
 */
class LaneSharesIT {
  @TempDir Path folder;

  @Test
  void nodesThatJoinGetTheirShareOfTheLanes() throws Exception {
    final String url = Engines.url(Engine.POSTGRESQL, folder);
    final ProcessorSettings settings =
        ProcessorSettings.of(Duration.ofMillis(20), 1_000).withLease(Duration.ofSeconds(1));
    final int numbers = 200;
    try (Database nodeA = Database.open(url, Duration.ofSeconds(5), 4);
        Database nodeB = Database.open(url, Duration.ofSeconds(5), 4);
        Database nodeC = Database.open(url, Duration.ofSeconds(5), 4);
        Journal journal =
            new Journal(nodeA, 64, Duration.ZERO, 64L << 20, new SimpleMeterRegistry());
        Processor processorA =
            new Processor(nodeA, new SimpleMeterRegistry(), settings, c -> {}, new LaneClaims());
        Processor processorB =
            new Processor(nodeB, new SimpleMeterRegistry(), settings, c -> {}, new LaneClaims());
        Processor processorC =
            new Processor(nodeC, new SimpleMeterRegistry(), settings, c -> {}, new LaneClaims())) {
      final ExecutorService loops = Executors.newFixedThreadPool(3);
      final AtomicBoolean traffic = new AtomicBoolean(true);
      final List<Future<?>> running = new ArrayList<>();
      int sent = 0;
      // node A alone takes every lane with work
      running.add(loops.submit(() -> applyWhile(traffic, processorA)));
      sent += send(journal, numbers, sent, Duration.ofSeconds(2));
      final Map<String, Long> alone = leasesPerNode(nodeA);
      // nodes B and C join: A hands back lanes beyond its share as their leases come up
      running.add(loops.submit(() -> applyWhile(traffic, processorB)));
      running.add(loops.submit(() -> applyWhile(traffic, processorC)));
      sent += send(journal, numbers, sent, Duration.ofSeconds(4));
      final Map<String, Long> together = leasesPerNode(nodeA);
      traffic.set(false);
      for (final Future<?> loop : running) {
        loop.get();
      }
      loops.shutdown();
      Thread.sleep(1_200); // the leases of the stopped loops run out; one node finishes
      processorA.drain();

      assertThat(alone).hasSize(1);
      assertThat(alone.values().iterator().next()).isGreaterThan(22);
      // 3 nodes up: each holds at most its share, ceil(64 / 3) = 22, and each holds some
      assertThat(together).hasSize(3);
      assertThat(together.values()).allMatch(leases -> leases >= 1 && leases <= 22);
      assertThat(count(nodeA, "SELECT count(*) FROM processor_nodes")).isEqualTo(3);
      assertThat(count(nodeA, "SELECT count(*) FROM entry_outcomes WHERE state = 'applied'"))
          .isEqualTo((long) numbers * sent);
      assertThat(count(nodeA, "SELECT count(*) FROM entry_outcomes WHERE attempts <> 1")).isZero();
    }
  }

  private static Void applyWhile(final AtomicBoolean traffic, final Processor processor)
      throws InterruptedException {
    while (traffic.get()) {
      processor.drain();
      Thread.sleep(10);
    }
    return null;
  }

  // a message for each number every 200 ms for {@code time}; the rounds sent
  private static int send(
      final Journal journal, final int numbers, final int firstRound, final Duration time)
      throws InterruptedException {
    int round = firstRound;
    final long until = System.nanoTime() + time.toNanos();
    while (System.nanoTime() - until < 0) {
      final List<CompletableFuture<?>> sent = new ArrayList<>();
      for (int number = 0; number < numbers; number++) {
        sent.add(
            journal.append(
                delivery(
                    live(
                        "1065403523" + (10000 + number), "wamid.SPREAD." + number + "." + round))));
      }
      CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).join();
      round++;
      Thread.sleep(200);
    }
    return round - firstRound;
  }

  // the lanes whose lease runs, per owner
  private static Map<String, Long> leasesPerNode(final Database database) throws SQLException {
    final Map<String, Long> leases = new TreeMap<>();
    try (Connection connection = database.pool().getConnection();
        PreparedStatement select =
            connection.prepareStatement(
                """
                SELECT owner, count(*) FROM processor_lanes
                 WHERE owner IS NOT NULL
                   AND lease_until > CAST(extract(epoch FROM clock_timestamp()) * 1000 AS BIGINT)
                 GROUP BY owner
                """);
        ResultSet rows = select.executeQuery()) {
      while (rows.next()) {
        leases.put(rows.getString(1), rows.getLong(2));
      }
    }
    return leases;
  }
}
