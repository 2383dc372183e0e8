package dev.coexist.apply;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coexist.DataPath;
import dev.coexist.db.Database;
import dev.coexist.db.Engine;
import dev.coexist.journal.Delivery;
import dev.coexist.journal.Journal;
import dev.coexist.journal.Lanes;
import dev.coexist.journal.Partitioning;
import dev.coexist.journal.PendingEntry;
import dev.coexist.journal.Receipt;
import dev.coexist.testing.Engines;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The processor reads pending entries within a byte budget, on both engines alike: entries are
 * taken while the bodies before them total less than the budget, so the first is always taken.
 */
class JournalQueueIT {
  private static final String NUMBER = "106540352242922";

  @TempDir Path folder;

  /** A delivery of about {@code bytes} bytes for the test's number, unique by {@code name}. */
  private static Delivery delivery(final String name, final int bytes) {
    final String body =
        """
        {"id":"%s","event":"history","data":{"metadata":{"phone_number_id":"%s"},"pad":"%s"}}"""
            .formatted(name, NUMBER, "x".repeat(bytes));
    final byte[] raw = body.getBytes(StandardCharsets.UTF_8);
    return new Delivery(
        System.currentTimeMillis(), "360dialog", "{}", raw, name + "-sha", null, null);
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void pendingEntriesAreReadWithinTheByteBudget(final Engine engine) throws Exception {
    try (DataPath dataPath =
        DataPath.open(
            DataPath.Settings.forTool(Engines.url(engine, folder)),
            new SimpleMeterRegistry(),
            change -> {})) {
      final Journal journal = dataPath.journal();
      final Database database = dataPath.storage().store();
      for (final String name : List.of("a", "b", "c", "d")) {
        assertThat(journal.append(delivery(name, 40_000)).join().outcome())
            .isEqualTo(Receipt.Outcome.ACCEPTED);
      }
      final JournalQueue queue = new JournalQueue(engine);
      final int lane = Lanes.historyOf(NUMBER, Partitioning.DEFAULT);
      try (Connection connection = database.pool().getConnection()) {
        // 0 and 40 KB before the first two, 80 KB before the third: two of four
        assertThat(queue.pending(connection, lane, 0, 16, 64_000)).hasSize(2);
        // a budget smaller than one body still gives the first entry
        final List<PendingEntry> one = queue.pending(connection, lane, 0, 16, 1_000);
        assertThat(one).hasSize(1);
        assertThat(new String(one.get(0).body(), StandardCharsets.UTF_8)).contains("\"id\":\"a\"");
        // after the first, the next two; the limit caps what the budget allows
        final long first = one.get(0).id();
        assertThat(queue.pending(connection, lane, first, 16, 64_000))
            .extracting(entry -> new String(entry.body(), StandardCharsets.UTF_8).substring(0, 12))
            .containsExactly("{\"id\":\"b\",\"e", "{\"id\":\"c\",\"e");
        assertThat(queue.pending(connection, lane, 0, 3, 1_000_000)).hasSize(3);
        assertThat(queue.pending(connection, (lane + 1) % Partitioning.DEFAULT, 0, 16, 64_000))
            .as("another lane's entries")
            .isEmpty();
      }
    }
  }

  /**
   * A lane's position only moves over entries in order: an entry read but not applied (its
   * transaction found the lane taken) is never passed by a later entry of the lane.
   */
  @ParameterizedTest
  @EnumSource(Engine.class)
  void theLanePositionNeverPassesAnEntryNotYetApplied(final Engine engine) throws Exception {
    try (DataPath dataPath =
        DataPath.open(
            DataPath.Settings.forTool(Engines.url(engine, folder)),
            new SimpleMeterRegistry(),
            change -> {})) {
      for (final String name : List.of("first", "second", "third")) {
        assertThat(dataPath.journal().append(delivery(name, 10)).join().outcome())
            .isEqualTo(Receipt.Outcome.ACCEPTED);
      }
      final JournalQueue queue = new JournalQueue(engine);
      final int lane = Lanes.historyOf(NUMBER, Partitioning.DEFAULT);
      try (Connection connection = dataPath.storage().store().openWriterConnection()) {
        final List<PendingEntry> entries = queue.pending(connection, lane, 0, 16, 1_000_000);
        assertThat(entries).hasSize(3);
        final PendingEntry first = entries.get(0);
        final PendingEntry third = entries.get(2);
        // a later read of the same lane reached the third before the first was applied
        assertThat(queue.isPending(connection, third))
            .as("the third is not the lane's next")
            .isFalse();
        assertThat(queue.markApplied(connection, third)).isFalse();
        assertThat(queue.isPending(connection, first)).isTrue();
        assertThat(queue.markApplied(connection, first)).isTrue();
        connection.commit();
        // the second and third are still to come, in order
        assertThat(queue.pending(connection, lane, 0, 16, 1_000_000))
            .extracting(PendingEntry::id)
            .containsExactly(entries.get(1).id(), third.id());
        assertThat(dataPath.states().summary(third.id()).orElseThrow().state())
            .isEqualTo("pending");
        connection.commit();
      }
    }
  }
}
