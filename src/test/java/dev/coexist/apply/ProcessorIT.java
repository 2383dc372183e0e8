package dev.coexist.apply;

import static dev.coexist.apply.StoreHarness.NUMBER;
import static dev.coexist.apply.StoreHarness.PABLO;
import static org.assertj.core.api.Assertions.assertThat;

import dev.coexist.db.Engine;
import dev.coexist.journal.JournalSummary;
import dev.coexist.store.MessagePage;
import dev.coexist.store.Page;
import dev.coexist.store.ThreadCursor;
import dev.coexist.store.ThreadView;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The processor: isolation of bad items and deliveries, replay, waking up, paging. */
class ProcessorIT {
  // threads whose stored figures differ from a recount of their messages
  private static final String WRONG_FIGURES =
      """
      SELECT count(*) FROM threads t
       WHERE t.message_count <> (SELECT count(*) FROM messages m WHERE m.thread_id = t.id)
          OR t.inbound_count <> (SELECT count(*) FROM messages m
                                  WHERE m.thread_id = t.id AND m.direction = 'inbound')
          OR t.last_message_at <> (SELECT max(m.sent_at) FROM messages m
                                    WHERE m.thread_id = t.id)
      """;

  @TempDir Path folder;

  @ParameterizedTest
  @EnumSource(Engine.class)
  void oneItemThatCannotBeAppliedDoesNotFailItsNeighbours(final Engine engine) throws Exception {
    try (StoreHarness store = StoreHarness.open(engine, folder)) {
      final long id =
          store.applyJson(
              Payloads.meta(
                  "smb_message_echoes",
                  """
                  "message_echoes":[
                   {"from":"15550001111","to":"16505551234","id":"wamid.ok1","timestamp":"1740000001",
                    "type":"text","text":{"body":"one"}},
                   {"from":"15550001111","id":"wamid.nobody","timestamp":"1740000002",
                    "type":"text","text":{"body":"to whom?"}},
                   {"from":"15550001111","to":"16505551234","id":"wamid.ok2","timestamp":"1740000003",
                    "type":"text","text":{"body":"two"}}]"""));

      assertThat(store.journalState(id)).isEqualTo("applied");
      assertThat(store.rows("SELECT wamid FROM messages ORDER BY wamid"))
          .containsExactly(List.of("wamid.ok1"), List.of("wamid.ok2"));
      assertThat(store.problems.all(id))
          .singleElement()
          .satisfies(
              problem -> {
                assertThat(problem.kind()).isEqualTo("apply");
                assertThat(problem.location()).endsWith("/message_echoes/1");
                assertThat(problem.message()).contains("wamid.nobody").contains("no customer");
                assertThat(problem.itemJson()).contains("to whom?");
              });
    }
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void aReadWithAnItemThatFailsIsAppliedEntryByEntryAndItsNumberSeenOnce(final Engine engine)
      throws Exception {
    try (StoreHarness store = StoreHarness.open(engine, folder)) {
      final List<Long> ids = new ArrayList<>();
      for (final String to : List.of(PABLO, "", StoreHarness.ANA)) {
        ids.add(
            store.appendJson(
                Payloads.meta(
                    "smb_message_echoes",
                    """
                    "message_echoes":[
                     {"from":"15550001111",%s"id":"wamid.read%d","timestamp":"1740000001",
                      "type":"text","text":{"body":"hello"}}]"""
                        .formatted(to.isEmpty() ? "" : "\"to\":\"" + to + "\",", ids.size()))));
        Thread.sleep(5); // each entry received at its own millisecond
      }
      // the three entries are one read of their lane: applied in one go that fails on the second's
      // item, then entry by entry
      assertThat(store.processor.drain()).isEqualTo(3);

      assertThat(ids).allSatisfy(id -> assertThat(store.journalState(id)).isEqualTo("applied"));
      assertThat(store.rows("SELECT wamid FROM messages ORDER BY wamid"))
          .containsExactly(List.of("wamid.read0"), List.of("wamid.read2"));
      assertThat(store.problems.all(ids.get(1)))
          .singleElement()
          .satisfies(problem -> assertThat(problem.message()).contains("no customer"));
      assertThat(store.problems.all(ids.get(0))).isEmpty();
      assertNumberSeenFromFirstToLast(store, ids);
    }
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void aReadThatIsItsLanesNextIsAppliedInOneGoWithItsNumberSeenOnce(final Engine engine)
      throws Exception {
    try (StoreHarness store = StoreHarness.open(engine, folder)) {
      final List<Long> ids = new ArrayList<>();
      for (int index = 0; index < 5; index++) {
        ids.add(
            store.appendJson(
                Payloads.meta(
                    "smb_message_echoes",
                    """
                    "message_echoes":[
                     {"from":"15550001111","to":"%s","id":"wamid.go%d","timestamp":"1740000001",
                      "type":"text","text":{"body":"hello"}}]"""
                        .formatted(PABLO, index))));
        Thread.sleep(5);
      }
      assertThat(store.processor.drain()).isEqualTo(5);

      assertThat(ids).allSatisfy(id -> assertThat(store.journalState(id)).isEqualTo("applied"));
      assertThat(store.count("messages")).isEqualTo(5);
      assertThat(store.rows("SELECT count(*) FROM entry_outcomes WHERE state = 'applied'"))
          .extracting(row -> asLong(row.get(0)))
          .containsExactly(5L);
      assertNumberSeenFromFirstToLast(store, ids);
    }
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void aMessageIsFoundByItsWamidAloneWhicheverNumberItBelongsTo(final Engine engine)
      throws Exception {
    try (StoreHarness store = StoreHarness.open(engine, folder)) {
      for (int number = 1; number <= 30; number++) {
        store.appendJson(
            Payloads.meta(
                    "smb_message_echoes",
                    """
                    "message_echoes":[
                     {"from":"15550001111","to":"%s","id":"wamid.of%d","timestamp":"1740000001",
                      "type":"text","text":{"body":"hello"}}]"""
                        .formatted(PABLO, number))
                .replace(NUMBER, "1065403522429" + (10 + number)));
      }
      // the same wamid under two numbers, the later number first: the first number's row wins
      for (final int number : List.of(52, 51)) {
        store.appendJson(
            Payloads.meta(
                    "smb_message_echoes",
                    """
                    "message_echoes":[
                     {"from":"15550001111","to":"%s","id":"wamid.shared","timestamp":"1740000001",
                      "type":"text","text":{"body":"hello"}}]"""
                        .formatted(PABLO))
                .replace(NUMBER, "1065403522429" + number));
      }
      store.processor.drain();

      for (final int number : List.of(1, 17, 30)) {
        assertThat(store.queries.messages().find("wamid.of" + number))
            .hasValueSatisfying(
                found ->
                    assertThat(found.message().phoneNumberId())
                        .isEqualTo("1065403522429" + (10 + number)));
      }
      assertThat(store.queries.messages().find("wamid.of31")).isEmpty();
      assertThat(store.queries.messages().find("wamid.shared"))
          .hasValueSatisfying(
              found -> assertThat(found.message().phoneNumberId()).isEqualTo("106540352242951"));
    }
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void theBacklogCountsWhatWaitsInEveryLaneAndTheReplaysAsked(final Engine engine)
      throws Exception {
    try (StoreHarness store = StoreHarness.open(engine, folder)) {
      final List<Long> ids = new ArrayList<>();
      for (int number = 1; number <= 6; number++) {
        ids.add(
            store.appendJson(
                Payloads.meta(
                        "smb_message_echoes",
                        """
                        "message_echoes":[
                         {"from":"15550001111","to":"%s","id":"wamid.backlog%d",
                          "timestamp":"1740000001","type":"text","text":{"body":"hi"}}]"""
                            .formatted(PABLO, number))
                    .replace(NUMBER, "1065403522429" + (60 + number))));
      }
      assertThat(store.states.pendingEntriesNow()).isEqualTo(6);
      assertThat(store.processor.drain()).isEqualTo(6);
      assertThat(store.states.pendingEntriesNow()).isZero();

      assertThat(store.states.replay(ids.get(2))).isTrue();
      assertThat(store.states.pendingEntriesNow()).isEqualTo(1);
      store.processor.drain();
      assertThat(store.states.pendingEntriesNow()).isZero();
    }
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void anUndecodableDeliveryFailsAndTheNextIsApplied(final Engine engine) throws Exception {
    try (StoreHarness store = StoreHarness.open(engine, folder)) {
      final long broken = store.appendJson("{\"this is\": not json");
      final long good = store.append("meta/messages-text.json");
      store.processor.drain();

      assertThat(store.journalState(broken)).isEqualTo("failed");
      assertThat(store.states.summary(broken).orElseThrow().error()).contains("not JSON");
      assertThat(store.journalState(good)).isEqualTo("applied");
      assertThat(store.states.entries("failed", 0, 10))
          .extracting(JournalSummary::id)
          .containsExactly(broken);
    }
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void replayingAFailedEntryWithoutAFixFailsTheSameAndChangesNothing(final Engine engine)
      throws Exception {
    try (StoreHarness store = StoreHarness.open(engine, folder)) {
      store.apply("meta/messages-text.json");
      final long broken = store.apply("bad/not-an-envelope.json");
      final String before = StoreDump.of(store);

      assertThat(store.states.replayFailed()).isEqualTo(1);
      assertThat(store.journalState(broken)).isEqualTo("pending");
      store.processor.drain();

      assertThat(store.journalState(broken)).isEqualTo("failed");
      assertThat(store.states.summary(broken).orElseThrow().attempts()).isEqualTo(2);
      assertThat(StoreDump.of(store)).isEqualTo(before);
    }
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void replayingAppliedEntriesOneByOneOrAsARangeChangesNothing(final Engine engine)
      throws Exception {
    try (StoreHarness store = StoreHarness.open(engine, folder)) {
      final long first = store.apply("360dialog/history-phase1-chunk3.json");
      store.apply("meta/statuses-sent-delivered-read.json");
      store.apply("bad/messages-missing-wamid.json");
      final long last = store.apply("meta/messages-edit.json");
      final String before = StoreDump.of(store);

      assertThat(store.states.replay(first)).isTrue();
      store.processor.drain();
      assertThat(StoreDump.of(store)).isEqualTo(before);
      assertThat(store.states.replayRange(first, last)).isEqualTo(4);
      store.processor.drain();
      assertThat(StoreDump.of(store)).isEqualTo(before);
      assertThat(store.states.summary(first).orElseThrow().attempts()).isEqualTo(3);
    }
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void theRunningProcessorAppliesWhatItIsWokenFor(final Engine engine) throws Exception {
    try (StoreHarness store = StoreHarness.open(engine, folder)) {
      store.processor.start();
      final long id = store.append("meta/messages-text.json");
      store.processor.wake();
      awaitState(store, id, "applied");
      // without a wake-up the poll finds it
      final long next = store.append("meta/messages-image.json");
      awaitState(store, next, "applied");
      assertThat(store.count("messages")).isEqualTo(2);
      if (System.getProperty("os.name").startsWith("Linux")) {
        // the apply gives way to the threads that acknowledge when the CPU is short
        assertThat(niceOf("store-processor"))
            .isEqualTo(ProcessorSettings.DEFAULTS.nice())
            .isPositive();
      }
    }
  }

  /** The nice value of this process's thread named {@code name}, as the kernel reports it. */
  private static int niceOf(final String name) throws Exception {
    try (var tasks = Files.list(Path.of("/proc/self/task"))) {
      for (final Path task : tasks.toList()) {
        if (Files.readString(task.resolve("comm")).strip().equals(name)) {
          final String stat = Files.readString(task.resolve("stat"));
          // after "(comm) ": state is field 3, nice field 19
          return Integer.parseInt(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[16]);
        }
      }
    }
    throw new AssertionError("no thread named " + name);
  }

  /**
   * While deliveries keep arriving, the running processor refreshes thread figures a few threads
   * per transaction and breaks off for the new entries; once they stop, every figure must still
   * come out exact, none of the threads dropped on the way.
   */
  @ParameterizedTest
  @EnumSource(Engine.class)
  void threadFiguresRefreshedInShortTurnsWhileDeliveriesArriveEndExact(final Engine engine)
      throws Exception {
    try (StoreHarness store = StoreHarness.open(engine, folder)) {
      store.processor.start();
      // 300 threads to refresh, then a live message every few milliseconds for a while: the
      // refresh goes on in short transactions and keeps breaking off for them
      store.append(ChunkBodies.chunk(0, 1, 10, 300, 2));
      store.processor.wake();
      long last = 0;
      final long until = System.nanoTime() + Duration.ofMillis(800).toNanos();
      for (int live = 0; System.nanoTime() < until; live++) {
        last =
            store.appendJson(
                Payloads.live("wamid.live." + live, 1740000000 + live, "live " + live));
        store.processor.wake();
        Thread.sleep(3);
      }
      awaitState(store, last, "applied");
      final long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
      while (!store.rows(WRONG_FIGURES).equals(List.of(List.of("0")))
          && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(store.rows(WRONG_FIGURES))
          .as("threads with wrong figures")
          .containsExactly(List.of("0"));
      assertThat(store.count("threads")).isEqualTo(301);
      assertThat(
              store.rows(
                  "SELECT min(message_count), max(message_count) FROM threads WHERE id <> "
                      + "(SELECT customer_id FROM customer_identities WHERE value = ?)",
                  PABLO))
          .containsExactly(List.of("2", "2"));
    }
  }

  /**
   * While deliveries arrive, the threads of a history import are refreshed once a second only; a
   * drain still returns with every figure exact, theirs included.
   */
  @ParameterizedTest
  @EnumSource(Engine.class)
  void drainLeavesEveryFigureExactWhileDeliveriesArrive(final Engine engine) throws Exception {
    try (StoreHarness store = StoreHarness.open(engine, folder)) {
      store.append(ChunkBodies.chunk(0, 1, 10, 40, 3));
      store.appendJson(Payloads.live("wamid.live.drain", 1740000000, "live"));
      // journal commits keep waking the processor throughout: deliveries arrive, and the import's
      // threads are not due for a second
      final AtomicBoolean draining = new AtomicBoolean(true);
      final Thread waking =
          Thread.ofVirtual()
              .start(
                  () -> {
                    while (draining.get()) {
                      store.processor.wake();
                      LockSupport.parkNanos(2_000_000);
                    }
                  });
      try {
        store.processor.drain();
      } finally {
        draining.set(false);
        waking.join();
      }
      assertThat(store.rows(WRONG_FIGURES))
          .as("threads with wrong figures")
          .containsExactly(List.of("0"));
      assertThat(store.count("dirty_threads")).isZero();
    }
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void aThousandMessageChunkIsOneDeliveryAndManyEntriesShareTransactions(final Engine engine)
      throws Exception {
    try (StoreHarness store = StoreHarness.open(engine, folder)) {
      store.append(ChunkBodies.chunk(1, 1, 1, 20, 50));
      for (int live = 0; live < 30; live++) {
        store.appendJson(Payloads.live("wamid.live." + live, 1740000000 + live, "live " + live));
      }
      assertThat(store.processor.drain()).isEqualTo(31);
      assertThat(store.count("messages")).isEqualTo(1030);
      assertThat(store.queries.numbers().find(NUMBER).orElseThrow().history().messages())
          .isEqualTo(1000);
      assertThat(store.count("threads")).isEqualTo(21);
    }
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void threadsAndMessagesPageByKeyset(final Engine engine) throws Exception {
    try (StoreHarness store = StoreHarness.open(engine, folder)) {
      store.append(ChunkBodies.chunk(1, 1, 1, 5, 7));
      store.processor.drain();

      final List<ThreadView> threads = new ArrayList<>();
      Page<ThreadView, ThreadCursor> page = store.queries.threads().page(NUMBER, null, 2);
      threads.addAll(page.items());
      while (page.next() != null) {
        page = store.queries.threads().page(NUMBER, page.next(), 2);
        threads.addAll(page.items());
      }
      assertThat(threads).hasSize(5);
      assertThat(threads)
          .extracting(thread -> thread.lastMessageAt().getEpochSecond())
          .isSortedAccordingTo((a, b) -> Long.compare(b, a));

      final long thread = threads.get(0).threadId();
      final MessagePage first = store.queries.messages().page(NUMBER, thread, null, null, 3);
      assertThat(first.messages()).hasSize(3);
      assertThat(first.before()).isNull();
      final MessagePage second =
          store.queries.messages().page(NUMBER, thread, null, first.after(), 3);
      final MessagePage third =
          store.queries.messages().page(NUMBER, thread, null, second.after(), 3);
      assertThat(third.messages()).hasSize(1);
      assertThat(third.after()).isNull();
      final MessagePage back =
          store.queries.messages().page(NUMBER, thread, third.before(), null, 3);
      assertThat(back.messages()).isEqualTo(second.messages());
      final List<String> all = new ArrayList<>();
      for (final MessagePage each : List.of(first, second, third)) {
        each.messages().forEach(message -> all.add(message.wamid()));
      }
      assertThat(all).doesNotHaveDuplicates().hasSize(7);
      assertThat(first.messages().get(0).sentAt())
          .isBeforeOrEqualTo(first.messages().get(2).sentAt());
    }
  }

  /** The one number's first and last sighting are when the first and the last entry arrived. */
  private static void assertNumberSeenFromFirstToLast(
      final StoreHarness store, final List<Long> ids) throws Exception {
    final List<Object> received =
        store
            .rows(
                "SELECT min(received_at), max(received_at) FROM journal WHERE id BETWEEN ? AND ?",
                ids.get(0),
                ids.get(ids.size() - 1))
            .get(0);
    assertThat(store.rows("SELECT first_seen_at, last_seen_at FROM numbers"))
        .extracting(row -> List.of(asLong(row.get(0)), asLong(row.get(1))))
        .containsExactly(List.of(asLong(received.get(0)), asLong(received.get(1))));
  }

  private static long asLong(final Object value) {
    return Long.parseLong(String.valueOf(value));
  }

  private static void awaitState(final StoreHarness store, final long id, final String state)
      throws Exception {
    final long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!state.equals(store.journalState(id))) {
      assertThat(System.nanoTime()).as("entry %d becomes %s", id, state).isLessThan(deadline);
      Thread.sleep(10);
    }
  }
}
