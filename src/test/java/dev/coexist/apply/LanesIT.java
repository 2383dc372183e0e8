package dev.coexist.apply;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coexist.db.Database;
import dev.coexist.db.Engine;
import dev.coexist.journal.Delivery;
import dev.coexist.journal.Journal;
import dev.coexist.journal.Lanes;
import dev.coexist.journal.Partitioning;
import dev.coexist.store.JournalStates;
import dev.coexist.testing.Engines;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The journal in lanes (partitions by phone number): one number's backlog does not hold up
 * another's, and on PostgreSQL several processors ("nodes", each with its own connection pool)
 * share the lanes, skip a lane another holds, and take it over when that one lets go or dies.
 */
class LanesIT {
  private static final String BUSY_NUMBER = StoreHarness.NUMBER;
  private static final String LIVE_NUMBER = "106540352240003";

  @TempDir Path folder;

  static byte[] live(final String number, final String wamid) {
    return """
        {"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[
        {"field":"messages","value":{"messaging_product":"whatsapp","metadata":{
        "display_phone_number":"15550002222","phone_number_id":"%s"},
        "contacts":[{"profile":{"name":"Ana"},"wa_id":"16505555678"}],
        "messages":[{"from":"16505555678","id":"%s","timestamp":"1739321024","type":"text",
        "text":{"body":"hello"}}]}}]}]}"""
        .formatted(number, wamid)
        .getBytes(StandardCharsets.UTF_8);
  }

  static Delivery delivery(final byte[] body) {
    return new Delivery(
        System.currentTimeMillis(), "whatsapp", "{}", body, StoreHarness.sha256(body), null, null);
  }

