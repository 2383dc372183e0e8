package dev.coexist.journal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coexist.db.Database;
import dev.coexist.db.Engine;
import dev.coexist.db.Storage;
import dev.coexist.store.JournalStates;
import dev.coexist.testing.Engines;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Deliveries the database refuses in one group-commit batch with good ones: the good ones commit, a
 * refused one is journalled as rejected with the database's reason (or, refused even so, fails
 * alone with the reason), and the journal stays writable.
 *
 * <p>The first test: a delivery that PostgreSQL refuses for a reason nobody checked beforehand
 * (here a NUL character in its headers text, which the webhook routes never produce) in one
 * group-commit batch with good ones: the good ones commit, the bad one is journalled as rejected
 * with the database's reason, and the journal stays writable.
 */
class PoisonIsolationIT {
  @TempDir Path folder;

  private static Delivery delivery(final String name, final String headers) {
    final byte[] body =
        ("{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"" + name + "\"}]}")
            .getBytes(StandardCharsets.UTF_8);
    return new Delivery(
        System.currentTimeMillis(), "whatsapp", headers, body, sha256(body), null, null);
  }

  private static String sha256(final byte[] body) {
    try {
      return java.util.HexFormat.of()
          .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(body));
    } catch (java.security.NoSuchAlgorithmException impossible) {
      throw new IllegalStateException(impossible);
    }
  }

  @Test
  void aRefusedDeliveryIsRejectedAloneAndItsBatchCommits() throws Exception {
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (Storage storage = Engines.open(Engine.POSTGRESQL, folder);
        // every delivery below arrives within the batch's wait: one batch
        Journal journal =
            new Journal(storage.journal(), 512, Duration.ofMillis(300), 1L << 30, meters)) {
      final List<CompletableFuture<Receipt>> good = new ArrayList<>();
      for (int index = 0; index < 10; index++) {
        good.add(journal.append(delivery("good-" + index, "{}")));
      }
      final CompletableFuture<Receipt> poison =
          journal.append(delivery("poison", "{\"x-note\":\"a\u0000b\"}"));
      for (int index = 10; index < 20; index++) {
        good.add(journal.append(delivery("good-" + index, "{}")));
      }

      for (final CompletableFuture<Receipt> each : good) {
        assertThat(each.join().outcome()).isEqualTo(Receipt.Outcome.ACCEPTED);
      }
      final Receipt rejected = poison.join();
      assertThat(rejected.outcome()).isEqualTo(Receipt.Outcome.REJECTED);
      assertThat(rejected.rejection())
          .startsWith("the journal database refused this delivery")
          .contains("0x00");
      assertThat(meters.summary("coexist.journal.batch.size").max()).isEqualTo(21);

      assertThat(journal.availability().writable()).isTrue();
      assertThat(journal.append(delivery("after", "{}")).join().outcome())
          .isEqualTo(Receipt.Outcome.ACCEPTED);

      try (Connection connection = storage.journal().pool().getConnection();
          PreparedStatement select =
              connection.prepareStatement(
                  "SELECT state, headers, error FROM journal WHERE id = ?")) {
        select.setLong(1, rejected.id());
        try (ResultSet row = select.executeQuery()) {
          assertThat(row.next()).isTrue();
          assertThat(row.getString("state")).isEqualTo("rejected");
          assertThat(row.getString("headers")).isEqualTo("{\"x-note\":\"a\uFFFDb\"}");
          assertThat(row.getString("error")).isEqualTo(rejected.rejection());
        }
      }
      assertThat(new JournalStates(storage.store(), meters).entries("pending", 0, 100)).hasSize(21);
    }
  }

  // A trigger of the test's database refuses rows, as the database itself does with values it
  // cannot take: "poison" unless it is stored as rejected, "deadly" even then.
  private static final String SQLITE_TRIGGER =
      """
      CREATE TRIGGER refuse_poison BEFORE INSERT ON journal
      WHEN NEW.headers LIKE '%deadly%' OR (NEW.headers LIKE '%poison%' AND NEW.state <> 'rejected')
      BEGIN SELECT RAISE(ABORT, 'refused by the test trigger'); END
      """;

  private static final String POSTGRESQL_FUNCTION =
      """
      CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.headers LIKE '%deadly%' OR (NEW.headers LIKE '%poison%' AND NEW.state <> 'rejected')
        THEN
          RAISE EXCEPTION 'refused by the test trigger' USING ERRCODE = '22023';
        END IF;
        RETURN NEW;
      END $$
      """;

  private static final String POSTGRESQL_TRIGGER =
      """
      CREATE TRIGGER refuse_poison BEFORE INSERT ON journal
      FOR EACH ROW EXECUTE FUNCTION refuse_poison()
      """;

  @ParameterizedTest
  @EnumSource(Engine.class)
  void refusedDeliveriesFailAloneOnBothEngines(final Engine engine) throws Exception {
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (Storage storage = Engines.open(engine, folder)) {
      final Database database = storage.journal();
      try (Connection connection = database.pool().getConnection();
          Statement ddl = connection.createStatement()) {
        if (engine == Engine.SQLITE) {
          ddl.execute(SQLITE_TRIGGER);
        } else {
          ddl.execute(POSTGRESQL_FUNCTION);
          ddl.execute(POSTGRESQL_TRIGGER);
        }
        if (!connection.getAutoCommit()) {
          connection.commit();
        }
      }
      try (Journal journal =
          new Journal(storage.journal(), 512, Duration.ofMillis(300), 1L << 30, meters)) {
        final List<CompletableFuture<Receipt>> good = new ArrayList<>();
        for (int index = 0; index < 5; index++) {
          good.add(journal.append(delivery("good-" + index, "{}")));
        }
        final CompletableFuture<Receipt> poison =
            journal.append(delivery("poison", "{\"x-note\":\"poison\"}"));
        final CompletableFuture<Receipt> deadly =
            journal.append(delivery("deadly", "{\"x-note\":\"deadly\"}"));
        for (int index = 5; index < 10; index++) {
          good.add(journal.append(delivery("good-" + index, "{}")));
        }

        for (final CompletableFuture<Receipt> each : good) {
          assertThat(each.join().outcome()).isEqualTo(Receipt.Outcome.ACCEPTED);
        }
        assertThat(poison.join().outcome()).isEqualTo(Receipt.Outcome.REJECTED);
        assertThat(poison.join().rejection())
            .startsWith("the journal database refused this delivery")
            .contains("refused by the test trigger");
        assertThat(deadly)
            .failsWithin(Duration.ofSeconds(5))
            .withThrowableOfType(java.util.concurrent.ExecutionException.class)
            .havingCause()
            .isInstanceOf(DeliveryRefusedException.class)
            .withMessageContaining("refused by the test trigger");
        assertThat(meters.summary("coexist.journal.batch.size").max()).isEqualTo(12);

        assertThat(journal.availability().writable()).isTrue();
        assertThat(journal.append(delivery("after", "{}")).join().outcome())
            .isEqualTo(Receipt.Outcome.ACCEPTED);
        assertThat(new JournalStates(storage.store(), meters).entries("pending", 0, 100))
            .hasSize(11);
        assertThat(new JournalStates(storage.store(), meters).entries("rejected", 0, 100))
            .singleElement()
            .satisfies(entry -> assertThat(entry.error()).isEqualTo(poison.join().rejection()));
      }
    }
  }
}
