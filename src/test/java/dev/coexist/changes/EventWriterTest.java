package dev.coexist.changes;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
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
          new FeedSettings(10, Duration.ofMillis(50), Duration.ofDays(7), Duration.ofSeconds(1)),
          new SimpleMeterRegistry());

  /** The change log as the writer reads it: changes 1..1,200, a type per seq. */
  private final List<ChangeRecord> log = new ArrayList<>();

  private final List<String> pagesRead = new ArrayList<>();

  EventWriterTest() {
    for (long seq = 1; seq <= 1_200; seq++) {
      log.add(change(seq, seq % 2 == 0 ? "status.created" : "message.created"));
    }
  }

  private static ChangeRecord change(final long seq, final String type) {
    return new ChangeRecord(
        seq,
        Instant.parse("2026-03-16T12:00:00Z"),
        type,
        "106540352242922",
        null,
        "{\"n\":" + seq + "}");
  }

  private List<ChangeRecord> page(final long after, final long upTo, final int limit)
      throws SQLException {
    pagesRead.add(after + ".." + upTo);
    return log.stream()
        .filter(change -> change.seq() > after && change.seq() <= upTo)
        .limit(limit)
        .toList();
  }

  private CompletableFuture<Void> write(final Recording out, final Subscription subscription) {
    return CompletableFuture.runAsync(
        () -> {
          try {
            new EventWriter(out, feed.settings().heartbeat(), this::page).write(subscription);
          } catch (IOException | InterruptedException | SQLException failed) {
            throw new IllegalStateException(failed);
          }
        });
  }

  @Test
  void writesTheMissedChangesFromTheLogThenLiveOnesAndHeartbeatsWhenSilent() throws Exception {
    feed.startAfter(1_200);
    final Recording out = new Recording();
    final CompletableFuture<Void> writing =
        write(
            out,
            feed.subscribe(OptionalLong.of(1), ChangeFilter.parse("status.created", null))
                .orElseThrow());

    Thread.sleep(200);
    feed.publish(change(1_201, "message.created"));
    feed.publish(change(1_202, "status.created"));
    Thread.sleep(100);
    feed.close();
    writing.get(5, TimeUnit.SECONDS);

    final String text = out.text();
    assertThat(text)
        .startsWith("retry: 2000\n: coexist change feed\n\n")
        .contains("id: 2\nevent: status.created\ndata: {\"type\":\"status.created\"")
        .doesNotContain("id: 1\n")
        .doesNotContain("id: 3\n")
        .contains("id: 1200\nevent: status.created")
        .doesNotContain("id: 1201\n")
        .contains("id: 1202\nevent: status.created")
        .contains(": heartbeat\n\n");
    assertThat(text.indexOf("id: 1200\n")).isLessThan(text.indexOf("id: 1202\n"));
    // a page at a time, each after the last one written
    assertThat(pagesRead).containsExactly("1..1200", "501..1200", "1001..1200");
    assertThat(out.flushes).isGreaterThanOrEqualTo(4);
  }

  @Test
  void tellsAClientWithNothingToResumeFromToReloadWithTheIdToFollowFrom() throws Exception {
    feed.startAfter(1_200);
    final Recording out = new Recording();
    final CompletableFuture<Void> writing =
        write(out, feed.subscribe(OptionalLong.empty(), true, ChangeFilter.ALL).orElseThrow());
    Thread.sleep(100);
    feed.close();
    writing.get(5, TimeUnit.SECONDS);

    assertThat(out.text()).contains("id: 1200\nevent: reset\ndata: {\"reason\":");
    assertThat(pagesRead).isEmpty();
  }
}
