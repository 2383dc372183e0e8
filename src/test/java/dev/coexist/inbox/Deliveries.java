package dev.coexist.inbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coexist.testing.RunningApp;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Webhook deliveries for the browser tests, posted to the real webhook endpoints: the payload
 * fixtures as they are, or a fixture with a few fields changed (another number, a new wamid, other
 * text) when a test needs data the fixtures do not have.
 */
final class Deliveries {
  static final String NUMBER = "106540352242922";
  static final String DISPLAY = "15550001111";
  static final String PABLO = "16505551234";
  static final String ANA = "16505555678";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final RunningApp app;
  private final String apiKey;

  Deliveries(final RunningApp app, final String apiKey) {
    this.app = app;
    this.apiKey = apiKey;
  }

  static ObjectNode fixture(final String path) {
    try (InputStream in = Deliveries.class.getResourceAsStream("/fixtures/" + path)) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture " + path);
      }
      return (ObjectNode) JSON.readTree(in);
    } catch (IOException unreadable) {
      throw new UncheckedIOException(unreadable);
    }
  }

  /** Posts a fixture unchanged, to the route its envelope belongs to. */
  void post(final String fixture) {
    post(fixture(fixture));
  }

  /** Posts a fixture after {@code change} edited it. */
  void post(final String fixture, final Consumer<ObjectNode> change) {
    final ObjectNode body = fixture(fixture);
    change.accept(body);
    post(body);
  }

  void post(final ObjectNode body) {
    final String route = body.has("event") ? "/webhooks/360dialog" : "/webhooks/whatsapp";
    final HttpResponse<String> answer;
    try {
      answer = app.post(route, JSON.writeValueAsBytes(body), "Content-Type", "application/json");
    } catch (IOException failed) {
      throw new UncheckedIOException(failed);
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(interrupted);
    }
    assertThat(answer.statusCode()).as("webhook answer: %s", answer.body()).isEqualTo(200);
  }

  /** The value object of a Meta envelope's first change, or a 360dialog envelope's data. */
  static ObjectNode value(final ObjectNode body) {
    if (body.has("data")) {
      return (ObjectNode) body.get("data");
    }
    return (ObjectNode) body.at("/entry/0/changes/0/value");
  }

  /** The same delivery for another business number (and, for 360dialog, a new event id). */
  static Consumer<ObjectNode> forNumber(final String phoneNumberId, final String display) {
    return body -> {
      final ObjectNode metadata = (ObjectNode) value(body).get("metadata");
      metadata.put("phone_number_id", phoneNumberId);
      metadata.put("display_phone_number", display);
      if (body.has("event")) {
        body.put("id", UUID.randomUUID().toString());
      }
    };
  }

  /** meta/messages-text.json from another sender with other text: an inbound live text message. */
  static Consumer<ObjectNode> inboundText(
      final String from, final String name, final String wamid, final String text) {
    return body -> {
      final ObjectNode value = value(body);
      final ObjectNode contact = (ObjectNode) value.at("/contacts/0");
      contact.put("wa_id", from);
      ((ObjectNode) contact.get("profile")).put("name", name);
      final ObjectNode message = (ObjectNode) value.at("/messages/0");
      message.put("from", from);
      message.put("id", wamid);
      message.put("timestamp", Long.toString(System.currentTimeMillis() / 1000));
      message.remove("context");
      ((ObjectNode) message.get("text")).put("body", text);
    };
  }

  /** meta/echo-text.json to another customer with another wamid and text. */
  static Consumer<ObjectNode> echo(
      final String to, final String wamid, final String text, final long timestamp) {
    return body -> {
      final ObjectNode value = value(body);
      final ObjectNode contact = (ObjectNode) value.at("/contacts/0");
      contact.put("wa_id", to);
      contact.remove("user_id");
      contact.remove("profile");
      final ObjectNode echo = (ObjectNode) value.at("/message_echoes/0");
      echo.put("to", to);
      echo.remove("to_user_id");
      echo.put("id", wamid);
      echo.put("timestamp", Long.toString(timestamp));
      ((ObjectNode) echo.get("text")).put("body", text);
    };
  }

  /** Keeps only the first item of the array at {@code pointer} of the value. */
  static Consumer<ObjectNode> firstOnly(final String pointer) {
    return body -> {
      final ArrayNode items = (ArrayNode) value(body).at(pointer);
      while (items.size() > 1) {
        items.remove(items.size() - 1);
      }
    };
  }

  /** One delivery with {@code count} inbound texts, each from its own customer. */
  static Consumer<ObjectNode> manyCustomers(final int count, final String prefix) {
    return body -> {
      final ObjectNode value = value(body);
      final ArrayNode contacts = value.putArray("contacts");
      final ArrayNode messages = value.putArray("messages");
      final long now = System.currentTimeMillis() / 1000;
      for (int n = 0; n < count; n++) {
        final String from = "1650600" + String.format("%04d", n);
        final ObjectNode contact = contacts.addObject();
        contact.put("wa_id", from);
        contact.putObject("profile").put("name", prefix + " " + (n + 1));
        final ObjectNode message = messages.addObject();
        message.put("from", from);
        message.put("id", "wamid.paging." + prefix + "." + n);
        message.put("timestamp", Long.toString(now - count + n));
        message.put("type", "text");
        message.putObject("text").put("body", "Hello from " + prefix + " " + (n + 1));
      }
    };
  }

  /** GET on the read API with the key, as parsed JSON. */
  JsonNode api(final String path) {
    try {
      final HttpResponse<String> answer = app.get(path, "Authorization", "Bearer " + apiKey);
      assertThat(answer.statusCode()).as("GET %s: %s", path, answer.body()).isEqualTo(200);
      return JSON.readTree(answer.body());
    } catch (IOException failed) {
      throw new UncheckedIOException(failed);
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(interrupted);
    }
  }

  /** Waits until the processor has applied (or failed) every journalled delivery. */
  void awaitProcessed() {
    final long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      if (api("/api/v1/journal?state=pending").get("entries").isEmpty()) {
        return;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(interrupted);
      }
    }
    throw new AssertionError("deliveries still pending after 30 s");
  }

  static String text(final JsonNode node) {
    return node == null || node.isNull() ? null : node.asText();
  }

  static byte[] bytes(final String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
