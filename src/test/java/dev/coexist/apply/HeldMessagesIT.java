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
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A read applied in one go holds its live messages and inserts them together ({@link
 * HeldMessages}): the store and the change log it leaves are those of the same deliveries applied
 * one transaction each. The deliveries make every case of holding: a status, an action and a second
 * delivery for a held message, a status that makes a record a held echo then merges into, a contact
 * change between, and messages still held when the read ends.
 */
class HeldMessagesIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path folder;

  @ParameterizedTest
  @EnumSource(Engine.class)
  void aReadInOneGoLeavesTheStoreAndChangesOfOneTransactionPerDelivery(final Engine engine)
      throws Exception {
    final List<String> deliveries = deliveries();
    final String dumpOneByOne;
    final List<String> changesOneByOne;
    try (StoreHarness store = StoreHarness.open(engine, folder.resolve("one-by-one"))) {
      for (final String delivery : deliveries) {
        store.applyJson(delivery);
      }
      assertThat(transactions(store)).isEqualTo(deliveries.size());
      dumpOneByOne = StoreDump.of(store);
      changesOneByOne = changes(store);
    }
    try (StoreHarness store = StoreHarness.open(engine, folder.resolve("in-one-go"))) {
      for (final String delivery : deliveries) {
        store.appendJson(delivery);
      }
      store.processor.drain();
      // one transaction, never rolled back: every message went through the held path
      assertThat(transactions(store)).isEqualTo(1);
      assertThat(store.meters.get("coexist.store.undone").counters())
          .allSatisfy(undone -> assertThat(undone.count()).isZero());
      assertThat(StoreDump.of(store)).isEqualTo(dumpOneByOne);
      // a thread's change comes once per transaction: one here, the last of them there
      final List<String> changes = changes(store);
      assertThat(withoutThreads(changes)).isEqualTo(withoutThreads(changesOneByOne));
      assertThat(lastThread(changes)).isEqualTo(lastThread(changesOneByOne));
    }
    // A, B, C, D's record, D merged, E's reaction, F, F merged, G, H
    assertThat(changesOneByOne).filteredOn(change -> change.startsWith("message.")).hasSize(10);
    assertThat(changesOneByOne).filteredOn(change -> change.contains("\"merged\"")).hasSize(2);
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

  private static List<String> deliveries() {
    return List.of(
        Payloads.live("wamid.held-A", 1_740_000_100, "first question"),
        Payloads.echo("wamid.held-B", 1_740_000_110, "first answer"),
        // a status for a held echo: the echo is written before it
        Payloads.status("wamid.held-B", "delivered", 1_740_000_111),
        Payloads.live("wamid.held-C", 1_740_000_120, "second question"),
        // a status of a message not seen yet makes its record; the echo that follows merges
        Payloads.status("wamid.held-D", "sent", 1_740_000_130),
        Payloads.echo("wamid.held-D", 1_740_000_129, "sent from the app"),
        // a reaction to a held message
        Payloads.meta(
            "messages",
            """
            "contacts":[{"profile":{"name":"Pablo"},"wa_id":"16505551234"}],
            "messages":[{"from":"16505551234","id":"wamid.held-E","timestamp":"1740000140",
            "type":"reaction","reaction":{"message_id":"wamid.held-C","emoji":"👍"}}]"""),
        Payloads.live("wamid.held-F", 1_740_000_150, "third question"),
        // the same message again, in another body: the second merges into the first
        Payloads.live("wamid.held-F", 1_740_000_149, "third question"),
        Payloads.contact("add", "Pablo Ruiz", 1_740_000_160),
        Payloads.echo("wamid.held-G", 1_740_000_170, "last answer"),
        Payloads.live("wamid.held-H", 1_740_000_180, "last question, held to the end"));
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
