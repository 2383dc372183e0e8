package dev.coexist.apply;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.coexist.db.Engine;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every apply transaction writes its changes to the change log in the same transaction: one row per
 * change, in commit order, with the number and thread it belongs to; an event that fails writes
 * none, and a delivery that fails writes {@code delivery.failed}.
 */
class ChangeLogIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path folder;

  @ParameterizedTest
  @EnumSource(Engine.class)
  void eachAppliedChangeIsLoggedInCommitOrderWithItsNumberAndThread(final Engine engine)
      throws Exception {
    try (StoreHarness store = StoreHarness.open(engine, folder)) {
      store.apply("meta/messages-text.json");
      store.apply("meta/echo-text.json");
      store.apply("meta/statuses-failed.json");
      store.apply("meta/messages-edit.json");
      store.apply("meta/state-sync-add.json");
      store.apply("meta/history-phase0-chunk1.json");
      store.apply("meta/account-update-partner-removed.json");
      final long bad = store.apply("bad/not-an-envelope.json");

      final List<List<Object>> changes =
          store.rows(
              "SELECT seq, type, phone_number_id, thread_id, data FROM changes ORDER BY seq");
      assertThat(
              changes.stream()
                  .map(row -> (String) row.get(1))
                  .filter(type -> !type.equals("thread.updated"))
                  .toList())
          .containsExactly(
              "message.created",
              "message.created",
              "status.created",
              "message.updated",
              "contact.updated",
              "history.updated",
              "number.updated",
              "delivery.failed");
      // every live message's change names the thread the store put it in
      for (final List<Object> row : changes) {
        if (!row.get(1).equals("message.created")) {
          continue;
        }
        final JsonNode data = JSON.readTree((String) row.get(4));
        assertThat(data.path("origin").asText()).isIn("live", "echo");
        assertThat(
                store.rows(
                    "SELECT thread_id FROM messages WHERE phone_number_id = ? AND wamid = ?",
                    row.get(2),
                    data.path("wamid").asText()))
            .containsExactly(List.of(row.get(3)));
      }
      final JsonNode failedStatus = data(changes, "status.created");
      assertThat(failedStatus.path("status").asText()).isEqualTo("failed");
      assertThat(failedStatus.path("errors").get(0).path("code").isInt()).isTrue();
      assertThat(data(changes, "delivery.failed").path("journal_id").asLong()).isEqualTo(bad);
      assertThat(data(changes, "message.updated").path("change").asText()).isEqualTo("edit");
      // an edit names the thread of the message it edits (stored before it)
      assertThat(data(changes, "message.updated").path("thread_id").asLong())
          .isEqualTo(data(changes, "message.created").path("thread_id").asLong());
      assertThat(data(changes, "number.updated").path("event").asText())
          .isEqualTo("PARTNER_REMOVED");
      // nothing of these deliveries became a problem: logging a change never fails an event
      assertThat(store.count("journal_problems")).isZero();
      // the threads whose figures changed, each once their figures were brought up to date
      assertThat(changes.stream().filter(row -> row.get(1).equals("thread.updated")))
          .isNotEmpty()
          .allSatisfy(row -> assertThat(row.get(3)).isNotNull());
    }
  }

  private static JsonNode data(final List<List<Object>> changes, final String type)
      throws Exception {
    for (final List<Object> row : changes) {
      if (row.get(1).equals(type)) {
        return JSON.readTree((String) row.get(4));
      }
    }
    throw new AssertionError("no " + type + " in " + changes);
  }
}
