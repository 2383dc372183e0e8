package dev.coexist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.coexist.config.ConfigKey;
import dev.coexist.testing.JournalRows;
import dev.coexist.testing.RunningApp;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A data dir made before the journal had a file of its own (see
 * src/test/resources/datadirs/before-journal-apart/README.md) is migrated on first start with
 * nothing lost: every journal entry moves to the journal's file with its id and bytes, applied and
 * failed entries keep their state, pending ones are applied, and the store keeps its rows.
 */
class MigrationIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String KEY = "migration-key";

  @TempDir Path dataDir;

  @Test
  void aDataDirOfTheEarlierLayoutIsMigratedWithNothingLost() throws Exception {
    try (InputStream old =
        MigrationIT.class.getResourceAsStream("/datadirs/before-journal-apart/coexist.db")) {
      Files.copy(old, dataDir.resolve("coexist.db"));
    }
    final List<JournalRows.Row> before = JournalRows.all(dataDir.resolve("coexist.db"));
    assertThat(before).hasSize(10);
    final long messagesBefore = count(dataDir.resolve("coexist.db"), "messages");

    try (RunningApp coexist = RunningApp.start(dataDir, Map.of(ConfigKey.API_KEY, KEY))) {
      awaitNothingPending(coexist);

      final List<JournalRows.Row> after = JournalRows.all(coexist.journalFile());
      assertThat(after).extracting(JournalRows.Row::id).containsExactly(ids(before));
      for (int index = 0; index < before.size(); index++) {
        final JournalRows.Row old = before.get(index);
        final JournalRows.Row moved = after.get(index);
        assertThat(moved.body()).as("bytes of entry %d", old.id()).isEqualTo(old.body());
        assertThat(moved.bodySha256()).isEqualTo(old.bodySha256());
        assertThat(moved.route()).isEqualTo(old.route());
        assertThat(moved.eventId()).isEqualTo(old.eventId());
        assertThat(moved.duplicateOf()).isEqualTo(old.duplicateOf());
      }
      assertThat(tables(coexist.databaseFile()))
          .as("the store's file keeps no journal")
          .doesNotContain("journal", "write_probe")
          .contains("messages", "entry_outcomes", "replay_requests");

      // states as before the migration; the two pending entries applied now, once
      for (long id = 1; id <= 5; id++) {
        assertThat(entry(coexist, id).get("state").asText()).isEqualTo("applied");
        assertThat(entry(coexist, id).get("attempts").asInt()).isEqualTo(1);
      }
      for (long id = 6; id <= 7; id++) {
        assertThat(entry(coexist, id).get("state").asText()).isEqualTo("applied");
        assertThat(entry(coexist, id).get("attempts").asInt()).isEqualTo(1);
      }
      final JsonNode failed = entry(coexist, 8);
      assertThat(failed.get("state").asText()).isEqualTo("failed");
      assertThat(failed.get("error").asText()).startsWith("not a webhook envelope");
      assertThat(entry(coexist, 9).get("state").asText()).isEqualTo("duplicate");
      assertThat(entry(coexist, 9).get("duplicate_of").asLong()).isEqualTo(1);
      assertThat(entry(coexist, 10).get("state").asText()).isEqualTo("rejected");
      assertThat(count(coexist.databaseFile(), "messages")).isEqualTo(messagesBefore);
      // the earlier entries were journalled in 16 lanes; from the next one on there are 64
      assertThat(partitioning(coexist.journalFile())).isEqualTo(List.of(64L, 16L, 10L));
      assertThat(count(coexist.databaseFile(), "processor_lanes")).isEqualTo(128);

      // and it goes on: a new delivery is journalled after them and applied; a replay works
      try (InputStream reaction =
          MigrationIT.class.getResourceAsStream("/fixtures/meta/messages-edit.json")) {
        final HttpResponse<String> posted =
            coexist.post("/webhooks/whatsapp", reaction.readAllBytes());
        assertThat(posted.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(posted.body()).get("id").asLong()).isEqualTo(11);
      }
      assertThat(
              coexist
                  .post("/api/v1/journal/8/replay", new byte[0], "Authorization", "Bearer " + KEY)
                  .statusCode())
          .isEqualTo(202);
      awaitNothingPending(coexist);
      assertThat(entry(coexist, 11).get("state").asText()).isEqualTo("applied");
      assertThat(entry(coexist, 8).get("attempts").asInt()).isEqualTo(2);
    }
  }

  private static Long[] ids(final List<JournalRows.Row> rows) {
    return rows.stream().map(JournalRows.Row::id).toArray(Long[]::new);
  }

  private static JsonNode entry(final RunningApp coexist, final long id) throws Exception {
    final HttpResponse<String> response =
        coexist.get("/api/v1/journal/" + id, "Authorization", "Bearer " + KEY);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  private static void awaitNothingPending(final RunningApp coexist) throws Exception {
    final Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
    while (Instant.now().isBefore(deadline)) {
      final HttpResponse<String> pending =
          coexist.get("/api/v1/journal?state=pending", "Authorization", "Bearer " + KEY);
      if (pending.statusCode() == 200 && JSON.readTree(pending.body()).get("entries").isEmpty()) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("entries still pending after 30 s");
  }

  private static long count(final Path file, final String table) throws Exception {
    try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery("SELECT count(*) FROM " + table)) {
      row.next();
      return row.getLong(1);
    }
  }

  private static List<Long> partitioning(final Path journalFile) throws Exception {
    try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + journalFile);
        Statement statement = connection.createStatement();
        ResultSet row =
            statement.executeQuery(
                "SELECT partitions, previous_partitions, since_id FROM journal_partitions")) {
      row.next();
      return List.of(row.getLong(1), row.getLong(2), row.getLong(3));
    }
  }

  private static List<String> tables(final Path file) throws Exception {
    try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table'")) {
      final List<String> names = new java.util.ArrayList<>();
      while (rows.next()) {
        names.add(rows.getString(1));
      }
      return names;
    }
  }
}
