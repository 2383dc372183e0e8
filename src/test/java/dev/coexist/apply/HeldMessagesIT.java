package dev.coexist.apply;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coexist.db.Engine;
import java.nio.file.Path;
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
  @TempDir Path folder;

  @ParameterizedTest
  @EnumSource(Engine.class)
  void aReadInOneGoLeavesTheStoreAndChangesOfOneTransactionPerDelivery(final Engine engine)
      throws Exception {
    final InOneGo oneByOne = InOneGo.comparedWithOneByOne(engine, folder, deliveries());
    // A, B, C, D's record, D merged, E's reaction, F, F merged, G, H
    assertThat(oneByOne.changes()).filteredOn(change -> change.startsWith("message.")).hasSize(10);
    assertThat(oneByOne.changes()).filteredOn(change -> change.contains("\"merged\"")).hasSize(2);
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
}
