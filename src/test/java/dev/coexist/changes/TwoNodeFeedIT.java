package dev.coexist.changes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coexist.DataPath;
import dev.coexist.api.ApiKeys;
import dev.coexist.db.Engine;
import dev.coexist.journal.Delivery;
import dev.coexist.testing.Engines;
import io.helidon.webserver.WebServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes on one PostgreSQL: a feed subscriber of node A sees every change node B applies, and
 * resumes on node B with the id it last saw on node A, getting exactly what followed it.
 */
class TwoNodeFeedIT {
  private static final String KEY = "two-node-key";
  private static final String NUMBER = "106540352242922";
  private static final Pattern WAMID = Pattern.compile("\"wamid\":\"(wamid\\.two\\.\\d+)\"");

  @TempDir Path folder;

  private final HttpClient client =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final List<AutoCloseable> open = new ArrayList<>();

  /** A node: its data path (its processors applying only if {@code applies}), feed and server. */
  private record Node(DataPath dataPath, ChangeFeed feed, WebServer server) {}

  private Node node(final String url, final boolean applies) throws Exception {
    final DataPath dataPath =
        DataPath.open(DataPath.Settings.forTool(url), new SimpleMeterRegistry(), change -> {});
    open.add(dataPath);
    final FeedSettings settings =
        new FeedSettings(1_000, Duration.ofSeconds(5), Duration.ofDays(7), Duration.ofSeconds(30));
    final ChangeFeed feed = new ChangeFeed(settings, new SimpleMeterRegistry());
    final ChangeLog log = new ChangeLog(dataPath.storage().store());
    final ChangeTail tail =
        new ChangeTail(feed, log, dataPath.storage().store(), settings, Clock.systemUTC());
    tail.start();
    open.add(tail);
    open.add(feed);
    final WebServer server =
        WebServer.builder()
            .host("127.0.0.1")
            .port(0)
            .routing(routing -> feed.register(routing, new ApiKeys(List.of(KEY)), log))
            .build()
            .start();
    open.add(server::stop);
    if (applies) {
      dataPath.start();
    }
    return new Node(dataPath, feed, server);
  }

  @AfterEach
  void close() throws Exception {
    for (final AutoCloseable closeable : open.reversed()) {
      closeable.close();
    }
    client.close();
  }

  @Test
  void aSubscriberOfOneNodeSeesWhatTheOtherAppliesAndResumesThereWithItsLastId() throws Exception {
    final String url = Engines.url(Engine.POSTGRESQL, folder);
    final Node a = node(url, false);
    final Node b = node(url, true);

    final Stream onA = new Stream(a, null);
    awaitSubscribers(a.feed());
    for (int n = 0; n < 10; n++) {
      append(b, n);
    }
    final List<String> seenOnA = new ArrayList<>();
    String lastId = null;
    // the poll interval is 30 s: what arrives sooner was announced by node B's commits
    while (seenOnA.size() < 10) {
      final String[] event = onA.nextEvent("message.created", Duration.ofSeconds(10));
      lastId = event[0];
      seenOnA.add(event[1]);
    }
    assertThat(seenOnA).containsExactlyElementsOf(wamids(0, 10));
    onA.close();

    for (int n = 10; n < 15; n++) {
      append(b, n);
    }
    final Stream onB = new Stream(b, lastId);
    final List<String> seenOnB = new ArrayList<>();
    while (seenOnB.size() < 5) {
      seenOnB.add(onB.nextEvent("message.created", Duration.ofSeconds(10))[1]);
    }
    assertThat(seenOnB).containsExactlyElementsOf(wamids(10, 15));
    assertThat(onB.sawReset).isFalse();
    onB.close();
  }

  private static List<String> wamids(final int from, final int to) {
    final List<String> wamids = new ArrayList<>();
    for (int n = from; n < to; n++) {
      wamids.add("wamid.two." + n);
    }
    return wamids;
  }

  private static void append(final Node node, final int n) throws Exception {
    final byte[] body =
        """
        {"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[
        {"field":"messages","value":{"messaging_product":"whatsapp",
        "metadata":{"display_phone_number":"15550001111","phone_number_id":"%s"},
        "contacts":[{"profile":{"name":"Pablo"},"wa_id":"16505551234"}],
        "messages":[{"from":"16505551234","id":"wamid.two.%d","timestamp":"17400000%02d",
        "type":"text","text":{"body":"hello %d"}}]}}]}]}"""
            .formatted(NUMBER, n, n, n)
            .getBytes(StandardCharsets.UTF_8);
    final String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
    node.dataPath()
        .journal()
        .append(new Delivery(System.currentTimeMillis(), "whatsapp", "{}", body, sha, null, null))
        .join();
  }

  private static void awaitSubscribers(final ChangeFeed feed) throws InterruptedException {
    final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (feed.subscriberCount() == 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(feed.subscriberCount()).isEqualTo(1);
  }

  /** One event stream, read line by line on a virtual thread. */
  private final class Stream implements AutoCloseable {
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final HttpResponse<InputStream> response;
    private boolean sawReset;

    Stream(final Node node, final String lastEventId) throws Exception {
      final HttpRequest.Builder request =
          HttpRequest.newBuilder(
                  URI.create("http://127.0.0.1:" + node.server().port() + "/api/v1/events"))
              .header("Authorization", "Bearer " + KEY);
      if (lastEventId != null) {
        request.header("Last-Event-ID", lastEventId);
      }
      response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
      assertThat(response.statusCode()).isEqualTo(200);
      Thread.ofVirtual()
          .start(
              () -> {
                try (BufferedReader reader =
                    new BufferedReader(
                        new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                  for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    lines.add(line);
                  }
                } catch (IOException closed) {
                  // the test closed the stream
                }
              });
    }

    /** The id and wamid of the next event of {@code type}. */
    String[] nextEvent(final String type, final Duration within) throws InterruptedException {
      final long deadline = System.nanoTime() + within.toNanos();
      String id = null;
      String event = null;
      while (System.nanoTime() < deadline) {
        final String line = lines.poll(100, TimeUnit.MILLISECONDS);
        if (line == null) {
          continue;
        }
        if (line.startsWith("id: ")) {
          id = line.substring(4);
        } else if (line.startsWith("event: ")) {
          event = line.substring(7);
          sawReset |= event.equals(ChangeFeed.RESET);
        } else if (line.startsWith("data: ") && type.equals(event)) {
          final Matcher wamid = WAMID.matcher(line);
          assertThat(wamid.find()).as(line).isTrue();
          return new String[] {id, wamid.group(1)};
        }
      }
      throw new AssertionError("no " + type + " event within " + within);
    }

    @Override
    public void close() throws IOException {
      response.body().close();
    }
  }
}
