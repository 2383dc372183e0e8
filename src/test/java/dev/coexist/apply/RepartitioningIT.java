package dev.coexist.apply;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coexist.db.Engine;
import dev.coexist.journal.Lanes;
import dev.coexist.journal.Partitioning;
import dev.coexist.journal.PendingEntry;
import dev.coexist.store.PartitioningState;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The journal's partition count changed on a live store: new entries go to the new lanes, none of
 * them is read before every entry journalled before the change is applied, each number's messages
 * apply in journal order, and a second change waits for the first.
 */
class RepartitioningIT {
  private static final Pattern WAMID = Pattern.compile("\"wamid\"\\s*:\\s*\"([^\"]+)\"");

  @TempDir Path folder;

  // numbers whose lane changes when 64 lanes become 5
  private static List<String> movingNumbers() {
    final List<String> numbers = new ArrayList<>();
    for (long candidate = 106540352240001L; numbers.size() < 3; candidate++) {
      final String number = Long.toString(candidate);
      if (Lanes.ofNumber(number, 64) != Lanes.ofNumber(number, 5)) {
        numbers.add(number);
      }
    }
    return numbers;
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void newEntriesGoToTheNewLanesAndApplyOnlyAfterEveryEarlierEntry(final Engine engine)
      throws Exception {
    try (StoreHarness store = StoreHarness.open(engine, folder)) {
      final var storage = store.dataPath.storage();
      assertThat(PartitioningState.read(storage.store()).partitioning())
          .isEqualTo(new Partitioning(64, 64, 0));
      final List<String> numbers = movingNumbers();
      final Map<String, List<String>> journalOrder = new LinkedHashMap<>();
      long lastBefore = 0;
      for (int round = 0; round < 4; round++) {
        for (final String number : numbers) {
          final String wamid = "wamid.REPART." + number + ".before." + round;
          lastBefore = store.append(LanesIT.live(number, wamid));
          journalOrder.computeIfAbsent(number, key -> new ArrayList<>()).add(wamid);
        }
      }

      final long since = lastBefore;
      final Repartitioning.Result changed = Repartitioning.change(storage, 5);
      assertThat(changed)
          .isEqualTo(new Repartitioning.Result.Changed(new Partitioning(5, 64, lastBefore)));
      assertThat(Repartitioning.change(storage, 7))
          .as("a second change waits until the entries from before the first are applied")
          .isEqualTo(
              new Repartitioning.Result.StillApplying(new Partitioning(5, 64, lastBefore), 12));

      final List<Long> after = new ArrayList<>();
      for (int round = 0; round < 4; round++) {
        for (final String number : numbers) {
          final String wamid = "wamid.REPART." + number + ".after." + round;
          final long id = store.append(LanesIT.live(number, wamid));
          after.add(id);
          journalOrder.get(number).add(wamid);
          assertThat(store.rows("SELECT lane FROM journal WHERE id = ?", id))
              .as("journalled into its lane of 5")
              .containsExactly(List.of(String.valueOf(Lanes.ofNumber(number, 5))));
        }
      }
      assertThat(after).allMatch(id -> id > since);

      // while entries from before the change wait, no lane gives out an entry after it
      final JournalQueue queue = new JournalQueue(engine);
      try (Connection connection = store.database.pool().getConnection()) {
        assertThat(queue.partitioning(connection).lanes()).isEqualTo(128);
        for (final String number : numbers) {
          final List<PendingEntry> read =
              queue.pending(connection, Lanes.ofNumber(number, 5), 0, 100, 1L << 20);
          assertThat(read).allMatch(entry -> entry.id() <= since);
        }
      }

      store.processor.drain();
      assertThat(
              store.rows(
                  "SELECT count(*) FROM entry_outcomes WHERE state = 'applied' AND attempts = 1"))
          .containsExactly(List.of("24"));
      final Map<String, List<String>> appliedOrder = new LinkedHashMap<>();
      for (final List<Object> row :
          store.rows("SELECT data FROM changes WHERE type = 'message.created' ORDER BY seq")) {
        final Matcher wamid = WAMID.matcher(String.valueOf(row.get(0)));
        assertThat(wamid.find()).isTrue();
        final String number = wamid.group(1).split("\\.")[2];
        appliedOrder.computeIfAbsent(number, key -> new ArrayList<>()).add(wamid.group(1));
      }
      assertThat(appliedOrder).isEqualTo(journalOrder);

      assertThat(PartitioningState.read(storage.store()).waitingBeforeChange()).isZero();
      assertThat(Repartitioning.change(storage, 7))
          .isInstanceOf(Repartitioning.Result.Changed.class);
      try (Connection connection = store.database.pool().getConnection()) {
        assertThat(queue.partitioning(connection))
            .isEqualTo(new Partitioning(7, 5, after.get(after.size() - 1)));
      }
    }
  }
}
