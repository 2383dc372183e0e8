package dev.coexist.changes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.coexist.api.OpenApiContract;
import dev.coexist.config.ConfigKey;
import dev.coexist.testing.RunningApp;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /api/v1/subscriptions} on Coexist as {@code coexist serve} runs it: the life of a
 * subscription over real HTTP, every refusal with its reason, and a delivery that reaches a real
 * receiver.
 */
class SubscriptionsApiIT {
  private static final String KEY = "subscriptions-key";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dataDir;

  private static HttpResponse<String> send(
      final RunningApp app, final String method, final String path, final String body)
      throws Exception {
    return app.client()
        .send(
            HttpRequest.newBuilder(app.uri(path))
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + KEY)
                .header("Content-Type", "application/json")
                .method(
                    method,
                    body == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(final HttpResponse<String> response) throws Exception {
    return JSON.readTree(response.body());
  }

  @Test
  void aSubscriptionIsCreatedShownChangedAndDeletedAndItsEventsReachTheReceiver() throws Exception {
    try (TestReceiver receiver = new TestReceiver();
        RunningApp app =
            RunningApp.start(
                dataDir, Map.of(ConfigKey.API_KEY, KEY, ConfigKey.ALLOW_PRIVATE_TARGETS, "true"))) {
      final HttpResponse<String> created =
          send(
              app,
              "POST",
              "/api/v1/subscriptions",
              """
              {"url":"%s","types":["message"],"numbers":["106540352242922"],
               "description":"CRM"}"""
                  .formatted(receiver.url()));
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
      final OpenApiContract contract = OpenApiContract.fromClasspath();
      assertThat(contract.violations("/api/v1/subscriptions", "post", 201, created.body()))
          .isEmpty();
      final JsonNode subscription = json(created);
      final String id = subscription.path("id").asText();
      assertThat(id).startsWith("sub_");
      assertThat(created.headers().firstValue("Location")).contains("/api/v1/subscriptions/" + id);
      assertThat(subscription.path("secret").asText()).startsWith("whsec_");
      assertThat(subscription.path("types").toString())
          .isEqualTo("[\"message.created\",\"message.updated\"]");
      assertThat(subscription.path("state").asText()).isEqualTo("active");
      assertThat(subscription.path("history_messages").isBoolean()).isTrue();
      assertThat(subscription.path("history_messages").asBoolean()).isFalse();

      // a live message reaches the receiver, signed with the secret shown at creation
      final byte[] delivery =
          """
          {"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[
          {"field":"messages","value":{"messaging_product":"whatsapp",
          "metadata":{"display_phone_number":"15550001111","phone_number_id":"106540352242922"},
          "contacts":[{"profile":{"name":"Pablo"},"wa_id":"16505551234"}],
          "messages":[{"from":"16505551234","id":"wamid.api.1","timestamp":"1740000000",
          "type":"text","text":{"body":"hello"}}]}}]}]}"""
              .getBytes(StandardCharsets.UTF_8);
      assertThat(app.post("/webhooks/whatsapp", delivery).statusCode()).isEqualTo(200);
      final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (receiver.received().isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(receiver.received()).hasSize(1);
      assertThat(
              TestReceiver.signedWith(
                  receiver.received().get(0), subscription.path("secret").asText()))
          .isTrue();

      // listed without its secret; shown with counters and the attempt
      final HttpResponse<String> list = send(app, "GET", "/api/v1/subscriptions", null);
      assertThat(contract.violations("/api/v1/subscriptions", "get", 200, list.body())).isEmpty();
      final JsonNode listed = json(list);
      assertThat(listed.path("subscriptions")).hasSize(1);
      assertThat(listed.path("subscriptions").get(0).has("secret")).isFalse();
      JsonNode shown = json(send(app, "GET", "/api/v1/subscriptions/" + id, null));
      for (int tries = 0; shown.path("delivered").asInt() == 0 && tries < 100; tries++) {
        Thread.sleep(20);
        shown = json(send(app, "GET", "/api/v1/subscriptions/" + id, null));
      }
      assertThat(shown.path("delivered").asInt()).isEqualTo(1);
      assertThat(shown.path("recent_attempts").get(0).path("last_status").asInt()).isEqualTo(200);
      assertThat(
              contract.violations(
                  "/api/v1/subscriptions/{id}",
                  "get",
                  200,
                  send(app, "GET", "/api/v1/subscriptions/" + id, null).body()))
          .isEmpty();

      // pause, rotate: the new secret is shown once
      final JsonNode paused =
          json(send(app, "PATCH", "/api/v1/subscriptions/" + id, "{\"state\":\"paused\"}"));
      assertThat(paused.path("state").asText()).isEqualTo("paused");
      assertThat(paused.has("secret")).isFalse();
      final JsonNode rotated =
          json(send(app, "PATCH", "/api/v1/subscriptions/" + id, "{\"rotate_secret\":true}"));
      assertThat(rotated.path("secret").asText())
          .startsWith("whsec_")
          .isNotEqualTo(subscription.path("secret").asText());
      // the per-message events of history chunks, asked for and shown
      final HttpResponse<String> historyMessages =
          send(app, "PATCH", "/api/v1/subscriptions/" + id, "{\"history_messages\":true}");
      assertThat(
              contract.violations(
                  "/api/v1/subscriptions/{id}", "patch", 200, historyMessages.body()))
          .isEmpty();
      assertThat(json(historyMessages).path("history_messages").asBoolean()).isTrue();
      assertThat(
              json(send(app, "GET", "/api/v1/subscriptions/" + id, null))
                  .path("history_messages")
                  .asBoolean())
          .isTrue();
      assertThat(json(historyMessages).path("state").asText()).isEqualTo("paused");

      final String deadLetters =
          send(app, "GET", "/api/v1/subscriptions/" + id + "/dead-letters", null).body();
      assertThat(deadLetters).contains("\"dead_letters\":[]");
      assertThat(
              contract.violations(
                  "/api/v1/subscriptions/{id}/dead-letters", "get", 200, deadLetters))
          .isEmpty();
      assertThat(send(app, "DELETE", "/api/v1/subscriptions/" + id, null).statusCode())
          .isEqualTo(204);
      assertThat(send(app, "GET", "/api/v1/subscriptions/" + id, null).statusCode()).isEqualTo(404);
    }
  }

  @Test
  void everyRefusalSaysWhy() throws Exception {
    try (RunningApp app = RunningApp.start(dataDir, Map.of(ConfigKey.API_KEY, KEY))) {
      final Map<String, String> refused =
          Map.of(
              "{\"url\":\"ftp://203.0.113.10/hook\"}", "http or https",
              "{\"types\":[\"message.created\"]}", "url is required",
              "{\"url\":\"http://127.0.0.1:9/hook\"}", "--allow-private-targets",
              "{\"url\":\"http://10.1.2.3/hook\"}", "private address",
              "{\"url\":\"https://203.0.113.10/hook\",\"types\":[\"gossip\"]}",
                  "unknown change type 'gossip'",
              "{\"url\":\"https://203.0.113.10/hook\",\"secret\":\"plain\"}", "whsec_",
              "{\"url\":\"https://203.0.113.10/hook\",\"numbers\":[\"+1 555\"]}", "digits",
              "[1,2]", "JSON object",
              "{\"url\":\"https://203.0.113.10/hook\",\"history_messages\":\"yes\"}",
                  "true or false",
              "{nope", "not JSON");
      for (final Map.Entry<String, String> body : refused.entrySet()) {
        final HttpResponse<String> answer =
            send(app, "POST", "/api/v1/subscriptions", body.getKey());
        assertThat(answer.statusCode()).as(body.getKey()).isEqualTo(400);
        assertThat(json(answer).path("reason").asText())
            .as(body.getKey())
            .contains(body.getValue());
      }
      assertThat(send(app, "PATCH", "/api/v1/subscriptions/sub_none", "{}").statusCode())
          .isEqualTo(404);
      assertThat(send(app, "DELETE", "/api/v1/subscriptions/sub_none", null).statusCode())
          .isEqualTo(404);
      final HttpResponse<String> unauthorized =
          app.client()
              .send(
                  HttpRequest.newBuilder(app.uri("/api/v1/subscriptions")).GET().build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(unauthorized.statusCode()).isEqualTo(401);
      assertThat(unauthorized.headers().firstValue("WWW-Authenticate")).contains("Bearer");
      // the same guard as the read API's: a parameter a route does not take is named in a 400
      final HttpResponse<String> misspelt = send(app, "GET", "/api/v1/subscriptions?stat=x", null);
      assertThat(misspelt.statusCode()).isEqualTo(400);
      assertThat(json(misspelt).path("reason").asText()).contains("stat");
    }
  }
}
