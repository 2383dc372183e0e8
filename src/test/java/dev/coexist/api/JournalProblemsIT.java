package dev.coexist.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.coexist.config.ConfigKey;
import dev.coexist.db.Engine;
import dev.coexist.testing.Engines;
import dev.coexist.testing.RunningApp;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * One delivery can not flood the store: a body of a million broken items keeps its first hundred
 * problems and the count of all; the journal list stays small; one entry's problems page.
 */
class JournalProblemsIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String KEY = "read-key";
  private static final String AUTH = "Bearer " + KEY;
  private static final int BROKEN_ITEMS = 1_000_000;

  @TempDir Path dataDir;
  private RunningApp coexist;
  private OpenApiContract contract;

  @AfterEach
  void stop() {
    if (coexist != null) {
      coexist.close();
    }
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void aMillionBrokenItemsCostAHundredRowsAndACount(final Engine engine) throws Exception {
    contract = OpenApiContract.fromClasspath();
    final String database = Engines.url(engine, dataDir);
    coexist =
        RunningApp.start(dataDir, Map.of(ConfigKey.API_KEY, KEY, ConfigKey.DATABASE, database));
    // 3 MB: a Meta envelope whose entries are a million empty objects (each "entry without a
    // 'changes' array"), then one good message that must still be applied
    final StringBuilder body =
        new StringBuilder("{\"object\":\"whatsapp_business_account\",\"entry\":[");
    body.append("{},".repeat(BROKEN_ITEMS));
    body.append(
        """
        {"id":"102290129340398","changes":[{"field":"messages","value":{\
        "messaging_product":"whatsapp","metadata":{"display_phone_number":"15550001111",\
        "phone_number_id":"106540352242922"},"messages":[{"from":"16505551234",\
        "id":"wamid.AFTER.THE.FLOOD","timestamp":"1740000500","type":"text",\
        "text":{"body":"still here"}}]}}]}]}""");
    final HttpResponse<String> posted =
        coexist.post("/webhooks/whatsapp", body.toString().getBytes(StandardCharsets.UTF_8));
    assertThat(posted.statusCode()).as(posted.body()).isEqualTo(200);
    final long id = JSON.readTree(posted.body()).get("id").asLong();
    awaitApplied(id);

    try (Connection store = DriverManager.getConnection(database)) {
      assertThat(count(store, "SELECT count(*) FROM journal_problems WHERE journal_id = " + id))
          .isEqualTo(100);
      assertThat(
              count(store, "SELECT problems FROM journal_problem_counts WHERE journal_id = " + id))
          .isEqualTo(BROKEN_ITEMS);
      assertThat(
              count(store, "SELECT count(*) FROM messages WHERE wamid = 'wamid.AFTER.THE.FLOOD'"))
          .as("the good item of the same delivery is applied")
          .isEqualTo(1);
    }

    // the list: the count and the first three problems, whatever the body held
    final HttpResponse<String> list = get("/api/v1/journal?state=applied&limit=3");
    assertThat(list.body().length()).as("list response bytes").isLessThan(4_000);
    assertThat(contract.violations("/api/v1/journal", "get", 200, list.body())).isEmpty();
    final JsonNode entry = JSON.readTree(list.body()).get("entries").get(0);
    assertThat(entry.get("problem_count").asInt()).isEqualTo(BROKEN_ITEMS);
    assertThat(entry.get("problems")).hasSize(3);
    assertThat(entry.get("problems").get(0).get("message").asText())
        .isEqualTo("entry without a 'changes' array");

    final HttpResponse<String> one = get("/api/v1/journal/" + id);
    assertThat(contract.violations("/api/v1/journal/{id}", "get", 200, one.body())).isEmpty();
    assertThat(JSON.readTree(one.body()).get("problem_count").asInt()).isEqualTo(BROKEN_ITEMS);

    // the detail pages through the hundred kept problems, each once, in the body's order
    final List<String> locations = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      final HttpResponse<String> page =
          get(
              "/api/v1/journal/"
                  + id
                  + "/problems?limit=30"
                  + (cursor == null ? "" : "&cursor=" + cursor));
      assertThat(contract.violations("/api/v1/journal/{id}/problems", "get", 200, page.body()))
          .isEmpty();
      final JsonNode json = JSON.readTree(page.body());
      assertThat(json.get("problem_count").asInt()).isEqualTo(BROKEN_ITEMS);
      for (final JsonNode problem : json.get("problems")) {
        locations.add(problem.get("location").asText());
        assertThat(problem.get("item").asText()).isEqualTo("{}");
      }
      cursor = json.get("next_cursor").isNull() ? null : json.get("next_cursor").asText();
      pages++;
    } while (cursor != null);
    assertThat(locations)
        .as("the first hundred entries of the body, /entry/10 after /entry/9")
        .isEqualTo(IntStream.range(0, 100).mapToObj(index -> "/entry/" + index).toList());
    assertThat(pages).isEqualTo(4);

    // a cursor of the pages before problems were kept in order (a location) is refused, as is one
    // past any place
    for (final String position : List.of("/entry/29", "99999999999")) {
      final String oldCursor =
          Base64.getUrlEncoder()
              .withoutPadding()
              .encodeToString(
                  ("[\"problems\",\"" + position + "\"]").getBytes(StandardCharsets.UTF_8));
      final HttpResponse<String> refused =
          get("/api/v1/journal/" + id + "/problems?cursor=" + oldCursor);
      assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
      assertThat(refused.body()).contains("is not a cursor this API handed out");
    }

    assertThat(get("/api/v1/journal/999999").statusCode()).isEqualTo(404);
    assertThat(coexist.get("/api/v1/journal/abc/problems", "Authorization", AUTH).statusCode())
        .isEqualTo(400);
  }

  private HttpResponse<String> get(final String path) throws Exception {
    return coexist.get(path, "Authorization", AUTH);
  }

  private void awaitApplied(final long id) throws Exception {
    final Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    while (Instant.now().isBefore(deadline)) {
      final HttpResponse<String> entry = get("/api/v1/journal/" + id);
      if (entry.statusCode() == 200
          && "applied".equals(JSON.readTree(entry.body()).get("state").asText())) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("journal entry " + id + " not applied within 60 s");
  }

  private static long count(final Connection store, final String sql) throws Exception {
    try (PreparedStatement select = store.prepareStatement(sql);
        ResultSet row = select.executeQuery()) {
      row.next();
      return row.getLong(1);
    }
  }
}