  private static long append(final Journal journal, final byte[] body) {
    return journal.append(delivery(body)).join().id();
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void aLiveMessageOfAnotherNumberIsAppliedBeforeAHistoryBacklogEnds(final Engine engine)
      throws Exception {
    assertThat(Lanes.ofNumber(LIVE_NUMBER, Partitioning.DEFAULT))
        .isNotEqualTo(Lanes.ofNumber(BUSY_NUMBER, Partitioning.DEFAULT));
    try (StoreHarness store = StoreHarness.open(engine, folder)) {
      final List<Long> appliedOrder = Collections.synchronizedList(new ArrayList<>());
      final List<Long> chunks = new ArrayList<>();
      for (int chunk = 1; chunk <= 8; chunk++) {
        chunks.add(append(store.journal, ChunkBodies.chunk(1, chunk, chunk, 20, 50)));
      }
      final long live = append(store.journal, live(LIVE_NUMBER, "wamid.LANE.LIVE"));
      final long own = append(store.journal, live(BUSY_NUMBER, "wamid.LANE.OWN"));
      try (Processor processor =
          new Processor(
              store.database,
              new SimpleMeterRegistry(),
              Duration.ofMillis(20),
              1_000,
              change -> {
                if (change.type().equals("history.updated")) {
                  appliedOrder.add(((Number) change.data().get("journal_id")).longValue());
                } else if ("wamid.LANE.LIVE".equals(change.data().get("wamid"))) {
                  appliedOrder.add(live);
                } else if ("wamid.LANE.OWN".equals(change.data().get("wamid"))) {
                  appliedOrder.add(own);
                }
              })) {
        processor.drain();
      }
      final List<Long> expected = new ArrayList<>(with(chunks, live));
      expected.add(own);
      assertThat(appliedOrder).containsExactlyInAnyOrderElementsOf(expected);
      // journalled last, applied long before the chunks journalled ahead of it are all done:
      // another number's live message, and one of the importing number itself (history has a
      // lane of its own in every partition)
      assertThat(appliedOrder.indexOf(live)).isLessThan(4);
      assertThat(appliedOrder.indexOf(own)).isLessThan(4);
      // within its lane the backlog keeps journal order
      final List<Long> chunkOrder = new ArrayList<>(appliedOrder);
      chunkOrder.remove(live);
      chunkOrder.remove(own);
      assertThat(chunkOrder).isSorted();
      assertThat(store.count("messages")).isEqualTo(8 * 20 * 50 + 2);
    }
  }

  @Test
  void aLaneLeasedByAnotherNodeIsSkippedUnreadAndTakenOverWhenItsLeaseRunsOut() throws Exception {
    final String url = Engines.url(Engine.POSTGRESQL, folder);
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (Database nodeA = Database.open(url, Duration.ofSeconds(5), 4);
        Database nodeB = Database.open(url, Duration.ofSeconds(5), 4);
        Journal journal =
            new Journal(nodeA, 64, Duration.ZERO, 64L << 20, new SimpleMeterRegistry());
        Processor processorB =
            new Processor(
                nodeB,
                meters,
                ProcessorSettings.of(Duration.ofMillis(20), 1_000).withLease(Duration.ofSeconds(1)),
                c -> {},
                new LaneClaims())) {
      final long busy = append(journal, live(BUSY_NUMBER, "wamid.LANE.BUSY"));
      final long other = append(journal, live(LIVE_NUMBER, "wamid.LANE.OTHER"));
      // node A holds the busy number's lane for 2 s, and froze in the middle of a transaction
      lease(nodeA, Lanes.ofNumber(BUSY_NUMBER, Partitioning.DEFAULT), "node-a", 2_000);
      final Connection nodeAInTransaction = nodeA.openWriterConnection();
      try (PreparedStatement hold =
          nodeAInTransaction.prepareStatement(
              "SELECT lane FROM processor_lanes WHERE lane = ? FOR UPDATE")) {
        hold.setInt(1, Lanes.ofNumber(BUSY_NUMBER, Partitioning.DEFAULT));
        hold.executeQuery().close();
      }
      processorB.drain();
      assertThat(state(nodeB, other)).isEqualTo("applied");
      assertThat(state(nodeB, busy)).isEqualTo("pending");
      assertThat(meters.get("coexist.store.decodes").counter().count())
          .as("not a byte of a lane leased elsewhere is read")
          .isEqualTo(1);
      // node A dies: its connection goes, its lease runs out, and node B takes the lane
      nodeAInTransaction.close();
      Thread.sleep(2_300);
      processorB.drain();
      assertThat(state(nodeB, busy)).isEqualTo("applied");
      assertThat(attempts(nodeB, busy)).isEqualTo(1);
      assertThat(owner(nodeB, Lanes.ofNumber(BUSY_NUMBER, Partitioning.DEFAULT)))
          .isNotEqualTo("node-a");
    }
  }

  @Test
  void aProcessorWhoseLaneWasTakenOverCannotCommitAndClaimsItAgainWhenItIsFree() throws Exception {
    final String url = Engines.url(Engine.POSTGRESQL, folder);
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (Database node = Database.open(url, Duration.ofSeconds(5), 4);
        Journal journal =
            new Journal(node, 64, Duration.ZERO, 64L << 20, new SimpleMeterRegistry());
        Processor processor =
            new Processor(
                node,
                meters,
                ProcessorSettings.of(Duration.ofMillis(20), 1_000)
                    .withLease(Duration.ofSeconds(30)),
                c -> {},
                new LaneClaims())) {
      final int lane = Lanes.ofNumber(BUSY_NUMBER, Partitioning.DEFAULT);
      final long first = append(journal, live(BUSY_NUMBER, "wamid.FENCE.1"));
      processor.drain();
      assertThat(state(node, first)).isEqualTo("applied");
      final long epoch = epoch(node, lane);

      // while the processor believes it holds the lane (its lease is long), another node takes it
      // (as it would once a frozen processor's lease ran out)
      lease(node, lane, "node-b", 1_500);
      final long second = append(journal, live(BUSY_NUMBER, "wamid.FENCE.2"));
      processor.drain();
      assertThat(state(node, second)).as("fenced: its epoch is gone").isEqualTo("pending");
      assertThat(meters.get("coexist.store.lanes.busy").counter().count()).isPositive();

      Thread.sleep(1_700); // node B's lease ran out: the lane is claimed again, a new epoch
      processor.drain();
      assertThat(state(node, second)).isEqualTo("applied");
      assertThat(epoch(node, lane)).isGreaterThan(epoch + 1);
    }
  }

  /** Gives {@code lane} to {@code owner} for {@code millis}, a new epoch, as a claim does. */
  private static void lease(
      final Database database, final int lane, final String owner, final long millis)
      throws SQLException {
    try (Connection connection = database.openWriterConnection();
        PreparedStatement update =
            connection.prepareStatement(
                """
                UPDATE processor_lanes SET owner = ?, epoch = epoch + 1,
                       lease_until = CAST(extract(epoch FROM clock_timestamp()) * 1000 AS BIGINT) + ?
                 WHERE lane = ?
                """)) {
      update.setString(1, owner);
      update.setLong(2, millis);
      update.setInt(3, lane);
      assertThat(update.executeUpdate()).isEqualTo(1);
      if (!connection.getAutoCommit()) {
        connection.commit();
      }
    }
  }

  private static String owner(final Database database, final int lane) throws SQLException {
    return text(database, "SELECT owner FROM processor_lanes WHERE lane = " + lane);
  }

  private static long epoch(final Database database, final int lane) throws SQLException {
    return count(database, "SELECT epoch FROM processor_lanes WHERE lane = " + lane);
  }

  @Test
  void twoNodesApplyingTogetherApplyEveryEntryExactlyOnce() throws Exception {
    final String url = Engines.url(Engine.POSTGRESQL, folder);
    try (Database nodeA = Database.open(url, Duration.ofSeconds(5), 4);
        Database nodeB = Database.open(url, Duration.ofSeconds(5), 4);
        Journal journal =
            new Journal(nodeA, 64, Duration.ZERO, 64L << 20, new SimpleMeterRegistry());
        Processor processorA = new Processor(nodeA, new SimpleMeterRegistry());
        Processor processorB = new Processor(nodeB, new SimpleMeterRegistry())) {
      final List<CompletableFuture<?>> appended = new ArrayList<>();
      final int numbers = 12;
      final int perNumber = 25;
      for (int message = 0; message < perNumber; message++) {
        for (int number = 0; number < numbers; number++) {
          final byte[] body =
              live("1065403522" + (10000 + number), "wamid.N" + number + "." + message);
          appended.add(journal.append(delivery(body)));
        }
      }
      CompletableFuture.allOf(appended.toArray(CompletableFuture[]::new)).join();
      drainTogether(processorA, processorB);
      // whatever one node skipped (a lane held by the other) is picked up now
      Thread.sleep(300);
      processorA.drain();
      assertThat(count(nodeA, "SELECT count(*) FROM entry_outcomes WHERE state = 'applied'"))
          .isEqualTo(numbers * perNumber);
      assertThat(count(nodeA, "SELECT count(*) FROM entry_outcomes WHERE attempts <> 1")).isZero();
      assertThat(count(nodeA, "SELECT count(*) FROM messages")).isEqualTo(numbers * perNumber);
    }
  }

  @Test
  void twoProcessorsOfOneNodeNeverReadTheSameHistoryChunks() throws Exception {
    final String url = Engines.url(Engine.POSTGRESQL, folder);
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final LaneClaims claims = new LaneClaims();
    final String otherNumber = LIVE_NUMBER;
    assertThat(Lanes.ofNumber(otherNumber, Partitioning.DEFAULT))
        .isNotEqualTo(Lanes.ofNumber(BUSY_NUMBER, Partitioning.DEFAULT));
    try (Database node = Database.open(url, Duration.ofSeconds(5), 4);
        Journal journal = new Journal(node, 64, Duration.ZERO, 64L << 20, meters);
        Processor first =
            new Processor(node, meters, Duration.ofMillis(20), 1_000, c -> {}, claims);
        Processor second =
            new Processor(node, meters, Duration.ofMillis(20), 1_000, c -> {}, claims)) {
      for (int chunk = 1; chunk <= 12; chunk++) {
        append(journal, ChunkBodies.chunk(1, chunk, chunk, 10, 50));
        append(
            journal,
            new String(ChunkBodies.chunk(2, chunk, chunk, 10, 50), StandardCharsets.UTF_8)
                .replace(BUSY_NUMBER, otherNumber)
                .getBytes(StandardCharsets.UTF_8));
      }
      assertThat(drainTogether(first, second)).isEqualTo(24);
      // they never read the same chunks: each was decoded once, and no lane was found held
      assertThat(meters.get("coexist.store.decodes").counter().count()).isEqualTo(24);
      assertThat(meters.get("coexist.store.lanes.busy").counter().count()).isZero();
      assertThat(count(node, "SELECT count(*) FROM entry_outcomes WHERE state = 'applied'"))
          .isEqualTo(24);
      assertThat(count(node, "SELECT count(*) FROM entry_outcomes WHERE attempts <> 1")).isZero();
      assertThat(count(node, "SELECT count(*) FROM messages")).isEqualTo(24 * 10 * 50);
    }
  }

  /**
   * Drains both processors at the same time, each on a thread of its own (the common pool may have
   * a single thread on a small machine); returns the entries they handled together.
   */
  private static int drainTogether(final Processor one, final Processor other) throws Exception {
    final ExecutorService threads = Executors.newFixedThreadPool(2);
    try {
      final Future<Integer> byOne = threads.submit(one::drain);
      final Future<Integer> byOther = threads.submit(other::drain);
      return byOne.get() + byOther.get();
    } finally {
      threads.shutdownNow();
    }
  }

  private static List<Long> with(final List<Long> ids, final long extra) {
    final List<Long> all = new ArrayList<>(ids);
    all.add(extra);
    return all;
  }

  private static String state(final Database database, final long id) throws SQLException {
    return new JournalStates(database, new SimpleMeterRegistry()).summary(id).orElseThrow().state();
  }

  private static long attempts(final Database database, final long id) throws SQLException {
    return count(database, "SELECT attempts FROM entry_outcomes WHERE journal_id = " + id);
  }

  private static String text(final Database database, final String sql) throws SQLException {
    try (Connection connection = database.pool().getConnection();
        PreparedStatement select = connection.prepareStatement(sql);
        ResultSet row = select.executeQuery()) {
      row.next();
      return row.getString(1);
    }
  }

  static long count(final Database database, final String sql) throws SQLException {
    return Long.parseLong(text(database, sql));
  }
}
