package dev.coexist.feed;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class EventWriterTest {
  /** Collects what is written and counts flushes, as the HTTP response would send them. */
  private static final class Recording extends ByteArrayOutputStream {
    private volatile int flushes;

    @Override
    public void flush() {
      flushes++;
    }

    synchronized String text() {
      return toString(StandardCharsets.UTF_8);
    }
  }

  private final ChangeFeed feed =
      new ChangeFeed(
          new FeedSettings(100, 10, Duration.ofMillis(50)), new SimpleMeterRegistry(), 1);

  private CompletableFuture<Void> write(final Recording out, final Subscription subscription) {
    return CompletableFuture.runAsync(
        () -> {
          try {
            new EventWriter(out, feed.settings().heartbeat()).write(subscription);
          } catch (IOException | InterruptedException failed) {
            throw new IllegalStateException(failed);
          }
        });
  }

  @Test
  void writesMissedThenLiveEventsAsSseFramesAndHeartbeatsWhenSilent() throws Exception {
    feed.publish("message", Map.of("wamid", "wamid.1"));
    feed.publish("status", Map.of("wamid", "wamid.1", "status", "read"));
    final Recording out = new Recording();
    final CompletableFuture<Void> writing = write(out, feed.subscribe(Optional.of("1")).get());

    Thread.sleep(200);
    feed.publish("thread", Map.of("thread_id", 3));
    Thread.sleep(100);
    feed.close();
    writing.get(5, TimeUnit.SECONDS);

    final String text = out.text();
    assertThat(text)
        .startsWith("retry: 2000\n: coexist change feed\n\n")
        .contains("id: 2\nevent: status\ndata: {")
        .doesNotContain("id: 1\n")
        .contains("id: 3\nevent: thread\ndata: {\"thread_id\":3}\n\n")
        .contains(": heartbeat\n\n");
    assertThat(text.indexOf("event: status")).isLessThan(text.indexOf("event: thread"));
    assertThat(out.flushes).isGreaterThanOrEqualTo(3);
  }

  @Test
  void tellsAClientWhoseEventsAreLostToReloadWithTheIdToFollowFrom() throws Exception {
    feed.publish("message", Map.of());
    final Recording out = new Recording();
    final CompletableFuture<Void> writing =
        write(out, feed.subscribe(Optional.of("from-another-server")).get());
    Thread.sleep(100);
    feed.close();
    writing.get(5, TimeUnit.SECONDS);

    assertThat(out.text()).contains("id: 1\nevent: reset\ndata: {\"reason\":");
  }
}
