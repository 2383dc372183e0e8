package dev.coexist.journal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coexist.db.Engine;
import dev.coexist.db.Storage;
import dev.coexist.testing.Engines;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * One group-commit batch holding every kind of delivery the unique keys sort (on PostgreSQL one
 * statement inserts the batch, see BatchInsert): new ones, one journalled in an earlier batch, the
 * same body twice and the same envelope id twice within the batch, and a rejected one with the body
 * of an accepted one. Each gets the receipt one insert per delivery gave it, and the entries' ids
 * follow the order the deliveries arrived in.
 */
class JournalBatchIT {
  @TempDir Path folder;

  private static Delivery delivery(
      final String name, final String eventId, final String rejection) {
    final byte[] body =
        ("{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"" + name + "\"}]}")
            .getBytes(StandardCharsets.UTF_8);
    return new Delivery(
        System.currentTimeMillis(), "360dialog", "{}", body, sha256(body), eventId, rejection);
  }

  private static String sha256(final byte[] body) {
    try {
      return HexFormat.of()
          .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(body));
    } catch (java.security.NoSuchAlgorithmException impossible) {
      throw new IllegalStateException(impossible);
    }
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void everyDeliveryOfOneBatchGetsTheReceiptItsKeysGiveIt(final Engine engine) throws Exception {
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (Storage storage = Engines.open(engine, folder);
        // every delivery below arrives within the batch's wait: one batch
        Journal journal =
            new Journal(storage.journal(), 512, Duration.ofMillis(300), 1L << 30, meters)) {
      final Receipt earlier = journal.append(delivery("earlier", "event-earlier", null)).join();
      assertThat(earlier.outcome()).isEqualTo(Receipt.Outcome.ACCEPTED);

      final List<CompletableFuture<Receipt>> batch = new ArrayList<>();
      batch.add(journal.append(delivery("first", "event-first", null))); // 0
      batch.add(journal.append(delivery("earlier", "event-earlier", null))); // 1: redelivered
      batch.add(journal.append(delivery("first", "event-first", null))); // 2: twice in the batch
      batch.add(journal.append(delivery("other body", "event-first", null))); // 3: same event
      batch.add(journal.append(delivery("first", null, "not signed"))); // 4: rejected
      batch.add(journal.append(delivery("second", null, null))); // 5
      batch.add(journal.append(delivery("second", null, null))); // 6: twice, no event id
      batch.add(journal.append(delivery("third", "event-third", null))); // 7
      final List<Receipt> receipts = batch.stream().map(CompletableFuture::join).toList();

      assertThat(meters.summary("coexist.journal.batch.size").max()).isEqualTo(8);
      assertThat(receipts.stream().map(Receipt::outcome))
          .containsExactly(
              Receipt.Outcome.ACCEPTED,
              Receipt.Outcome.DUPLICATE,
              Receipt.Outcome.DUPLICATE,
              Receipt.Outcome.DUPLICATE,
              Receipt.Outcome.REJECTED,
              Receipt.Outcome.ACCEPTED,
              Receipt.Outcome.DUPLICATE,
              Receipt.Outcome.ACCEPTED);
      assertThat(receipts.get(1).duplicateOf()).isEqualTo(earlier.id());
      assertThat(receipts.get(2).duplicateOf()).isEqualTo(receipts.get(0).id());
      assertThat(receipts.get(3).duplicateOf()).isEqualTo(receipts.get(0).id());
      assertThat(receipts.get(6).duplicateOf()).isEqualTo(receipts.get(5).id());
      assertThat(receipts.get(4).rejection()).isEqualTo("not signed");
      // the entries the batch inserted, in the order their deliveries arrived
      assertThat(List.of(receipts.get(0).id(), receipts.get(4).id(), receipts.get(5).id()))
          .isSorted()
          .doesNotHaveDuplicates();
      assertThat(receipts.get(7).id()).isGreaterThan(receipts.get(5).id());

      try (Connection connection = storage.journal().pool().getConnection();
          PreparedStatement select =
              connection.prepareStatement(
                  "SELECT state, error, duplicate_of, body FROM journal WHERE id = ?")) {
        for (int index = 0; index < receipts.size(); index++) {
          final Receipt receipt = receipts.get(index);
          select.setLong(1, receipt.id());
          try (ResultSet row = select.executeQuery()) {
            assertThat(row.next()).as("entry of delivery %d", index).isTrue();
            assertThat(row.getString("state"))
                .as("state of delivery %d", index)
                .isEqualTo(
                    switch (receipt.outcome()) {
                      case ACCEPTED -> "pending";
                      case DUPLICATE -> "duplicate";
                      case REJECTED -> "rejected";
                    });
            assertThat(row.getString("error")).isEqualTo(receipt.rejection());
            final long duplicateOf = row.getLong("duplicate_of");
            assertThat(row.wasNull() ? null : duplicateOf).isEqualTo(receipt.duplicateOf());
            assertThat(new String(row.getBytes("body"), StandardCharsets.UTF_8))
                .contains(index == 3 ? "other body" : "\"id\":\"");
          }
        }
      }
    }
  }
}
