package dev.coexist.apply;

import static dev.coexist.apply.LanesIT.count;
import static dev.coexist.apply.LanesIT.delivery;
import static dev.coexist.apply.LanesIT.live;
import static org.assertj.core.api.Assertions.assertThat;

import dev.coexist.db.Database;
import dev.coexist.db.Engine;
import dev.coexist.journal.Journal;
import dev.coexist.journal.Lanes;
import dev.coexist.journal.Partitioning;
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
 * work; nodes that join get their share, as the first hands lanes back when their leases come up. A
 * share is counted from all 64 live lanes, not from those with work at the moment (see
 * LaneLeases.hold): the numbers here give every live lane work, so that two nodes at their share
 * cannot hold every lane with work and leave the third none.
 */
class LaneSharesIT {
  @TempDir Path folder;

  @Test
  void nodesThatJoinGetTheirShareOfTheLanes() throws Exception {
    final String url = Engines.url(Engine.POSTGRESQL, folder);
    final ProcessorSettings settings =
        ProcessorSettings.of(Duration.ofMillis(20), 1_000).withLease(Duration.ofSeconds(1));
    final List<String> numbers = numbersOnEveryLane(3);
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
      // nodes B and C join: A hands back lanes beyond its share as their leases come up. A look at
      // the leases is one instant: a node that stalls for most of a lease on a loaded machine
      // (the 1 s lease here) has none at that instant, so the share is looked for at each round,
      // from 2 s after the join on, until it is found or 12 s have passed
      running.add(loops.submit(() -> applyWhile(traffic, processorB)));
      running.add(loops.submit(() -> applyWhile(traffic, processorC)));
      sent += send(journal, numbers, sent, Duration.ofSeconds(2));
      final List<Map<String, Long>> looks = new ArrayList<>();
      final long giveUp = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      do {
        sent += send(journal, numbers, sent, Duration.ZERO);
        looks.add(leasesPerNode(nodeA));
      } while (!shared(looks.get(looks.size() - 1)) && System.nanoTime() - giveUp < 0);
      final Map<String, Long> together = looks.get(looks.size() - 1);
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
      assertThat(shared(together)).as("leases per node, a look per round: %s", looks).isTrue();
      assertThat(count(nodeA, "SELECT count(*) FROM processor_nodes")).isEqualTo(3);
      assertThat(count(nodeA, "SELECT count(*) FROM entry_outcomes WHERE state = 'applied'"))
          .isEqualTo((long) numbers.size() * sent);
      assertThat(count(nodeA, "SELECT count(*) FROM entry_outcomes WHERE attempts <> 1")).isZero();
    }
  }

  // three nodes, each with at most its share of the 64 live lanes, ceil(64 / 3) = 22, and some
  private static boolean shared(final Map<String, Long> leases) {
    return leases.size() == 3 && leases.values().stream().allMatch(held -> held >= 1 && held <= 22);
  }

  private static Void applyWhile(final AtomicBoolean traffic, final Processor processor)
      throws InterruptedException {
    while (traffic.get()) {
      processor.drain();
      Thread.sleep(10);
    }
    return null;
  }

  // {@code each} phone number ids in every one of the 64 live lanes
  private static List<String> numbersOnEveryLane(final int each) {
    final int[] onLane = new int[Partitioning.DEFAULT];
    final List<String> numbers = new ArrayList<>();
    for (long id = 106540352310000L; numbers.size() < each * Partitioning.DEFAULT; id++) {
      final String number = Long.toString(id);
      if (onLane[Lanes.ofNumber(number, Partitioning.DEFAULT)]++ < each) {
        numbers.add(number);
      }
    }
    return numbers;
  }

  // a message for each number every 200 ms for {@code time} (one round at least); the rounds sent
  private static int send(
      final Journal journal, final List<String> numbers, final int firstRound, final Duration time)
      throws InterruptedException {
    int round = firstRound;
    final long until = System.nanoTime() + time.toNanos();
    do {
      final List<CompletableFuture<?>> sent = new ArrayList<>();
      for (final String number : numbers) {
        sent.add(journal.append(delivery(live(number, "wamid.SPREAD." + number + "." + round))));
      }
      CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).join();
      round++;
      Thread.sleep(200);
    } while (System.nanoTime() - until < 0);
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
