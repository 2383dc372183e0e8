package dev.coexist.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.coexist.config.ConfigKey;
import dev.coexist.db.Engine;
import dev.coexist.testing.Engines;
import dev.coexist.testing.RunningApp;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every wamid has a record, on both engines over real HTTP: a status of a message sent through the
 * Cloud API makes an {@code api} record that the echo merges into (either order), a reaction
 * answers by its own wamid, failed sends are listed across numbers, and a number's account and
 * partner events make its timeline and its alerts. Every answer is checked against openapi.yaml.
 */
class RecordsApiIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String KEY = "records-key";
  private static final String AUTH = "Bearer " + KEY;
  private static final String NUMBER = "106540352242922";
  private static final String OTHER = "107777777777777";
  private static final String PABLO = "16505551234";

  @TempDir Path dataDir;
  private RunningApp coexist;
  private OpenApiContract contract;
  private final long now = Instant.now().getEpochSecond();

  private void start(final Engine engine) throws Exception {
    start(engine, Map.of());
  }

  private void start(final Engine engine, final Map<ConfigKey, String> more) throws Exception {
    contract = OpenApiContract.fromClasspath();
    final Map<ConfigKey, String> config = new HashMap<>(more);
    config.put(ConfigKey.API_KEY, KEY);
    config.put(ConfigKey.DATABASE, Engines.url(engine, dataDir));
    coexist = RunningApp.start(dataDir, config);
  }

  @AfterEach
  void stop() {
    if (coexist != null) {
      coexist.close();
    }
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void aStatusFirstMakesAnApiRecordThatTheEchoMergesInto(final Engine engine) throws Exception {
    start(engine);
    post(status(NUMBER, "wamid.API1", "delivered", now - 50, ""));
    post(status(NUMBER, "wamid.API1", "sent", now - 55, ""));
    awaitApplied();

    final JsonNode record = get("/api/v1/messages/wamid.API1", "");
    assertThat(texts(record.get("origins"))).containsExactly("api");
    assertThat(record.get("direction").asText()).isEqualTo("outbound");
    assertThat(record.get("type").isNull()).isTrue();
    assertThat(record.get("content").isNull()).isTrue();
    assertThat(record.get("status").asText()).isEqualTo("delivered");
    // timed by its earliest status, whatever order they came in
    assertThat(record.get("sent_at").asText())
        .isEqualTo(Instant.ofEpochSecond(now - 55).toString());
    final long thread = record.get("thread_id").asLong();
    final JsonNode threads = get("/api/v1/numbers/" + NUMBER + "/threads", "");
    assertThat(threads.get("threads").get(0).get("customer").get("phone").asText())
        .isEqualTo(PABLO);
    // its content never seen here: the preview says how it was sent, not "[message]"
    assertThat(lastPreview()).isEqualTo("Sent through the Cloud API");

    post(echo("wamid.API1", now - 60, "Your table is booked"));
    post(status(NUMBER, "wamid.API1", "read", now - 40, ""));
    awaitApplied();
    final JsonNode merged = get("/api/v1/messages/wamid.API1", "");
    assertThat(texts(merged.get("origins"))).containsExactly("echo");
    assertThat(merged.get("thread_id").asLong()).isEqualTo(thread);
    assertThat(merged.get("type").asText()).isEqualTo("text");
    assertThat(merged.get("text").asText()).isEqualTo("Your table is booked");
    assertThat(merged.get("sent_at").asText())
        .isEqualTo(Instant.ofEpochSecond(now - 60).toString());
    assertThat(merged.get("status").asText()).isEqualTo("read");
    assertThat(statuses(merged)).containsExactly("sent", "delivered", "read");
    final JsonNode messages =
        get("/api/v1/numbers/" + NUMBER + "/threads/" + thread + "/messages", "");
    assertThat(messages.get("messages")).hasSize(1);
    final Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
    while (!"Your table is booked".equals(lastPreview()) && Instant.now().isBefore(deadline)) {
      Thread.sleep(100);
    }
    assertThat(lastPreview()).isEqualTo("Your table is booked");
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void anEchoFirstTakesItsStatusesWithoutARecordOfItsOwn(final Engine engine) throws Exception {
    start(engine);
    post(echo("wamid.ECHO1", now - 60, "See you at eight"));
    awaitApplied();
    post(status(NUMBER, "wamid.ECHO1", "read", now - 30, ""));
    post(status(NUMBER, "wamid.ECHO1", "delivered", now - 40, ""));
    awaitApplied();

    final JsonNode message = get("/api/v1/messages/wamid.ECHO1", "");
    assertThat(texts(message.get("origins"))).containsExactly("echo");
    assertThat(message.get("text").asText()).isEqualTo("See you at eight");
    // never backwards: read stays read when delivered comes late
    assertThat(message.get("status").asText()).isEqualTo("read");
    assertThat(statuses(message)).containsExactly("delivered", "read");
    final long thread = message.get("thread_id").asLong();
    assertThat(
            get("/api/v1/numbers/" + NUMBER + "/threads/" + thread + "/messages", "")
                .get("messages"))
        .hasSize(1);
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void aFailedTemplateKeepsItsErrorsOnItsRecordAndInTheFailures(final Engine engine)
      throws Exception {
    start(engine);
    post(status(NUMBER, "wamid.F1", "failed", now - 300, errors(131049)));
    post(status(NUMBER, "wamid.F2", "failed", now - 200, errors(131050)));
    post(status(OTHER, "wamid.F3", "failed", now - 100, errors(131026)));
    post(status(NUMBER, "wamid.OK", "delivered", now - 90, ""));
    // reported failed twice: one failed send, listed at its newest report
    post(status(NUMBER, "wamid.F2", "failed", now - 150, errors(131050)));
    awaitApplied();

    final JsonNode record = get("/api/v1/messages/wamid.F1", "");
    assertThat(texts(record.get("origins"))).containsExactly("api");
    assertThat(record.get("status").asText()).isEqualTo("failed");
    assertThat(record.get("statuses").get(0).get("errors").get(0).get("code").asInt())
        .isEqualTo(131049);

    final JsonNode first = get("/api/v1/failures", "limit=2");
    assertThat(wamids(first.get("failures"))).containsExactly("wamid.F3", "wamid.F2");
    final JsonNode newest = first.get("failures").get(0);
    assertThat(newest.get("phone_number_id").asText()).isEqualTo(OTHER);
    assertThat(newest.get("code").asInt()).isEqualTo(131026);
    assertThat(newest.get("title").asText()).isEqualTo("Message undeliverable");
    assertThat(newest.get("details").asText()).isEqualTo("details of 131026");
    assertThat(newest.get("recipient").get("phone").asText()).isEqualTo(PABLO);
    assertThat(newest.get("at").asText()).isEqualTo(Instant.ofEpochSecond(now - 100).toString());
    assertThat(first.get("failures").get(1).get("at").asText())
        .isEqualTo(Instant.ofEpochSecond(now - 150).toString());
    final String cursor = first.get("next_cursor").asText();
    final JsonNode second = get("/api/v1/failures", "limit=2&cursor=" + cursor);
    assertThat(wamids(second.get("failures"))).containsExactly("wamid.F1");
    assertThat(second.get("next_cursor").isNull()).isTrue();
    final JsonNode failedSends = get("/api/v1/alerts", "number=" + NUMBER).get("alerts").get(0);
    assertThat(failedSends.get("kind").asText()).isEqualTo("failed_sends");
    assertThat(failedSends.get("count").asInt()).isEqualTo(2);
    assertThat(failedSends.get("title").asText()).isEqualTo("2 sends failed in the last 7 days");

    assertThat(wamids(get("/api/v1/failures", "number=" + NUMBER).get("failures")))
        .containsExactly("wamid.F2", "wamid.F1");
    final String since = Instant.ofEpochSecond(now - 250).toString();
    assertThat(wamids(get("/api/v1/failures", "since=" + since).get("failures")))
        .containsExactly("wamid.F3", "wamid.F2");

    assertThat(refused("/api/v1/failures?since=yesterday").statusCode()).isEqualTo(400);
    assertThat(refused("/api/v1/failures?cursor=nonsense").statusCode()).isEqualTo(400);
    assertThat(refused("/api/v1/failures?number=999").statusCode()).isEqualTo(404);
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void aReactionIsAMessageOfItsOwnAndStaysOnItsTarget(final Engine engine) throws Exception {
    start(engine);
    post(echo("wamid.TARGET", now - 60, "Dinner at eight?"));
    post(
        meta(
            NUMBER,
            "messages",
            """
            "contacts":[{"profile":{"name":"Pablo"},"wa_id":"16505551234"}],
            "messages":[{"from":"16505551234","id":"wamid.REACT","timestamp":"%d",
            "type":"reaction","reaction":{"message_id":"wamid.TARGET","emoji":"👍"}}]"""
                .formatted(now - 50)));
    awaitApplied();

    final JsonNode reaction = get("/api/v1/messages/wamid.REACT", "");
    assertThat(reaction.get("type").asText()).isEqualTo("reaction");
    assertThat(reaction.get("direction").asText()).isEqualTo("inbound");
    assertThat(texts(reaction.get("origins"))).containsExactly("live");
    assertThat(reaction.get("reaction").get("target_wamid").asText()).isEqualTo("wamid.TARGET");
    assertThat(reaction.get("reaction").get("emoji").asText()).isEqualTo("👍");
    assertThat(reaction.get("content").get("emoji").asText()).isEqualTo("👍");
    final JsonNode target = get("/api/v1/messages/wamid.TARGET", "");
    assertThat(reaction.get("thread_id").asLong()).isEqualTo(target.get("thread_id").asLong());
    assertThat(target.get("reactions").get(0).get("wamid").asText()).isEqualTo("wamid.REACT");
    assertThat(refused("/api/v1/messages/wamid.NOTHING").statusCode()).isEqualTo(404);
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void accountAndPartnerEventsMakeTheTimelineAndTheAlerts(final Engine engine) throws Exception {
    start(engine);
    post(echo("wamid.E1", now - 60, "hello"));
    post(echo(OTHER, "16505550000", "wamid.E2", now - 60, "hello"));
    awaitApplied();
    final JsonNode before = get("/api/v1/alerts", "");
    assertThat(before.get("count").asInt()).isZero();
    assertThat(get("/api/v1/numbers/" + NUMBER, "").get("account").isNull()).isTrue();

    postFixture("/webhooks/whatsapp", "meta/account-update-partner-removed.json");
    postFixture("/webhooks/360dialog", "360dialog/partner-event-channel-created.json");
    postFixture("/webhooks/360dialog", "360dialog/partner-event-account-violation.json");
    post(status(NUMBER, "wamid.F9", "failed", now - 10, errors(131049)));
    awaitApplied();

    final JsonNode events = get("/api/v1/numbers/" + NUMBER + "/events", "limit=2");
    assertThat(texts(events.get("events"), "event"))
        .containsExactly("account_violation", "channel_created");
    assertThat(events.get("events").get(0).get("source").asText()).isEqualTo("360dialog");
    assertThat(
            events
                .get("events")
                .get(0)
                .get("payload")
                .get("data")
                .get("violation_info")
                .get("violation_type")
                .asText())
        .isEqualTo("SCAM");
    final JsonNode older =
        get(
            "/api/v1/numbers/" + NUMBER + "/events",
            "limit=2&cursor=" + events.get("next_cursor").asText());
    assertThat(older.get("events")).hasSize(1);
    final JsonNode removed = older.get("events").get(0);
    assertThat(removed.get("source").asText()).isEqualTo("account_update");
    assertThat(removed.get("event").asText()).isEqualTo("PARTNER_REMOVED");
    assertThat(removed.get("reason").asText()).isEqualTo("PRIMARY_INACTIVITY");
    assertThat(removed.get("initiated_by").asText()).isEqualTo("SYSTEM");
    assertThat(older.get("next_cursor").isNull()).isTrue();
    // the other number is of another WABA and display number: none of these are its events
    assertThat(get("/api/v1/numbers/" + OTHER + "/events", "").get("events")).isEmpty();
    assertThat(refused("/api/v1/numbers/999/events").statusCode()).isEqualTo(404);

    final JsonNode partner = get("/api/v1/partner-events", "");
    assertThat(texts(partner.get("events"), "event"))
        .containsExactly("account_violation", "channel_created");
    assertThat(texts(partner.get("events").get(0).get("numbers"))).containsExactly(NUMBER);
    assertThat(partner.get("events").get(0).get("waba_id").asText()).isEqualTo("102290129340398");
    final JsonNode paged = get("/api/v1/partner-events", "limit=1");
    assertThat(paged.get("events")).hasSize(1);
    assertThat(
            get("/api/v1/partner-events", "limit=1&cursor=" + paged.get("next_cursor").asText())
                .get("events")
                .get(0)
                .get("event")
                .asText())
        .isEqualTo("channel_created");

    final JsonNode alerts = get("/api/v1/alerts", "");
    assertThat(texts(alerts.get("alerts"), "kind"))
        .containsExactly("account", "account_violation", "failed_sends");
    assertThat(alerts.get("count").asInt()).isEqualTo(3);
    final JsonNode account = alerts.get("alerts").get(0);
    assertThat(account.get("phone_number_id").asText()).isEqualTo(NUMBER);
    assertThat(account.get("event").asText()).isEqualTo("PARTNER_REMOVED");
    assertThat(account.get("reason").asText()).isEqualTo("PRIMARY_INACTIVITY");
    assertThat(alerts.get("alerts").get(1).get("reason").asText()).isEqualTo("SCAM");
    assertThat(alerts.get("alerts").get(2).get("code").asInt()).isEqualTo(131049);
    assertThat(get("/api/v1/alerts", "number=" + OTHER).get("alerts")).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void aDeclinedHistoryImportIsAnAlertWithItsReason(final Engine engine) throws Exception {
    start(engine);
    post(echo("wamid.E1", now - 60, "hello"));
    awaitApplied();
    assertThat(get("/api/v1/alerts", "").get("alerts")).isEmpty();

    postFixture("/webhooks/360dialog", "360dialog/history-declined.json");
    awaitApplied();

    final JsonNode alerts = get("/api/v1/alerts", "").get("alerts");
    assertThat(texts(alerts, "kind")).containsExactly("history_declined");
    final JsonNode declined = alerts.get(0);
    assertThat(declined.get("phone_number_id").asText()).isEqualTo(NUMBER);
    assertThat(declined.get("severity").asText()).isEqualTo("bad");
    assertThat(declined.get("code").asInt()).isEqualTo(2593109);
    assertThat(declined.get("reason").asText())
        .isEqualTo("History sync is turned off by the business from the WhatsApp Business App");
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void aHistoryImportWithNoChunkForTooLongIsAStalledAlert(final Engine engine) throws Exception {
    start(engine, Map.of(ConfigKey.HISTORY_STALL_AFTER, "2s"));
    postFixture("/webhooks/360dialog", "360dialog/history-phase1-chunk3.json");
    awaitApplied();
    // progress 40: an import under way, not stalled yet
    assertThat(get("/api/v1/alerts", "").get("alerts")).isEmpty();

    final Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
    JsonNode alerts = get("/api/v1/alerts", "").get("alerts");
    while (alerts.isEmpty() && Instant.now().isBefore(deadline)) {
      Thread.sleep(200);
      alerts = get("/api/v1/alerts", "").get("alerts");
    }
    assertThat(texts(alerts, "kind")).containsExactly("history_stalled");
    assertThat(alerts.get(0).get("phone_number_id").asText()).isEqualTo(NUMBER);
    assertThat(alerts.get(0).get("severity").asText()).isEqualTo("warn");
  }

  /** The first thread's last_preview, once the thread's figures name a last message. */
  private String lastPreview() throws Exception {
    final Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
    JsonNode first = get("/api/v1/numbers/" + NUMBER + "/threads", "").get("threads").get(0);
    while (first.get("last_preview").isNull() && Instant.now().isBefore(deadline)) {
      Thread.sleep(100);
      first = get("/api/v1/numbers/" + NUMBER + "/threads", "").get("threads").get(0);
    }
    return first.get("last_preview").asText();
  }

  // ---- deliveries

  private static String meta(final String number, final String field, final String fields) {
    final String display = number.equals(NUMBER) ? "15550001111" : "15550002222";
    final String waba = number.equals(NUMBER) ? "102290129340398" : "109999999999999";
    return """
        {"object":"whatsapp_business_account","entry":[{"id":"%s","changes":[
        {"field":"%s","value":{"messaging_product":"whatsapp",
        "metadata":{"display_phone_number":"%s","phone_number_id":"%s"},%s}}]}]}"""
        .formatted(waba, field, display, number, fields);
  }

  private static String echo(final String wamid, final long at, final String body) {
    return echo(NUMBER, PABLO, wamid, at, body);
  }

  private static String echo(
      final String number, final String to, final String wamid, final long at, final String body) {
    return meta(
        number,
        "smb_message_echoes",
        """
        "message_echoes":[{"from":"%s","to":"%s","id":"%s","timestamp":"%d",
        "type":"text","text":{"body":"%s"}}]"""
            .formatted(number.equals(NUMBER) ? "15550001111" : "15550002222", to, wamid, at, body));
  }

  private static String status(
      final String number,
      final String wamid,
      final String status,
      final long at,
      final String errors) {
    return meta(
        number,
        "messages",
        """
        "statuses":[{"id":"%s","status":"%s","timestamp":"%d","recipient_id":"16505551234"%s}]"""
            .formatted(wamid, status, at, errors));
  }

  private static String errors(final int code) {
    final String title =
        switch (code) {
          case 131026 -> "Message undeliverable";
          case 131050 -> "Unable to deliver the message";
          default -> "Message failed to send because more than one message";
        };
    return """
        ,"errors":[{"code":%d,"title":"%s","message":"%s",
        "error_data":{"details":"details of %d"},"href":"https://developers.facebook.com/"}]"""
        .formatted(code, title, title, code);
  }

  private void post(final String body) throws Exception {
    final HttpResponse<String> response =
        coexist.post("/webhooks/whatsapp", body.getBytes(StandardCharsets.UTF_8));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
  }

  private void postFixture(final String route, final String fixture) throws Exception {
    try (InputStream in = RecordsApiIT.class.getResourceAsStream("/fixtures/" + fixture)) {
      final HttpResponse<String> response = coexist.post(route, in.readAllBytes());
      assertThat(response.statusCode()).as(fixture).isEqualTo(200);
    }
  }

  private void awaitApplied() throws Exception {
    final Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
    while (Instant.now().isBefore(deadline)) {
      if (get("/api/v1/journal", "state=pending").get("entries").isEmpty()) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("the processor did not apply the journal within 20 s");
  }

  // ---- reading

  private JsonNode get(final String path, final String query) throws Exception {
    final HttpResponse<String> response =
        coexist.get(path + (query.isEmpty() ? "" : "?" + query), "Authorization", AUTH);
    assertThat(response.statusCode()).as(path + " " + response.body()).isEqualTo(200);
    assertThat(contract.violations(template(path), "get", 200, response.body()))
        .as("contract of %s", path)
        .isEmpty();
    return JSON.readTree(response.body());
  }

  private HttpResponse<String> refused(final String pathAndQuery) throws Exception {
    final HttpResponse<String> response = coexist.get(pathAndQuery, "Authorization", AUTH);
    final String path = pathAndQuery.replaceFirst("\\?.*$", "");
    assertThat(contract.violations(template(path), "get", response.statusCode(), response.body()))
        .as("contract of %s %d", pathAndQuery, response.statusCode())
        .isEmpty();
    return response;
  }

  private static String template(final String path) {
    return path.replaceFirst(
            "^/api/v1/numbers/[^/]+/threads/[^/]+/messages$",
            "/api/v1/numbers/{phone_number_id}/threads/{thread_id}/messages")
        .replaceFirst(
            "^/api/v1/numbers/[^/]+/threads$", "/api/v1/numbers/{phone_number_id}/threads")
        .replaceFirst("^/api/v1/numbers/[^/]+/events$", "/api/v1/numbers/{phone_number_id}/events")
        .replaceFirst("^/api/v1/numbers/[^/]+$", "/api/v1/numbers/{phone_number_id}")
        .replaceFirst("^/api/v1/messages/[^/]+$", "/api/v1/messages/{wamid}");
  }

  private static List<String> texts(final JsonNode array) {
    final List<String> texts = new ArrayList<>();
    array.forEach(item -> texts.add(item.asText()));
    return texts;
  }

  private static List<String> texts(final JsonNode array, final String field) {
    final List<String> texts = new ArrayList<>();
    array.forEach(item -> texts.add(item.get(field).asText()));
    return texts;
  }

  private static List<String> wamids(final JsonNode array) {
    return texts(array, "wamid");
  }

  private static List<String> statuses(final JsonNode message) {
    return texts(message.get("statuses"), "status");
  }
}
