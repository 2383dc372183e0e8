package dev.coexist.changes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coexist.config.ConfigKey;
import dev.coexist.testing.RunningApp;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A live feed subscriber that stops reading (its receive window full: frozen, or gone without a
 * FIN) over real HTTP on Coexist started as {@code coexist serve} starts it, with deliveries posted
 * to the webhook route and applied by the processor. Its connection must be closed within {@code
 * --write-timeout} of its write blocking, and another subscriber must meanwhile get every event.
 */
class StalledSubscriberIT {
  private static final String KEY = "stalled-feed-key";
  private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(1);

  /**
   * Enough events that the stalled stream's bytes fill its tiny receive window and the server's
   * send buffer (Linux grows it to 4 MB on loopback), and overflow its queue of 4,096 events:
   * 10,000 messages whose wamids are long, so that each event is about 600 bytes.
   */
  private static final int DELIVERIES = 100;

  private static final String LONG_WAMID_TAIL = ".padding" + "x".repeat(500);

  private static final int MESSAGES_PER_DELIVERY = 100;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern WAMID = Pattern.compile("\"wamid\":\"([^\"]+)\"");

  @TempDir Path dataDir;

  @Test
  void aSubscriberThatStopsReadingIsClosedWithinTheWriteTimeoutWhileAnotherGetsEveryEvent()
      throws Exception {
    try (RunningApp app =
        RunningApp.start(
            dataDir,
            Map.of(
                ConfigKey.API_KEY,
                KEY,
                ConfigKey.WRITE_TIMEOUT,
                WRITE_TIMEOUT.toMillis() + "ms"))) {
      final Set<String> seen = ConcurrentHashMap.newKeySet();
      final HttpResponse<InputStream> reader =
          app.client()
              .send(
                  HttpRequest.newBuilder(app.uri(FeedEndpoint.PATH))
                      .header("Authorization", "Bearer " + KEY)
                      .GET()
                      .build(),
                  HttpResponse.BodyHandlers.ofInputStream());
      assertThat(reader.statusCode()).isEqualTo(200);
      final Thread reading = Thread.ofVirtual().start(() -> collectWamids(reader.body(), seen));
      openConnections(app); // the client's connection for requests is open from here on
      final long before = openConnections(app);

      try (Socket stalled = new Socket()) {
        // set before connecting, so that the window the client announces stays this small
        stalled.setReceiveBufferSize(1024);
        stalled.connect(new InetSocketAddress("127.0.0.1", app.app().port()), 5_000);
        final OutputStream out = stalled.getOutputStream();
        out.write(
            ("GET "
                    + FeedEndpoint.PATH
                    + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                    + KEY
                    + "\r\nAccept: text/event-stream\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        awaitOpenConnections(app, before + 1, Duration.ofSeconds(5));

        final Set<String> posted = new HashSet<>();
        for (int delivery = 0; delivery < DELIVERIES; delivery++) {
          final ObjectNode body = delivery(delivery, posted);
          final HttpResponse<String> answer =
              app.post(
                  "/webhooks/whatsapp",
                  JSON.writeValueAsBytes(body),
                  "Content-Type",
                  "application/json");
          assertThat(answer.statusCode())
              .as("delivery %d: %s", delivery, answer.body())
              .isEqualTo(200);
        }

        // the reading subscriber gets every message: the stalled one holds nothing back
        final long allSeenBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!seen.containsAll(posted) && System.nanoTime() < allSeenBy) {
          Thread.sleep(50);
        }
        assertThat(seen).containsAll(posted);

        // every event is out by now, so the stalled stream's write has been blocked since then at
        // the latest: its connection goes within the write timeout, plus the sweep and some slack
        // for a busy machine
        awaitOpenConnections(app, before, WRITE_TIMEOUT.plusSeconds(5));
        assertThat(gauge(app, "coexist_feed_subscribers")).isEqualTo(1);

        // the client sees the end of the stream (after the bytes already sent) or a reset
        stalled.setSoTimeout(10_000);
        assertThat(readsToTheEnd(stalled.getInputStream())).isTrue();
      }
      assertThat(reading.isAlive()).isTrue();
      reader.body().close();
    }
  }

  /** One Meta delivery of {@value #MESSAGES_PER_DELIVERY} inbound texts, their wamids noted. */
  private static ObjectNode delivery(final int delivery, final Set<String> wamids) {
    final ObjectNode body = JSON.createObjectNode();
    body.put("object", "whatsapp_business_account");
    final ObjectNode entry = body.putArray("entry").addObject();
    entry.put("id", "102290129340398");
    final ObjectNode change = entry.putArray("changes").addObject();
    change.put("field", "messages");
    final ObjectNode value = change.putObject("value");
    value.put("messaging_product", "whatsapp");
    value
        .putObject("metadata")
        .put("display_phone_number", "15550001111")
        .put("phone_number_id", "106540352242922");
    final ArrayNode contacts = value.putArray("contacts");
    final ArrayNode messages = value.putArray("messages");
    final long now = System.currentTimeMillis() / 1000;
    for (int n = 0; n < MESSAGES_PER_DELIVERY; n++) {
      final String from = "1650700" + String.format("%04d", n);
      final String wamid = "wamid.stalled." + delivery + "." + n + LONG_WAMID_TAIL;
      wamids.add(wamid);
      final ObjectNode contact = contacts.addObject();
      contact.put("wa_id", from);
      contact.putObject("profile").put("name", "Customer " + n);
      final ObjectNode message = messages.addObject();
      message.put("from", from);
      message.put("id", wamid);
      message.put("timestamp", Long.toString(now));
      message.put("type", "text");
      message.putObject("text").put("body", "Message " + delivery + "." + n);
    }
    return body;
  }

  private static void collectWamids(final InputStream stream, final Set<String> seen) {
    try (BufferedReader lines =
        new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        if (line.startsWith("data: ")) {
          final Matcher wamid = WAMID.matcher(line);
          if (wamid.find()) {
            seen.add(wamid.group(1));
          }
        }
      }
    } catch (IOException closed) {
      // the test closed the stream
    }
  }

  /** True when the stream ends or is reset; false when it stays open past the socket timeout. */
  private static boolean readsToTheEnd(final InputStream in) throws IOException {
    final byte[] buffer = new byte[64 * 1024];
    try {
      while (in.read(buffer) >= 0) {
        // the bytes the server's kernel still held for us
      }
      return true;
    } catch (SocketTimeoutException stillOpen) {
      return false;
    } catch (SocketException reset) {
      return true;
    }
  }

  private static long openConnections(final RunningApp app) throws Exception {
    return gauge(app, "coexist_http_connections_open");
  }

  private static long gauge(final RunningApp app, final String name) throws Exception {
    final HttpResponse<String> metrics = app.get("/metrics");
    assertThat(metrics.statusCode()).isEqualTo(200);
    final Matcher value =
        Pattern.compile("(?m)^" + name + "(?:\\{[^}]*})? ([0-9.eE+]+)$").matcher(metrics.body());
    assertThat(value.find()).as("%s in /metrics", name).isTrue();
    return (long) Double.parseDouble(value.group(1));
  }

  private static void awaitOpenConnections(
      final RunningApp app, final long expected, final Duration within) throws Exception {
    final long deadline = System.nanoTime() + within.toNanos();
    long open = openConnections(app);
    while (open != expected && System.nanoTime() < deadline) {
      Thread.sleep(50);
      open = openConnections(app);
    }
    assertThat(open).as("open connections after %s", within).isEqualTo(expected);
  }
}
