package dev.coexist.apply;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coexist.db.Engine;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A read applied in one go holds its statuses on PostgreSQL and keeps them with one statement
 * ({@link HeldStatuses}): the store and the change log it leaves are those of the same deliveries
 * applied one transaction each. The deliveries make every case: statuses of one message out of
 * order (a lower rank after a higher, the same rank reported twice at different times), a repeat of
 * a kept status, two statuses of a message not seen yet (the first makes its record, the second
 * finds it), a status whose recipient names nobody followed by its message, a failed status, a
 * message after a held status of its wamid, a contact change between, and statuses still held when
 * the read ends.
 */
class HeldStatusesIT {
  @TempDir Path folder;

  @ParameterizedTest
  @EnumSource(Engine.class)
  void aReadInOneGoLeavesTheStoreAndChangesOfOneTransactionPerDelivery(final Engine engine)
      throws Exception {
    final InOneGo oneByOne = InOneGo.comparedWithOneByOne(engine, folder, deliveries());
    // A, B, C's record, D's record, D merged into it, E (which its status waited for), F's record
    assertThat(oneByOne.changes()).filteredOn(change -> change.startsWith("message.")).hasSize(7);
    assertThat(oneByOne.changes()).filteredOn(change -> change.startsWith("status")).hasSize(14);
  }

  /**
   * The reference of the statement that keeps held statuses: SQLite writes every status on its own
   * ({@link StatusWriter}); PostgreSQL, holding them, leaves the same store and change log.
   */
  @Test
  void postgreSqlHoldingStatusesLeavesWhatSqliteWritesStatusByStatus() throws Exception {
    final List<String> deliveries = deliveries();
    final InOneGo sqlite = InOneGo.allTogether(Engine.SQLITE, folder.resolve("sqlite"), deliveries);
    final InOneGo postgresql =
        InOneGo.allTogether(Engine.POSTGRESQL, folder.resolve("postgresql"), deliveries);
    assertThat(postgresql.dump()).isEqualTo(sqlite.dump());
    assertThat(postgresql.changes()).isEqualTo(sqlite.changes());
  }

  private static List<String> deliveries() {
    return List.of(
        Payloads.live("wamid.hs-A", 1_740_000_100, "a question"),
        Payloads.echo("wamid.hs-B", 1_740_000_110, "an answer"),
        // B's statuses out of order; read at the same rank twice; a repeat of "delivered"
        Payloads.status("wamid.hs-B", "delivered", 1_740_000_112),
        Payloads.status("wamid.hs-B", "sent", 1_740_000_111),
        Payloads.status("wamid.hs-B", "read", 1_740_000_115),
        Payloads.status("wamid.hs-B", "read", 1_740_000_114),
        // the same status again, in another body: kept once, the first report read back
        Payloads.meta(
            "messages",
            """
            "statuses":[{"id":"wamid.hs-B","status":"delivered","timestamp":"1740000112",
            "recipient_id":"16505551234","biz_opaque_callback_data":"again"}]"""),
        // a message not seen yet: the first status makes its record, the second finds it
        Payloads.status("wamid.hs-C", "sent", 1_740_000_121),
        Payloads.status("wamid.hs-C", "delivered", 1_740_000_122),
        Payloads.contact("add", "Pablo Ruiz", 1_740_000_130),
        // a status whose recipient names nobody waits for its message, which comes next
        Payloads.meta(
            "messages",
            """
            "statuses":[{"id":"wamid.hs-E","status":"sent","timestamp":"1740000141"}]"""),
        Payloads.status("wamid.hs-D", "sent", 1_740_000_140),
        Payloads.echo("wamid.hs-D", 1_740_000_139, "sent from the app"),
        Payloads.echo("wamid.hs-E", 1_740_000_140, "another from the app"),
        Payloads.status("wamid.hs-A", "read", 1_740_000_150),
        Payloads.status("wamid.hs-E", "failed", 1_740_000_151),
        Payloads.status("wamid.hs-E", "delivered", 1_740_000_152),
        // statuses still held when the read ends
        Payloads.status("wamid.hs-F", "sent", 1_740_000_160),
        Payloads.status("wamid.hs-B", "read", 1_740_000_113));
  }
}
