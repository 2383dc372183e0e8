package dev.coexist.inbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.coexist.DataPath;
import dev.coexist.api.ApiKeys;
import dev.coexist.changes.ChangeFeed;
import dev.coexist.changes.ChangeLog;
import dev.coexist.changes.ChangeTail;
import dev.coexist.changes.FeedSettings;
import dev.coexist.db.Engine;
import dev.coexist.testing.ChangeRows;
import dev.coexist.testing.Engines;
import io.helidon.webserver.WebServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The page's own change feed client (inbox/sse.js) in Chromium against the real feed endpoint and
 * the real inbox routes: the SSE parser, and resuming with Last-Event-ID after the connection was
 * cut.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FeedClientIT {
  private static final String KEY = "feed-key";

  private static final String NUMBER = "106540352242922";
  private static final FeedSettings SETTINGS =
      new FeedSettings(100, Duration.ofSeconds(5), Duration.ofDays(7), Duration.ofSeconds(5));

  @TempDir static Path temp;
  private final ChangeFeed feed = new ChangeFeed(SETTINGS, new SimpleMeterRegistry());
  private DataPath dataPath;
  private ChangeLog log;
  private ChangeTail tail;
  private WebServer server;
  private Browser browser;

  @BeforeAll
  void start() throws Exception {
    assumeTrue(Browser.installed(), "needs Debian's chromium and chromedriver");
    dataPath =
        DataPath.open(
            DataPath.Settings.forTool(
                Engines.url(Engine.SQLITE, Files.createDirectories(temp.resolve("data")))),
            new SimpleMeterRegistry(),
            change -> {});
    log = new ChangeLog(dataPath.storage().store());
    tail = new ChangeTail(feed, log, dataPath.storage().store(), SETTINGS, Clock.systemUTC());
    tail.start();
    server = server(0);
    browser = Browser.start(Files.createDirectories(temp.resolve("chromium")), "UTC");
    browser.open("http://127.0.0.1:" + server.port() + "/");
  }

  private WebServer server(final int port) {
    final ApiKeys keys = new ApiKeys(List.of(KEY));
    return WebServer.builder()
        .host("127.0.0.1")
        .port(port)
        .shutdownGracePeriod(Duration.ofMillis(100))
        .routing(
            routing -> {
              feed.register(routing, keys, log);
              new InboxRoutes().register(routing);
            })
        .build()
        .start();
  }

  @AfterAll
  void stop() {
    if (browser != null) {
      browser.close();
    }
    feed.close();
    if (server != null) {
      server.stop();
    }
    if (tail != null) {
      tail.close();
      dataPath.close();
    }
  }

  /** Writes one change to the log as an apply transaction would, wakes the tail; its seq. */
  private long publish(final String type, final String dataJson) throws Exception {
    final long seq = ChangeRows.write(dataPath.storage().store(), type, NUMBER, dataJson);
    tail.wake();
    return seq;
  }

  @Test
  void parsesTheEventStreamFormatWhereverTheChunksAreCut() {
    final Object events =
        browser.asyncScript(
            "const done = arguments[arguments.length - 1];"
                + "import('/inbox/sse.js').then(({SseParser}) => {"
                + "  const parser = new SseParser(); const out = [];"
                + "  const chunks = ['retry: 2000\\n: comment\\n\\nid: 7\\nevent: mess', 'age\\ndata: {\"a\"',"
                + "    ':1}\\n\\n', 'id: 8\\r\\nevent: status\\r\\ndata: one\\r\\ndata: two\\r', '\\n\\r\\n',"
                + "    'data:no-space\\n\\n', 'event: ignored-without-data\\n\\n'];"
                + "  for (const chunk of chunks) out.push(...parser.push(chunk));"
                + "  done({events: out, retry: parser.retry});"
                + "});");
    assertThat(events)
        .isEqualTo(
            Map.of(
                "retry",
                2000L,
                "events",
                List.of(
                    Map.of("id", "7", "event", "message", "data", "{\"a\":1}"),
                    Map.of("id", "8", "event", "status", "data", "one\ntwo"),
                    Map.of("id", "8", "event", "message", "data", "no-space"))));
  }

  @Test
  @SuppressWarnings("unchecked")
  void followsTheFeedAndResumesWithLastEventIdAfterTheConnectionIsCut() throws Exception {
    browser.asyncScript(
        "const done = arguments[arguments.length - 1];"
            + "import('/inbox/sse.js').then(({follow}) => {"
            + "  window.received = []; window.states = [];"
            + "  window.follower = follow('/api/v1/events', {key: () => '"
            + KEY
            + "',"
            + "    onEvent: (e) => window.received.push(e), onState: (s) => window.states.push(s)});"
            + "  done();"
            + "});");
    browser.await(d -> feed.subscriberCount() == 1);
    final long first = publish("message.created", "{\"wamid\":\"wamid.1\"}");
    browser.await(d -> received().size() == 1);
    assertThat(received().getFirst())
        .containsEntry("id", Long.toString(first))
        .containsEntry("event", "message.created");
    assertThat((Map<String, Object>) received().getFirst().get("data"))
        .containsEntry("type", "message.created")
        .containsEntry("data", Map.of("wamid", "wamid.1"));

    // cut every connection: the server goes away and comes back on the same port
    final int port = server.port();
    server.stop();
    browser.await(d -> feed.subscriberCount() == 0);
    publish("status.created", "{\"wamid\":\"wamid.1\",\"status\":\"read\"}");
    publish("thread.updated", "{\"thread_id\":4}");
    server = server(port);

    browser.await(Duration.ofSeconds(15), d -> received().size() == 3);
    assertThat(received())
        .extracting(event -> event.get("event"))
        .containsExactly("message.created", "status.created", "thread.updated");
    assertThat((List<Object>) browser.script("return window.states")).contains("live", "down");
    browser.script("window.follower.stop()");
  }

  @SuppressWarnings("unchecked")
  private List<Map<String, Object>> received() {
    return (List<Map<String, Object>>) browser.script("return window.received");
  }
}
