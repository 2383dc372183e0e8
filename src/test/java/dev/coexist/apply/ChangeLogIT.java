package dev.coexist.apply;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coexist.api.ApiGuard;
import dev.coexist.api.ApiKeys;
import dev.coexist.api.ReadApi;
import dev.coexist.db.Engine;
import dev.coexist.store.StoreQueries;
import io.helidon.webserver.WebServer;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every apply transaction writes its changes to the change log in the same transaction: one row per
 * change, in commit order, with the number and thread it belongs to; an event that fails writes
 * none, and a delivery that fails writes {@code delivery.failed}. Each change's data is its
 * resource as the read API answers for it at that moment, over real HTTP.
 */
class ChangeLogIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String KEY = "change-log-key";
  private static final String NUMBER = StoreHarness.NUMBER;
  private static final String ECHO = "wamid.HBgLMTY1MDU1NTEyMzQVAgARGBJOMDFOMk8zUDRRNVI2UzcwAA==";
  private static final String TEXT = "wamid.HBgLMTY1MDU1NTEyMzQVAgASGBJQMDFQMlEzUjRTNVQ2VTcwAA==";

  @TempDir Path folder;

  private final HttpClient client =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private WebServer server;
  private long seen;

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop();
    }
    client.close();
  }

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
              // the failed status of a message sent through the Cloud API: its record, its status
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
        assertThat(data.path("origin").asText()).isIn("live", "echo", "api");
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

  @ParameterizedTest
  @EnumSource(Engine.class)
  void eachChangesDataIsItsResourceAsTheApiShowsItAtThatMoment(final Engine engine)
      throws Exception {
    try (StoreHarness store = StoreHarness.open(engine, folder)) {
      serveReadApi(store);

      store.apply("meta/history-phase0-chunk1.json");
      Written written = written(store);
      final JsonNode chunk = written.only("history.updated");
      assertThat(chunk.path("journal_id").isIntegralNumber()).isTrue();
      assertThat(chunk.path("phase").asInt()).isZero();
      assertThat(chunk.path("messages").asInt()).isEqualTo(2);
      assertThat(chunk.path("history")).isEqualTo(get("/api/v1/numbers/" + NUMBER).path("history"));
      assertThat(chunk.path("history").path("state").asText()).isEqualTo("in_progress");
      assertThreadsAsListed(written);

      // an echo (lean: no media, reply or errors), then a reply to it (the full insert)
      store.apply("meta/echo-text.json");
      written = written(store);
      assertMessageAsShown(written.only("message.created"), "echo");
      assertThreadsAsListed(written);
      store.apply("meta/messages-text.json");
      written = written(store);
      final JsonNode text = written.only("message.created");
      assertMessageAsShown(text, "live");
      assertThat(text.path("reply_to").asText()).isEqualTo(ECHO);
      assertThreadsAsListed(written);

      // statuses of the echo, one with errors, one with pricing; then both again (kept once)
      final String statuses =
          """
          {"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[
          {"field":"messages","value":{"messaging_product":"whatsapp",
          "metadata":{"display_phone_number":"15550001111","phone_number_id":"%s"},
          "statuses":[{"id":"%s","status":"delivered","timestamp":"1740000130",
          "recipient_id":"16505551234","pricing":{"billable":true,"category":"utility"}},
          {"id":"%s","status":"failed","timestamp":"1740000140","recipient_id":"16505551234",
          "errors":[{"code":131050,"title":"Unable to deliver the message."}]}]}}]}]}"""
              .formatted(NUMBER, ECHO, ECHO);
      store.applyJson(statuses);
      final List<JsonNode> reported = written(store).all("status.created");
      assertThat(reported).hasSize(2);
      for (final JsonNode status : reported) {
        assertStatusAsShown(status);
      }
      assertThat(reported.get(0).path("pricing").path("category").asText()).isEqualTo("utility");
      assertThat(reported.get(1).path("errors").get(0).path("code").asInt()).isEqualTo(131050);
      store.applyJson(statuses + " ");
      final List<JsonNode> repeated = written(store).all("status.created");
      assertThat(repeated).isEqualTo(reported);

      // an edit of the text, a reaction to the echo: each the message as it then is
      store.apply("meta/messages-edit.json");
      written = written(store);
      final JsonNode edit = written.only("message.updated");
      assertThat(edit.path("change").asText()).isEqualTo("edit");
      assertThat(edit.path("by_wamid").asText()).isNotEqualTo(TEXT);
      assertThat(edit.path("edited").path("count").asInt()).isEqualTo(1);
      assertMessageAsShown(without(edit, "change", "by_wamid"), null);
      assertThreadsAsListed(written);
      store.applyJson(
          """
          {"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[
          {"field":"messages","value":{"messaging_product":"whatsapp",
          "metadata":{"display_phone_number":"15550001111","phone_number_id":"%s"},
          "contacts":[{"profile":{"name":"Pablo Morales"},"wa_id":"16505551234"}],
          "messages":[{"from":"16505551234","id":"wamid.REACTION.1","timestamp":"1740000900",
          "type":"reaction","reaction":{"message_id":"%s","emoji":"\uD83D\uDC4D"}}]}}]}]}"""
              .formatted(NUMBER, ECHO));
      written = written(store);
      final JsonNode reaction = written.only("message.updated");
      assertThat(reaction.path("change").asText()).isEqualTo("reaction");
      assertThat(reaction.path("by_wamid").asText()).isEqualTo("wamid.REACTION.1");
      assertThat(reaction.path("reactions")).hasSize(1);
      assertMessageAsShown(without(reaction, "change", "by_wamid"), null);
      assertThreadsAsListed(written);

      // a status before its message makes its record (origin api), which the message merges
      // into when it arrives: the same wamid, thread and statuses (read back)
      store.applyJson(
          """
          {"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[
          {"field":"messages","value":{"messaging_product":"whatsapp",
          "metadata":{"display_phone_number":"15550001111","phone_number_id":"%s"},
          "statuses":[{"id":"wamid.EARLY.ECHO","status":"read","timestamp":"1740001010",
          "recipient_id":"16505551234"}]}}]}]}"""
              .formatted(NUMBER));
      written = written(store);
      assertThat(written.types)
          .filteredOn(type -> !type.equals("thread.updated"))
          .containsExactly("message.created", "status.created");
      final JsonNode record = written.only("message.created");
      assertThat(record.path("origin").asText()).isEqualTo("api");
      assertThat(record.path("origins")).containsExactly(JSON.getNodeFactory().textNode("api"));
      assertThat(record.path("type").isNull()).isTrue();
      assertThat(record.path("statuses")).hasSize(1);
      assertMessageAsShown(record, "api");
      final JsonNode early = written.only("status.created");
      assertThat(early.path("thread_id")).isEqualTo(record.path("thread_id"));
      assertThat(early.path("status").asText()).isEqualTo("read");
      assertThreadsAsListed(written);
      store.applyJson(
          """
          {"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[
          {"field":"smb_message_echoes","value":{"messaging_product":"whatsapp",
          "metadata":{"display_phone_number":"15550001111","phone_number_id":"%s"},
          "message_echoes":[{"from":"15550001111","to":"16505551234","id":"wamid.EARLY.ECHO",
          "timestamp":"1740001000","type":"text","text":{"body":"Seen before it came"}}]}}]}]}"""
              .formatted(NUMBER));
      // one message.created per wamid: the arrival is the record's message.updated (merged)
      written = written(store);
      assertThat(written.types).doesNotContain("message.created");
      final JsonNode attached = written.only("message.updated");
      assertThat(attached.path("change").asText()).isEqualTo("merged");
      assertThat(attached.path("origins")).containsExactly(JSON.getNodeFactory().textNode("echo"));
      assertThat(attached.path("status").asText()).isEqualTo("read");
      assertThat(attached.path("statuses")).hasSize(1);
      assertMessageAsShown(without(attached, "change"), null);
      assertThreadsAsListed(written);

      // the same message again (another delivery of it): merged into its row and read back
      store.applyJson(
          new String(StoreHarness.fixture("meta/messages-text.json"), StandardCharsets.UTF_8)
              + " ");
      written = written(store);
      assertThat(written.types).doesNotContain("message.created");
      final JsonNode again = written.only("message.updated");
      assertThat(again.path("change").asText()).isEqualTo("merged");
      assertThat(again.path("edited").path("count").asInt()).isEqualTo(1);
      assertMessageAsShown(without(again, "change"), null);
      assertThreadsAsListed(written);

      // media that followed history, each message first seen here: built as written
      store.apply("360dialog/history-media-followup.json");
      written = written(store);
      final List<JsonNode> media = written.all("message.updated");
      assertThat(media).hasSize(2);
      for (final JsonNode followed : media) {
        assertThat(followed.path("change").asText()).isEqualTo("media");
        assertThat(followed.path("media").path("id").isTextual()).isTrue();
        assertMessageAsShown(without(followed, "change"), null);
      }
      assertThreadsAsListed(written);

      store.apply("meta/state-sync-add.json");
      final JsonNode contact = written(store).only("contact.updated");
      assertThat(contact.path("action").asText()).isEqualTo("add");
      assertThat(contact.path("full_name").asText()).isEqualTo("Pablo Morales Jr.");
      final JsonNode listed =
          find(
              get("/api/v1/numbers/" + NUMBER + "/contacts").path("contacts"),
              "phone",
              "16505551234");
      assertThat(without(contact, "phone_number_id", "thread_id", "action")).isEqualTo(listed);

      // an account update names its number by the display digits only: found by them
      store.apply("meta/account-update-partner-removed.json");
      final JsonNode number = written(store).only("number.updated");
      assertThat(number.path("phone_number_id").asText()).isEqualTo(NUMBER);
      assertThat(number.path("event").asText()).isEqualTo("PARTNER_REMOVED");
      assertThat(number.path("account").path("reason").asText()).isEqualTo("PRIMARY_INACTIVITY");
      assertThat(without(number, "event", "phone_number", "disconnection_reason", "initiated_by"))
          .isEqualTo(get("/api/v1/numbers/" + NUMBER));

      store.apply("360dialog/history-declined.json");
      final JsonNode declined = written(store).only("history.updated");
      assertThat(declined.path("declined").asBoolean()).isTrue();
      assertThat(declined.path("history").path("state").asText()).isEqualTo("declined");
      assertThat(declined.path("history"))
          .isEqualTo(get("/api/v1/numbers/" + NUMBER).path("history"));
    }
  }

  /** The changes one step wrote, by type, each its data. */
  private record Written(List<String> types, List<JsonNode> data) {
    List<JsonNode> all(final String type) {
      final List<JsonNode> found = new ArrayList<>();
      for (int index = 0; index < types.size(); index++) {
        if (types.get(index).equals(type)) {
          found.add(data.get(index));
        }
      }
      return found;
    }

    JsonNode only(final String type) {
      final List<JsonNode> found = all(type);
      assertThat(found).as(type + " among " + types).hasSize(1);
      return found.get(0);
    }
  }

  /** The changes written since the last look, in order. */
  private Written written(final StoreHarness store) throws Exception {
    final List<String> types = new ArrayList<>();
    final List<JsonNode> data = new ArrayList<>();
    for (final List<Object> row :
        store.rows("SELECT seq, type, data FROM changes WHERE seq > ? ORDER BY seq", seen)) {
      seen = Long.parseLong((String) row.get(0));
      types.add((String) row.get(1));
      data.add(JSON.readTree((String) row.get(2)));
    }
    return new Written(types, data);
  }

  /** Starts the read API, as App registers it, over the harness's store. */
  private void serveReadApi(final StoreHarness store) {
    final ReadApi api =
        new ReadApi(
            StoreQueries.of(
                store.database, Clock.systemUTC(), ProcessorSettings.HISTORY_STALL_AFTER),
            new ApiGuard(new ApiKeys(List.of(KEY))));
    server = WebServer.builder().host("127.0.0.1").port(0).routing(api::register).build().start();
  }

  private JsonNode get(final String path) throws Exception {
    final HttpResponse<String> response =
        client.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .header("Authorization", "Bearer " + KEY)
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(path + " " + response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  /**
   * A message change's data: the message as GET /api/v1/messages/{wamid} answers, and its origin.
   */
  private void assertMessageAsShown(final JsonNode data, final String origin) throws Exception {
    if (origin != null) {
      assertThat(data.path("origin").asText()).isEqualTo(origin);
    }
    final JsonNode shown = get("/api/v1/messages/" + encode(data.path("wamid").asText()));
    assertThat(without(data, "origin")).isEqualTo(shown);
    assertThat(data.path("thread_id")).isEqualTo(shown.path("thread_id"));
  }

  /** A status change's data: one of its message's statuses as the API shows them, placed. */
  private void assertStatusAsShown(final JsonNode data) throws Exception {
    final JsonNode message = get("/api/v1/messages/" + encode(data.path("wamid").asText()));
    assertThat(data.path("thread_id")).isEqualTo(message.path("thread_id"));
    assertThat(message.path("statuses"))
        .contains(without(data, "phone_number_id", "thread_id", "wamid"));
  }

  /** Every thread.updated a step wrote: its thread as the thread list shows it. */
  private void assertThreadsAsListed(final Written written) throws Exception {
    final List<JsonNode> updated = written.all("thread.updated");
    assertThat(updated).isNotEmpty();
    final JsonNode threads =
        get("/api/v1/numbers/" + NUMBER + "/threads?limit=500").path("threads");
    for (final JsonNode thread : updated) {
      assertThat(thread.path("thread_id")).isEqualTo(thread.path("id"));
      assertThat(without(thread, "thread_id"))
          .isEqualTo(find(threads, "id", thread.path("id").asText()));
    }
  }

  private static JsonNode find(final JsonNode list, final String field, final String value) {
    for (final JsonNode item : list) {
      if (item.path(field).asText().equals(value)) {
        return item;
      }
    }
    throw new AssertionError("no " + field + " " + value + " in " + list);
  }

  private static JsonNode without(final JsonNode data, final String... fields) {
    final ObjectNode copy = data.deepCopy();
    copy.remove(List.of(fields));
    return copy;
  }

  private static String encode(final String wamid) {
    return URLEncoder.encode(wamid, StandardCharsets.UTF_8);
  }
}
