package dev.coexist.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.coexist.config.ConfigKey;
import dev.coexist.db.Engine;
import dev.coexist.testing.Engines;
import dev.coexist.testing.RunningApp;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The read API over real HTTP, on both engines: fixtures go in through the webhook endpoints, the
 * processor applies them, and every answer is checked against openapi.yaml and against the data.
 */
class ReadApiIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String KEY = "read-key";
  private static final String NUMBER = "106540352242922";
  private static final String AUTH = "Bearer " + KEY;

  @TempDir Path dataDir;
  private RunningApp coexist;
  private OpenApiContract contract;

  private void start(final Engine engine) throws IOException {
    contract = OpenApiContract.fromClasspath();
    coexist =
        RunningApp.start(
            dataDir,
            Map.of(ConfigKey.API_KEY, KEY, ConfigKey.DATABASE, Engines.url(engine, dataDir)));
  }

  @AfterEach
  void stop() {
    if (coexist != null) {
      coexist.close();
    }
  }

  private void post(final String route, final String fixture) throws Exception {
    try (InputStream in = ReadApiIT.class.getResourceAsStream("/fixtures/" + fixture)) {
      final HttpResponse<String> response = coexist.post(route, in.readAllBytes());
      assertThat(response.statusCode()).as(fixture).isEqualTo(200);
    }
  }

  private void awaitApplied() throws Exception {
    final Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
    while (Instant.now().isBefore(deadline)) {
      final JsonNode pending = get("/api/v1/journal", "state=pending");
      if (pending.get("entries").isEmpty()) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("the processor did not apply the journal within 20 s");
  }

  /** GETs a path with the key and checks the answer against the contract. */
  private JsonNode get(final String path, final String query) throws Exception {
    final HttpResponse<String> response =
        coexist.get(path + (query.isEmpty() ? "" : "?" + query), "Authorization", AUTH);
    assertThat(response.statusCode()).as(path + " " + response.body()).isEqualTo(200);
    assertThat(contract.violations(template(path), "get", 200, response.body()))
        .as("contract of %s", path)
        .isEmpty();
    return JSON.readTree(response.body());
  }

  private static String template(final String path) {
    return path.replaceFirst(
            "^/api/v1/numbers/[^/]+/threads/[^/]+/messages$",
            "/api/v1/numbers/{phone_number_id}/threads/{thread_id}/messages")
        .replaceFirst(
            "^/api/v1/numbers/[^/]+/threads$", "/api/v1/numbers/{phone_number_id}/threads")
        .replaceFirst(
            "^/api/v1/numbers/[^/]+/contacts$", "/api/v1/numbers/{phone_number_id}/contacts")
        .replaceFirst("^/api/v1/numbers/[^/]+$", "/api/v1/numbers/{phone_number_id}")
        .replaceFirst("^/api/v1/messages/[^/]+$", "/api/v1/messages/{wamid}");
  }

  private void loadConversation() throws Exception {
    post("/webhooks/360dialog", "360dialog/history-phase1-chunk3.json");
    post("/webhooks/whatsapp", "meta/history-phase0-chunk1.json");
    post("/webhooks/360dialog", "360dialog/history-progress-only.json");
    post("/webhooks/360dialog", "360dialog/state-sync-add.json");
    post("/webhooks/whatsapp", "meta/echo-text.json");
    post("/webhooks/whatsapp", "meta/messages-text.json");
    post("/webhooks/whatsapp", "meta/messages-image.json");
    post("/webhooks/whatsapp", "meta/messages-reaction.json");
    post("/webhooks/whatsapp", "meta/statuses-sent-delivered-read.json");
    awaitApplied();
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void numbersThreadsMessagesAndContactsFollowTheContract(final Engine engine) throws Exception {
    start(engine);
    loadConversation();

    final JsonNode numbers = get("/api/v1/numbers", "");
    assertThat(numbers.get("numbers")).hasSize(1);
    final JsonNode number = get("/api/v1/numbers/" + NUMBER, "");
    assertThat(number.get("display_phone_number").asText()).isNotEmpty();
    assertThat(number.at("/history/state").asText()).isEqualTo("completed");
    assertThat(number.at("/history/progress").asInt()).isEqualTo(100);
    assertThat(number.at("/history/phases")).hasSize(3);
    assertThat(number.at("/history/phases/1/chunks").asInt()).isEqualTo(1);
    assertThat(number.at("/contacts/count").asInt()).isGreaterThanOrEqualTo(2);

    // threads page one at a time and visit every thread exactly once
    final Set<Long> seen = new HashSet<>();
    String cursor = null;
    Instant previous = Instant.MAX;
    do {
      final JsonNode page =
          get(
              "/api/v1/numbers/" + NUMBER + "/threads",
              "limit=1" + (cursor == null ? "" : "&cursor=" + cursor));
      for (final JsonNode thread : page.get("threads")) {
        assertThat(seen.add(thread.get("id").asLong())).isTrue();
        final Instant at = Instant.parse(thread.get("last_message_at").asText());
        assertThat(at).isBeforeOrEqualTo(previous);
        previous = at;
      }
      cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").asText();
    } while (cursor != null);
    assertThat(seen).hasSizeGreaterThanOrEqualTo(2);

    // the thread with Pablo holds history, the echo and his live reply, oldest first
    final JsonNode threads = get("/api/v1/numbers/" + NUMBER + "/threads", "");
    final JsonNode pablo = find(threads.get("threads"), "/customer/phone", "16505551234");
    final JsonNode page =
        get(
            "/api/v1/numbers/" + NUMBER + "/threads/" + pablo.get("id").asLong() + "/messages",
            "limit=100");
    final List<JsonNode> messages = new ArrayList<>();
    page.get("messages").forEach(messages::add);
    assertThat(messages).isNotEmpty();
    for (int index = 1; index < messages.size(); index++) {
      assertThat(messages.get(index).get("sent_at").asText())
          .isGreaterThanOrEqualTo(messages.get(index - 1).get("sent_at").asText());
    }
    assertThat(messages)
        .extracting(message -> message.get("origins").get(0).asText())
        .contains("history", "echo", "live");

    // one message with its whole status history
    final JsonNode echoed =
        messages.stream()
            .filter(m -> m.get("origins").toString().contains("echo"))
            .findFirst()
            .orElseThrow();
    final JsonNode detail = get("/api/v1/messages/" + echoed.get("wamid").asText(), "");
    assertThat(detail.get("phone_number_id").asText()).isEqualTo(NUMBER);

    // a text's content is stored once, as its text, and served as received; other content as is
    final JsonNode echoText =
        get("/api/v1/messages/wamid.HBgLMTY1MDU1NTEyMzQVAgARGBJOMDFOMk8zUDRRNVI2UzcwAA==", "");
    assertThat(echoText.get("content"))
        .isEqualTo(JSON.readTree("{\"body\":\"Hi Pablo! Your replacement box leaves today.\"}"));
    final JsonNode image =
        get("/api/v1/messages/wamid.HBgLMTY1MDU1NTEyMzQVAgASGBJRMDFRMlIzUzRUNVU2VjcwAA==", "");
    assertThat(image.at("/content/caption").asText()).isEqualTo("Arrived, thanks");
    assertThat(image.at("/content/id").asText()).isEqualTo("3307416289375521");

    final JsonNode contacts = get("/api/v1/numbers/" + NUMBER + "/contacts", "");
    assertThat(contacts.get("contacts")).isNotEmpty();
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void newMessagesAppearAfterTheAfterCursorWhileTheyArrive(final Engine engine) throws Exception {
    start(engine);
    loadConversation();
    final JsonNode threads = get("/api/v1/numbers/" + NUMBER + "/threads", "");
    final long pablo =
        find(threads.get("threads"), "/customer/phone", "16505551234").get("id").asLong();
    final String path = "/api/v1/numbers/" + NUMBER + "/threads/" + pablo + "/messages";
    final JsonNode newest = get(path, "limit=2");
    final String after = newest.get("after_cursor").asText();
    assertThat(get(path, "after=" + after).get("messages")).isEmpty();

    // newer than everything loaded (the newest is the record of the Cloud API message whose
    // statuses came last, at 1740003060)
    final HttpResponse<String> answer =
        coexist.post(
            "/webhooks/whatsapp",
            """
            {"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[
            {"field":"messages","value":{"messaging_product":"whatsapp",
            "metadata":{"display_phone_number":"15550001111","phone_number_id":"%s"},
            "contacts":[{"profile":{"name":"Pablo Morales"},"wa_id":"16505551234"}],
            "messages":[{"from":"16505551234","id":"wamid.READ.NEWER","timestamp":"1740009000",
            "type":"text","text":{"body":"One more thing"}}]}}]}]}"""
                .formatted(NUMBER)
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertThat(answer.statusCode()).isEqualTo(200);
    awaitApplied();

    final JsonNode newer = get(path, "after=" + after + "&limit=500");
    assertThat(newer.get("messages")).isNotEmpty();
    final JsonNode older = get(path, "before=" + newest.get("before_cursor").asText());
    assertThat(older.get("messages")).isNotEmpty();
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void badRequestsAreClearFourHundreds(final Engine engine) throws Exception {
    start(engine);
    loadConversation();
    assertError(
        coexist.get("/api/v1/numbers"), 401, "missing Authorization: Bearer <api key> header");
    assertError(
        coexist.get("/api/v1/numbers", "Authorization", "Bearer nope"),
        401,
        "the API key is not valid");
    assertError(
        coexist.get("/api/v1/numbers?limit=0", "Authorization", AUTH),
        400,
        "limit must be between 1 and 500, was 0");
    assertError(
        coexist.get("/api/v1/numbers/" + NUMBER + "/threads?cursor=garbage", "Authorization", AUTH),
        400,
        "cursor 'garbage' is not a cursor this API handed out");
    assertError(
        coexist.get("/api/v1/numbers/999/threads", "Authorization", AUTH),
        404,
        "no phone number 999");
    assertError(
        coexist.get("/api/v1/numbers/" + NUMBER + "/threads/abc/messages", "Authorization", AUTH),
        400,
        "thread id must be a whole number, was 'abc'");
    assertError(
        coexist.get("/api/v1/journal?state=lost", "Authorization", AUTH),
        400,
        "state must be one of pending, applied, duplicate, failed, rejected; was 'lost'");
    assertError(
        coexist.get("/api/v1/messages/wamid.none", "Authorization", AUTH),
        404,
        "no message wamid.none");
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void aFailedDeliveryIsListedAndReplayed(final Engine engine) throws Exception {
    start(engine);
    post("/webhooks/whatsapp", "bad/foreign-object.json");
    awaitApplied();
    final JsonNode failed = get("/api/v1/journal", "state=failed");
    assertThat(failed.get("entries")).hasSize(1);
    final JsonNode entry = failed.get("entries").get(0);
    assertThat(entry.get("error").asText()).isNotEmpty();

    final HttpResponse<String> replay =
        coexist.post(
            "/api/v1/journal/" + entry.get("id").asLong() + "/replay",
            new byte[0],
            "Authorization",
            AUTH);
    assertThat(replay.statusCode()).isEqualTo(202);
    assertThat(contract.violations("/api/v1/journal/{id}/replay", "post", 202, replay.body()))
        .isEmpty();
    awaitApplied();
    // the same bytes fail the same way: replay is idempotent, the attempt is counted
    final JsonNode again = get("/api/v1/journal", "state=failed").get("entries").get(0);
    assertThat(again.get("attempts").asInt()).isGreaterThan(entry.get("attempts").asInt());

    final HttpResponse<String> all =
        coexist.post(
            "/api/v1/journal/replay", "{\"state\":\"failed\"}".getBytes(), "Authorization", AUTH);
    assertThat(all.statusCode()).isEqualTo(202);
    assertThat(JSON.readTree(all.body()).get("replayed").asInt()).isEqualTo(1);
    assertError(
        coexist.post("/api/v1/journal/replay", "{\"from\":5}".getBytes(), "Authorization", AUTH),
        400,
        "the body must be {\"state\": \"failed\"} or {\"from\": <id>, \"to\": <id>}");
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void theContractItselfIsServed(final Engine engine) throws Exception {
    start(engine);
    final HttpResponse<String> yaml = coexist.get("/openapi.yaml");
    assertThat(yaml.statusCode()).isEqualTo(200);
    assertThat(OpenApiContract.load(yaml.body()).document().at("/paths").size())
        .isGreaterThanOrEqualTo(9);
  }

  private void assertError(
      final HttpResponse<String> response, final int status, final String reason) throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    final JsonNode body = JSON.readTree(response.body());
    assertThat(body.get("reason").asText()).isEqualTo(reason);
    assertThat(body.get("error").asText()).isNotEmpty();
  }

  private static JsonNode find(final JsonNode array, final String pointer, final String value) {
    for (final JsonNode item : array) {
      if (value.equals(item.at(pointer).asText())) {
        return item;
      }
    }
    throw new AssertionError("no item with " + pointer + " = " + value + " in " + array);
  }
}
