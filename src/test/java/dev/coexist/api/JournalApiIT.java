package dev.coexist.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.coexist.config.ConfigKey;
import dev.coexist.db.Engine;
import dev.coexist.testing.Engines;
import dev.coexist.testing.RunningApp;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The journal inspector over real HTTP, on both engines: each entry's body comes back byte for byte
 * (its SHA-256 is the one posted, and the one the entry shows), with a content type that says
 * whether it is JSON; rejected entries and applied entries with problems are listed page by page;
 * one entry shows its headers and pages its problems; chosen entries export as the JSON lines
 * {@code coexist import} reads.
 */
class JournalApiIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String KEY = "read-key";
  private static final String AUTH = "Bearer " + KEY;

  @TempDir Path dataDir;
  private RunningApp coexist;
  private OpenApiContract contract;

  @AfterEach
  void stop() {
    if (coexist != null) {
      coexist.close();
    }
  }

  private void start(final Engine engine) throws Exception {
    contract = OpenApiContract.fromClasspath();
    coexist =
        RunningApp.start(
            dataDir,
            Map.of(ConfigKey.API_KEY, KEY, ConfigKey.DATABASE, Engines.url(engine, dataDir)));
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void everyBodyComesBackByteForByteWithItsSha256(final Engine engine) throws Exception {
    start(engine);
    final Map<String, byte[]> bodies = new LinkedHashMap<>();
    bodies.put("applied", fixture("meta/messages-text.json"));
    bodies.put("failed", fixture("bad/foreign-object.json"));
    // rejected on arrival: not JSON (and markup, which must stay bytes), not UTF-8, no envelope
    bodies.put(
        "markup",
        "<img src=x onerror=alert(1)> not JSON\r\n\u00e9".getBytes(StandardCharsets.UTF_8));
    bodies.put("latin1", new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xe9, '"', '}'});
    bodies.put("array", "[1, 2, {\"x\": null}]".getBytes(StandardCharsets.UTF_8));
    final Map<String, Long> ids = new LinkedHashMap<>();
    for (final Map.Entry<String, byte[]> body : bodies.entrySet()) {
      final HttpResponse<String> posted =
          coexist.post(
              "/webhooks/whatsapp",
              body.getValue(),
              "Content-Type",
              "application/json",
              "X-Request-Id",
              "req-" + body.getKey());
      ids.put(body.getKey(), journalId(posted));
    }
    awaitNothingPending();

    for (final Map.Entry<String, byte[]> body : bodies.entrySet()) {
      final long id = ids.get(body.getKey());
      assertThat(id).as(body.getKey()).isPositive();
      final HttpResponse<byte[]> raw = bytes("/api/v1/journal/" + id + "/body");
      assertThat(raw.statusCode()).isEqualTo(200);
      assertThat(raw.body()).as(body.getKey()).isEqualTo(body.getValue());
      final String sha = sha256(body.getValue());
      assertThat(sha256(raw.body())).isEqualTo(sha);
      final JsonNode detail = get("/api/v1/journal/" + id, "/api/v1/journal/{id}");
      assertThat(detail.get("body_sha256").asText()).isEqualTo(sha);
      assertThat(detail.get("size").asLong()).isEqualTo(body.getValue().length);
      assertThat(detail.get("headers").get("x-request-id").asText())
          .isEqualTo("req-" + body.getKey());
      assertThat(raw.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
      assertThat(raw.headers().firstValue("Content-Disposition").orElseThrow())
          .startsWith("attachment; filename=\"coexist-journal-" + id + ".");
      final boolean json = body.getKey().equals("applied") || body.getKey().equals("failed");
      assertThat(raw.headers().firstValue("Content-Type"))
          .as(body.getKey())
          .hasValue(
              json || body.getKey().equals("array")
                  ? "application/json"
                  : "application/octet-stream");
    }

    // the failed entry's error says that it is no envelope once
    final JsonNode failed = get("/api/v1/journal/" + ids.get("failed"), "/api/v1/journal/{id}");
    assertThat(failed.get("state").asText()).isEqualTo("failed");
    assertThat(failed.get("error").asText())
        .isEqualTo("not a webhook envelope: 'object' is 'page', not 'whatsapp_business_account'");

    // the list shows the same sha
    final JsonNode rejected = list("state=rejected");
    assertThat(rejected.get("entries"))
        .extracting(entry -> entry.get("id").asLong())
        .containsExactly(ids.get("markup"), ids.get("latin1"), ids.get("array"));
    for (final JsonNode entry : rejected.get("entries")) {
      assertThat(entry.get("body_sha256").asText()).matches("[0-9a-f]{64}");
      assertThat(entry.get("error").asText()).isNotEmpty();
    }
    assertThat(rejected.get("entries").get(1).get("error").asText()).startsWith("not UTF-8");

    assertThat(bytes("/api/v1/journal/999999/body").statusCode()).isEqualTo(404);
    assertThat(bytes("/api/v1/journal/abc/body").statusCode()).isEqualTo(400);
    assertThat(coexist.get("/api/v1/journal/" + ids.get("applied") + "/body").statusCode())
        .as("no key, no body")
        .isEqualTo(401);
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void rejectedAndProblemListsPageAndTheDetailPagesItsProblems(final Engine engine)
      throws Exception {
    start(engine);
    final List<Long> rejected = new ArrayList<>();
    final List<Long> withProblems = new ArrayList<>();
    for (int index = 0; index < 5; index++) {
      rejected.add(post(("not json " + index).getBytes(StandardCharsets.UTF_8)));
      // five broken entries and one good message each: applied, with five problems
      withProblems.add(post(brokenEntries(5, "wamid.PROBLEMS." + index)));
      post(fixture("meta/messages-text.json", "wamid.CLEAN." + index));
    }
    awaitNothingPending();

    assertThat(pageThrough("state=rejected", 2)).isEqualTo(rejected);
    assertThat(pageThrough("with_problems=true", 2)).isEqualTo(withProblems);
    assertThat(pageThrough("with_problems=true&state=applied", 3)).isEqualTo(withProblems);
    final JsonNode first = list("with_problems=true&limit=1").get("entries").get(0);
    assertThat(first.get("state").asText()).isEqualTo("applied");
    assertThat(first.get("problem_count").asInt()).isEqualTo(5);
    assertThat(first.get("problems")).hasSize(3);

    // the detail: a page of full problems, continued here or at /problems with the same cursor
    final long id = withProblems.get(0);
    final JsonNode detail = get("/api/v1/journal/" + id + "?limit=2", "/api/v1/journal/{id}");
    assertThat(detail.get("problem_count").asInt()).isEqualTo(5);
    assertThat(detail.get("problems")).hasSize(2);
    assertThat(detail.get("problems").get(0).get("item").asText()).isEqualTo("{}");
    final String cursor = detail.get("problems_next_cursor").asText();
    final JsonNode next =
        get("/api/v1/journal/" + id + "?limit=2&cursor=" + cursor, "/api/v1/journal/{id}");
    final JsonNode sameNext =
        get(
            "/api/v1/journal/" + id + "/problems?limit=2&cursor=" + cursor,
            "/api/v1/journal/{id}/problems");
    assertThat(next.get("problems")).isEqualTo(sameNext.get("problems"));
    assertThat(next.get("problems").get(0).get("location").asText())
        .isNotEqualTo(detail.get("problems").get(1).get("location").asText());
    final JsonNode last =
        get(
            "/api/v1/journal/"
                + id
                + "?limit=2&cursor="
                + next.get("problems_next_cursor").asText(),
            "/api/v1/journal/{id}");
    assertThat(last.get("problems")).hasSize(1);
    assertThat(last.get("problems_next_cursor").isNull()).isTrue();

    assertBadRequest(
        "/api/v1/journal?with_problems=true&state=failed",
        "with_problems lists applied entries with items that were not applied; leave state out"
            + " or give state=applied, was 'failed'");
    assertBadRequest(
        "/api/v1/journal?with_problems=yes", "with_problems must be true or false, was 'yes'");
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void chosenEntriesExportAsTheLinesImportReads(final Engine engine) throws Exception {
    start(engine);
    final byte[] text = fixture("meta/messages-text.json");
    final byte[] notUtf8 = {'{', (byte) 0xff, '}'};
    final long textId =
        journalId(coexist.post("/webhooks/whatsapp", text, "Content-Type", "application/json"));
    final long binaryId = post(notUtf8);
    awaitNothingPending();

    final HttpResponse<String> exported =
        coexist
            .client()
            .send(
                HttpRequest.newBuilder(coexist.uri("/api/v1/journal/export"))
                    .header("Authorization", AUTH)
                    .header("Content-Type", "application/json")
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            "{\"ids\":[" + binaryId + "," + textId + "," + textId + "]}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(exported.statusCode()).as(exported.body()).isEqualTo(200);
    assertThat(exported.headers().firstValue("Content-Type")).hasValue("application/x-ndjson");
    final List<JsonNode> lines = new ArrayList<>();
    for (final String line : exported.body().split("\n")) {
      lines.add(JSON.readTree(line));
    }
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0).get("journal_id").asLong()).isEqualTo(textId);
    assertThat(lines.get(0).get("route").asText()).isEqualTo("whatsapp");
    assertThat(lines.get(0).get("body").asText().getBytes(StandardCharsets.UTF_8)).isEqualTo(text);
    assertThat(lines.get(0).get("body_sha256").asText()).isEqualTo(sha256(text));
    assertThat(lines.get(0).get("headers").get("content-type").asText())
        .isEqualTo("application/json");
    assertThat(lines.get(1).has("body")).isFalse();
    assertThat(Base64.getDecoder().decode(lines.get(1).get("body_base64").asText()))
        .isEqualTo(notUtf8);

    assertThat(exportStatus("{\"ids\":[" + textId + ", 999999]}")).isEqualTo(404);
    assertThat(exportStatus("{\"ids\":[]}")).isEqualTo(400);
    assertThat(exportStatus("{\"ids\":[\"1\"]}")).isEqualTo(400);
    assertThat(exportStatus("not json")).isEqualTo(400);
  }

  private int exportStatus(final String body) throws Exception {
    final HttpResponse<String> answer =
        coexist.post(
            "/api/v1/journal/export", body.getBytes(StandardCharsets.UTF_8), "Authorization", AUTH);
    assertThat(JSON.readTree(answer.body()).get("reason").asText()).isNotEmpty();
    return answer.statusCode();
  }

  private List<Long> pageThrough(final String query, final int limit) throws Exception {
    final List<Long> ids = new ArrayList<>();
    String cursor = null;
    do {
      final JsonNode page =
          list(query + "&limit=" + limit + (cursor == null ? "" : "&cursor=" + cursor));
      assertThat(page.get("entries").size()).isLessThanOrEqualTo(limit);
      page.get("entries").forEach(entry -> ids.add(entry.get("id").asLong()));
      cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").asText();
    } while (cursor != null);
    return ids;
  }

  private JsonNode list(final String query) throws Exception {
    return get("/api/v1/journal?" + query, "/api/v1/journal");
  }

  /** GETs a path with the key, expects 200, and checks the answer against the contract. */
  private JsonNode get(final String path, final String template) throws Exception {
    final HttpResponse<String> response = coexist.get(path, "Authorization", AUTH);
    assertThat(response.statusCode()).as(path + " " + response.body()).isEqualTo(200);
    assertThat(contract.violations(template, "get", 200, response.body())).as(path).isEmpty();
    return JSON.readTree(response.body());
  }

  private void assertBadRequest(final String path, final String reason) throws Exception {
    final HttpResponse<String> response = coexist.get(path, "Authorization", AUTH);
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(response.body()).get("reason").asText()).isEqualTo(reason);
  }

  private HttpResponse<byte[]> bytes(final String path) throws Exception {
    return coexist
        .client()
        .send(
            HttpRequest.newBuilder(coexist.uri(path)).header("Authorization", AUTH).build(),
            HttpResponse.BodyHandlers.ofByteArray());
  }

  /** Posts a body and returns its journal id, whatever the answer (200, or 400 when rejected). */
  private long post(final byte[] body) throws Exception {
    return journalId(coexist.post("/webhooks/whatsapp", body));
  }

  /**
   * The journal id of an accepted delivery ({@code id}) or of a rejected one ({@code journal_id}).
   */
  private static long journalId(final HttpResponse<String> posted) throws Exception {
    final JsonNode answer = JSON.readTree(posted.body());
    final long id =
        answer.has("id") ? answer.get("id").asLong() : answer.path("journal_id").asLong();
    assertThat(id).as(posted.body()).isPositive();
    return id;
  }

  private void awaitNothingPending() throws Exception {
    final Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
    while (Instant.now().isBefore(deadline)) {
      if (list("state=pending").get("entries").isEmpty()) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("the journal was not applied within 30 s");
  }

  /** A Meta envelope of {@code broken} entries without changes, then one good message. */
  private static byte[] brokenEntries(final int broken, final String wamid) {
    return ("{\"object\":\"whatsapp_business_account\",\"entry\":["
            + "{},".repeat(broken)
            + """
            {"id":"102290129340398","changes":[{"field":"messages","value":{\
            "messaging_product":"whatsapp","metadata":{"display_phone_number":"15550001111",\
            "phone_number_id":"106540352242922"},"messages":[{"from":"16505551234",\
            "id":"%s","timestamp":"1740000500","type":"text",\
            "text":{"body":"still here"}}]}}]}]}"""
                .formatted(wamid))
        .getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] fixture(final String name) throws Exception {
    try (InputStream in = JournalApiIT.class.getResourceAsStream("/fixtures/" + name)) {
      return in.readAllBytes();
    }
  }

  /** A fixture with its first message's wamid replaced: another delivery, not a duplicate. */
  private static byte[] fixture(final String name, final String wamid) throws Exception {
    final JsonNode body = JSON.readTree(fixture(name));
    ((com.fasterxml.jackson.databind.node.ObjectNode)
            body.at("/entry/0/changes/0/value/messages/0"))
        .put("id", wamid);
    return JSON.writeValueAsBytes(body);
  }

  private static String sha256(final byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}
