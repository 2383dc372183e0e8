package dev.coexist.changes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.coexist.DataPath;
import dev.coexist.api.ApiKeys;
import dev.coexist.db.Engine;
import dev.coexist.testing.ChangeRows;
import dev.coexist.testing.Engines;
import io.helidon.webserver.WebServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The feed endpoint over real HTTP on the Helidon server, registered exactly as App registers it,
 * following a real change log (SQLite) through its tail. Changes are written to the log by the
 * test, as an apply transaction writes them, so that every timing and every id is known.
 */
class FeedIT {
  private static final String KEY = "feed-test-key";
  private static final String NUMBER = "106540352242922";

  @TempDir Path folder;

  private final HttpClient client =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private DataPath dataPath;
  private ChangeLog log;
  private ChangeFeed feed;
  private ChangeTail tail;
  private WebServer server;
  private final List<Socket> sockets = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    dataPath =
        DataPath.open(
            DataPath.Settings.forTool(Engines.url(Engine.SQLITE, folder)),
            new SimpleMeterRegistry(),
            change -> {});
    log = new ChangeLog(dataPath.storage().store());
    final FeedSettings settings =
        new FeedSettings(64, Duration.ofMillis(300), Duration.ofDays(7), Duration.ofSeconds(5));
    feed = new ChangeFeed(settings, new SimpleMeterRegistry());
    tail = new ChangeTail(feed, log, dataPath.storage().store(), settings, Clock.systemUTC());
    tail.start();
    final ApiKeys keys = new ApiKeys(List.of(KEY));
    server =
        WebServer.builder()
            .host("127.0.0.1")
            .port(0)
            // as App configures it: idle connections are swept after the read timeout
            .idleConnectionTimeout(Duration.ofSeconds(1))
            .idleConnectionPeriod(Duration.ofMillis(250))
            .routing(routing -> feed.register(routing, keys, log))
            .build()
            .start();
  }

  @AfterEach
  void stop() throws IOException {
    feed.close();
    for (final Socket socket : sockets) {
      socket.close();
    }
    server.stop();
    client.close();
    tail.close();
    dataPath.close();
  }

  /** Writes one change to the log as an apply transaction would, wakes the tail; its seq. */
  private long publish(final String type, final String dataJson) throws SQLException {
    final long seq = ChangeRows.write(dataPath.storage().store(), type, NUMBER, dataJson);
    tail.wake();
    return seq;
  }

  /** Reads an event stream line by line on a virtual thread, into a queue the test polls. */
  private final class Stream implements AutoCloseable {
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final HttpResponse<InputStream> response;

    Stream(final String... headers) throws Exception {
      this(uri(), headers);
    }

    Stream(final URI target, final String... headers) throws Exception {
      final HttpRequest.Builder request = HttpRequest.newBuilder(target).GET();
      if (headers.length > 0) {
        request.headers(headers);
      }
      response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
      Thread.ofVirtual()
          .start(
              () -> {
                try (BufferedReader reader =
                    new BufferedReader(
                        new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                  for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    lines.add(line);
                  }
                  lines.add("<end>");
                } catch (IOException closed) {
                  lines.add("<end>");
                }
              });
    }

    /** The next line that starts with {@code prefix}, skipping others; fails after 5 s. */
    String next(final String prefix) throws InterruptedException {
      final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (System.nanoTime() < deadline) {
        final String line = lines.poll(100, TimeUnit.MILLISECONDS);
        if (line != null && line.startsWith(prefix)) {
          return line;
        }
        if ("<end>".equals(line)) {
          return line;
        }
      }
      throw new AssertionError("no line starting with '" + prefix + "' within 5 s");
    }

    @Override
    public void close() throws IOException {
      response.body().close();
    }
  }

  private URI uri() {
    return URI.create("http://127.0.0.1:" + server.port() + FeedEndpoint.PATH);
  }

  private static String bearer() {
    return "Bearer " + KEY;
  }

  private void awaitPublished(final long seq) throws InterruptedException {
    final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (feed.newestId() < seq && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(feed.newestId()).isGreaterThanOrEqualTo(seq);
  }

  private void awaitSubscribers(final int count) throws InterruptedException {
    final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (feed.subscriberCount() != count && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(feed.subscriberCount()).isEqualTo(count);
  }

  @Test
  void refusesAClientWithoutAValidKeyWithTheJsonError() throws Exception {
    for (final String[] headers :
        List.of(new String[0], new String[] {"Authorization", "Bearer wrong"})) {
      final HttpRequest.Builder request = HttpRequest.newBuilder(uri()).GET();
      if (headers.length > 0) {
        request.headers(headers);
      }
      final HttpResponse<String> refused =
          client.send(request.build(), HttpResponse.BodyHandlers.ofString());
      assertThat(refused.statusCode()).isEqualTo(401);
      assertThat(refused.headers().firstValue("content-type")).contains("application/json");
      assertThat(refused.body()).contains("\"error\":\"unauthorized\"").contains("\"reason\":");
    }
    assertThat(feed.subscriberCount()).isZero();
  }

  @Test
  void streamsEachPublishedChangeAsItHappensWithIdsToResumeFrom() throws Exception {
    try (Stream stream = new Stream("Authorization", bearer())) {
      assertThat(stream.response.statusCode()).isEqualTo(200);
      assertThat(stream.response.headers().firstValue("content-type"))
          .hasValueSatisfying(type -> assertThat(type).startsWith("text/event-stream"));
      awaitSubscribers(1);

      final long id =
          publish(
              "message.created", "{\"phone_number_id\":\"" + NUMBER + "\",\"wamid\":\"wamid.X\"}");
      final long started = System.nanoTime();
      assertThat(stream.next("id: ")).isEqualTo("id: " + id);
      // the tail was woken: well before its poll interval of 5 s
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));
      assertThat(stream.next("event: ")).isEqualTo("event: message.created");
      final JsonNode event = new ObjectMapper().readTree(stream.next("data: ").substring(6));
      assertThat(event.path("type").asText()).isEqualTo("message.created");
      assertThat(Instant.parse(event.path("timestamp").asText()))
          .isBetween(Instant.now().minusSeconds(10), Instant.now());
      assertThat(event.path("data"))
          .isEqualTo(
              new ObjectMapper()
                  .valueToTree(Map.of("phone_number_id", NUMBER, "wamid", "wamid.X")));

      final long next = publish("history.updated", "{}");
      assertThat(stream.next("id: ")).isEqualTo("id: " + next);
      assertThat(stream.next("event: ")).isEqualTo("event: history.updated");
    }
  }

  @Test
  void aReconnectWithLastEventIdGetsExactlyWhatItMissed() throws Exception {
    final long seen = publish("message.created", "{\"n\":1}");
    publish("status.created", "{\"n\":2}");
    final long newest = publish("thread.updated", "{\"n\":3}");
    awaitPublished(newest);

    try (Stream resumed =
        new Stream("Authorization", bearer(), "Last-Event-ID", Long.toString(seen))) {
      assertThat(resumed.next("event: ")).isEqualTo("event: status.created");
      assertThat(resumed.next("event: ")).isEqualTo("event: thread.updated");
      awaitSubscribers(1);
      publish("contact.updated", "{\"n\":4}");
      assertThat(resumed.next("event: ")).isEqualTo("event: contact.updated");
    }

    // filtered: only the types asked for, the missed ones and the live ones alike
    try (Stream filtered =
        new Stream(
            URI.create(uri() + "?types=status,contact.updated&number=" + NUMBER),
            "Authorization",
            bearer(),
            "Last-Event-ID",
            "0")) {
      assertThat(filtered.next("event: ")).isEqualTo("event: status.created");
      assertThat(filtered.next("event: ")).isEqualTo("event: contact.updated");
      awaitSubscribers(1);
      publish("message.created", "{\"n\":5}");
      publish("status.created", "{\"n\":6}");
      assertThat(filtered.next("event: ")).isEqualTo("event: status.created");
    }

    // an id this store never gave out: reload
    try (Stream lost = new Stream("Authorization", bearer(), "Last-Event-ID", "17000")) {
      assertThat(lost.next("event: ")).isEqualTo("event: reset");
    }
    // older than the retention kept: reload
    log.deleteBefore(Instant.now().plusSeconds(1), 2);
    assertThat(log.horizon()).isEqualTo(newest + 3);
    try (Stream old = new Stream("Authorization", bearer(), "Last-Event-ID", Long.toString(seen))) {
      assertThat(old.next("id: ")).isEqualTo("id: " + (newest + 3));
      assertThat(old.next("event: ")).isEqualTo("event: reset");
    }
    // an unknown type is refused with its name
    final HttpResponse<String> refused =
        client.send(
            HttpRequest.newBuilder(URI.create(uri() + "?types=gossip"))
                .header("Authorization", bearer())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(refused.body()).contains("unknown change type 'gossip'");
  }

  @Test
  void sendsHeartbeatCommentsWhileNothingHappensAndOutlivesTheIdleSweep() throws Exception {
    try (Stream stream = new Stream("Authorization", bearer())) {
      assertThat(stream.next(": heartbeat")).isEqualTo(": heartbeat");
      assertThat(stream.next(": heartbeat")).isEqualTo(": heartbeat");
      Thread.sleep(2_500);
      publish("number.updated", "{}");
      assertThat(stream.next("event: number.updated")).isEqualTo("event: number.updated");
    }
  }

  @Test
  void aClientThatStopsReadingIsDroppedWhilePublishingStaysFastAndOthersGetEverything()
      throws Exception {
    final Socket stalled = new Socket();
    sockets.add(stalled);
    stalled.setReceiveBufferSize(4096);
    stalled.connect(new InetSocketAddress("127.0.0.1", server.port()));
    final OutputStream request = stalled.getOutputStream();
    request.write(
        ("GET "
                + FeedEndpoint.PATH
                + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: "
                + bearer()
                + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    request.flush();
    // the stalled client never reads a byte from here on
    try (Stream reader = new Stream("Authorization", bearer())) {
      awaitSubscribers(2);

      // publish until the stalled client's socket buffers and its queue are full and it is
      // dropped, paced so that the client that does read keeps up
      final String bulk = "x".repeat(4 * 1024);
      final long started = System.nanoTime();
      long last = 0;
      for (int n = 0; n < 20_000 && (n < 100 || feed.subscriberCount() == 2); n++) {
        last = publish("message.created", "{\"n\":" + n + ",\"text\":\"" + bulk + "\"}");
        if (n % 4 == 3) {
          Thread.sleep(1);
        }
      }
      final long publishedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      final Duration publishing = Duration.ofMillis(publishedMillis);

      awaitSubscribers(1);
      assertThat(publishing).isLessThan(Duration.ofSeconds(30));
      String id;
      do {
        id = reader.next("id: ");
      } while (!id.equals("id: " + last) && !id.equals("<end>"));
      assertThat(id).isEqualTo("id: " + last);
    }
  }

  @Test
  void closingTheFeedEndsOpenStreams() throws Exception {
    try (Stream stream = new Stream("Authorization", bearer())) {
      awaitSubscribers(1);
      feed.close();
      assertThat(stream.next("<end>")).isEqualTo("<end>");
    }
  }
}
