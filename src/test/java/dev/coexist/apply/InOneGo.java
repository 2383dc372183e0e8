package dev.coexist.apply;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coexist.db.Engine;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Deliveries applied one transaction each, and all in one read applied in one go: what the held
 * paths ({@link HeldMessages}, {@link HeldStatuses}) are compared by.
 *
 * @param dump the store (see StoreDump)
 * @param changes the change log as type, number and data (see {@link #changes})
 */
record InOneGo(String dump, List<String> changes) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * The deliveries applied one by one and, in another store, all in one go, which must leave the
   * same store and changes ({@link #assertSameAs}); the one-by-one result.
   */
  static InOneGo comparedWithOneByOne(
      final Engine engine, final Path folder, final List<String> deliveries) throws Exception {
    final InOneGo oneByOne = oneByOne(engine, folder.resolve("one-by-one"), deliveries);
    allTogether(engine, folder.resolve("in-one-go"), deliveries).assertSameAs(oneByOne);
    return oneByOne;
  }

  /** Each delivery applied in a transaction of its own. */
  static InOneGo oneByOne(final Engine engine, final Path folder, final List<String> deliveries)
      throws Exception {
    try (StoreHarness store = StoreHarness.open(engine, folder)) {
      for (final String delivery : deliveries) {
        store.applyJson(delivery);
      }
      assertThat(transactions(store)).isEqualTo(deliveries.size());
      return new InOneGo(StoreDump.of(store), changes(store));
    }
  }

  /** The deliveries journalled, then applied as one read in one transaction, never rolled back. */
  static InOneGo allTogether(final Engine engine, final Path folder, final List<String> deliveries)
      throws Exception {
    try (StoreHarness store = StoreHarness.open(engine, folder)) {
      for (final String delivery : deliveries) {
        store.appendJson(delivery);
      }
      store.processor.drain();
      assertThat(transactions(store)).isEqualTo(1);
      assertThat(store.meters.get("coexist.store.undone").counters())
          .allSatisfy(undone -> assertThat(undone.count()).isZero());
      return new InOneGo(StoreDump.of(store), changes(store));
    }
  }

  /**
   * The same store and changes as {@code oneByOne}: a thread's change comes once per transaction,
   * so of those only the last is compared.
   */
  void assertSameAs(final InOneGo oneByOne) {
    assertThat(dump).isEqualTo(oneByOne.dump());
    assertThat(withoutThreads(changes)).isEqualTo(withoutThreads(oneByOne.changes()));
    assertThat(lastThread(changes)).isEqualTo(lastThread(oneByOne.changes()));
  }

  private static List<String> withoutThreads(final List<String> changes) {
    return changes.stream().filter(change -> !change.startsWith("thread.")).toList();
  }

  private static String lastThread(final List<String> changes) {
    return changes.stream()
        .filter(change -> change.startsWith("thread."))
        .reduce((a, b) -> b)
        .get();
  }

  private static long transactions(final StoreHarness store) {
    return store.meters.get("coexist.store.transaction").timer().count();
  }

  /**
   * The change log as type, thread and data, without what legitimately differs: sequence numbers,
   * times of commit, and message ids (a record a status made between held messages takes an id
   * before them).
   */
  private static List<String> changes(final StoreHarness store) throws Exception {
    final List<String> changes = new ArrayList<>();
    for (final List<Object> row :
        store.rows("SELECT type, phone_number_id, data FROM changes ORDER BY seq")) {
      final JsonNode data = JSON.readTree((String) row.get(2));
      withoutIds(data);
      changes.add(row.get(0) + " " + row.get(1) + " " + JSON.writeValueAsString(data));
    }
    return changes;
  }

  private static void withoutIds(final JsonNode node) {
    if (node instanceof ObjectNode object) {
      object.remove("id");
      object.remove("thread_id");
    }
    final Iterator<JsonNode> children = node.elements();
    while (children.hasNext()) {
      withoutIds(children.next());
    }
  }
}
