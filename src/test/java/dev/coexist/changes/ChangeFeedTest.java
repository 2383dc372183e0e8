package dev.coexist.changes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class ChangeFeedTest {
  private static final Duration NO_WAIT = Duration.ofMillis(1);
  private static final String NUMBER = "106540352242922";
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  private ChangeFeed feed(final int queue) {
    return new ChangeFeed(
        new FeedSettings(queue, Duration.ofSeconds(10), Duration.ofDays(7), Duration.ofSeconds(1)),
        meters);
  }

  private static ChangeRecord change(final long seq, final String type, final String number) {
    return new ChangeRecord(
        seq,
        Instant.parse("2026-03-16T12:00:05.123Z"),
        type,
        number,
        7L,
        "{\"wamid\":\"wamid.A\",\"thread_id\":7}");
  }

  @Test
  void deliversEachChangeOfTheLogToEverySubscriberWithItsSequenceAsId() throws Exception {
    final ChangeFeed feed = feed(10);
    final Subscription first = feed.subscribe(OptionalLong.empty(), ChangeFilter.ALL).orElseThrow();
    final Subscription second =
        feed.subscribe(OptionalLong.empty(), ChangeFilter.ALL).orElseThrow();

    feed.publish(change(41, "message.created", NUMBER));
    feed.publish(change(44, "status.created", NUMBER));

    for (final Subscription subscription : java.util.List.of(first, second)) {
      final java.util.List<FeedEvent> got = subscription.subscriber().take(NO_WAIT);
      assertThat(got).extracting(FeedEvent::id).containsExactly(41L, 44L);
      assertThat(new String(got.get(1).frame(), StandardCharsets.UTF_8))
          .isEqualTo(
              "id: 44\nevent: status.created\ndata: {\"type\":\"status.created\","
                  + "\"timestamp\":\"2026-03-16T12:00:05.123Z\","
                  + "\"data\":{\"wamid\":\"wamid.A\",\"thread_id\":7}}\n\n");
    }
    assertThat(feed.newestId()).isEqualTo(44);
    assertThat(meters.counter("coexist.feed.events", "type", "message.created").count())
        .isEqualTo(1.0);
  }

  @Test
  void withNobodySubscribedTheFeedMovesOnWithoutTheChangesAndALaterSubscriberReadsThemFromTheLog()
      throws Exception {
    final ChangeFeed feed = feed(10);
    assertThat(feed.skipToIfNobodyListens(40)).isTrue();
    final Subscription later = feed.subscribe(OptionalLong.of(35), ChangeFilter.ALL).orElseThrow();
    // 36..40 come from the log (up to the subscription's newest id), 41 through its queue
    assertThat(later.newestId()).isEqualTo(40);
    assertThat(feed.skipToIfNobodyListens(45)).as("someone listens: read the rows").isFalse();
    feed.publish(change(41, "message.created", NUMBER));
    assertThat(later.subscriber().take(NO_WAIT)).extracting(FeedEvent::id).containsExactly(41L);
  }

  @Test
  void aChangeNotNewerThanTheNewestPublishedIsIgnored() throws Exception {
    final ChangeFeed feed = feed(10);
    feed.startAfter(100);
    final Subscription open = feed.subscribe(OptionalLong.empty(), ChangeFilter.ALL).orElseThrow();
    assertThat(open.newestId()).isEqualTo(100);

    feed.publish(change(99, "message.created", NUMBER));
    feed.publish(change(100, "message.created", NUMBER));
    feed.publish(change(101, "message.created", NUMBER));

    assertThat(open.subscriber().take(NO_WAIT)).extracting(FeedEvent::id).containsExactly(101L);
  }

  @Test
  void aSubscriberGetsOnlyTheTypesAndTheNumberItAskedFor() throws Exception {
    final ChangeFeed feed = feed(10);
    final Subscription messages =
        feed.subscribe(OptionalLong.empty(), ChangeFilter.parse("message", null)).orElseThrow();
    final Subscription ofNumber =
        feed.subscribe(OptionalLong.empty(), ChangeFilter.parse("status.created", NUMBER))
            .orElseThrow();

    feed.publish(change(1, "message.created", NUMBER));
    feed.publish(change(2, "message.updated", "999"));
    feed.publish(change(3, "status.created", "999"));
    feed.publish(change(4, "status.created", NUMBER));
    feed.publish(change(5, "delivery.failed", null));

    assertThat(messages.subscriber().take(NO_WAIT))
        .extracting(FeedEvent::id)
        .containsExactly(1L, 2L);
    assertThat(ofNumber.subscriber().take(NO_WAIT)).extracting(FeedEvent::id).containsExactly(4L);
  }

  @Test
  void anUnknownTypeOrANumberThatIsNoneIsRefusedWithItsName() {
    assertThatThrownBy(() -> ChangeFilter.parse("message.created,gossip", null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown change type 'gossip'")
        .hasMessageContaining("message.created");
    assertThatThrownBy(() -> ChangeFilter.parse(null, "+1 555"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("number");
    assertThat(ChangeFilter.parse("history", null).types()).containsExactly("history.updated");
  }

  @Test
  void aResumingSubscriberIsNotQueuedWhatItSawAlready() throws Exception {
    final ChangeFeed feed = feed(10);
    feed.startAfter(10);
    // the client saw 12 on a node whose tail was ahead of this one
    final Subscription resumed =
        feed.subscribe(OptionalLong.of(12), ChangeFilter.ALL).orElseThrow();
    for (long seq = 11; seq <= 14; seq++) {
      feed.publish(change(seq, "message.created", NUMBER));
    }
    assertThat(resumed.subscriber().take(NO_WAIT))
        .extracting(FeedEvent::id)
        .containsExactly(13L, 14L);
  }

  @Test
  void aSubscriberThatDoesNotKeepUpIsDroppedWithoutSlowingThePublisher() throws Exception {
    final ChangeFeed feed = feed(3);
    final Subscription stalled =
        feed.subscribe(OptionalLong.empty(), ChangeFilter.ALL).orElseThrow();
    final Subscription reading =
        feed.subscribe(OptionalLong.empty(), ChangeFilter.ALL).orElseThrow();

    for (int n = 1; n <= 3; n++) {
      feed.publish(change(n, "message.created", NUMBER));
    }
    assertThat(reading.subscriber().take(NO_WAIT)).hasSize(3);
    assertThat(stalled.subscriber().stopped()).isFalse();

    feed.publish(change(4, "message.created", NUMBER));

    assertThat(stalled.subscriber().stopped()).isTrue();
    assertThat(stalled.subscriber().stopReason()).contains("did not keep up");
    assertThat(stalled.subscriber().take(NO_WAIT)).isEmpty();
    assertThat(reading.subscriber().take(NO_WAIT)).hasSize(1);
    assertThat(feed.subscriberCount()).isEqualTo(1);
    assertThat(meters.counter("coexist.feed.dropped.subscribers").count()).isEqualTo(1.0);
  }

  @Test
  void publishingWithASubscriberThatNeverReadsStaysFastAndBounded() {
    final ChangeFeed feed = feed(1_024);
    final Subscription stalled =
        feed.subscribe(OptionalLong.empty(), ChangeFilter.ALL).orElseThrow();

    final long started = System.nanoTime();
    for (int n = 1; n <= 100_000; n++) {
      feed.publish(change(n, "message.created", NUMBER));
    }
    final Duration took = Duration.ofNanos(System.nanoTime() - started);

    assertThat(stalled.subscriber().stopped()).isTrue();
    assertThat(stalled.subscriber().queued()).isLessThanOrEqualTo(1);
    assertThat(took).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void closingEndsEveryStreamAndRefusesNewOnes() throws Exception {
    final ChangeFeed feed = feed(10);
    final Subscription open = feed.subscribe(OptionalLong.empty(), ChangeFilter.ALL).orElseThrow();
    feed.publish(change(1, "message.created", NUMBER));

    feed.close();

    assertThat(open.subscriber().stopped()).isTrue();
    assertThat(open.subscriber().take(NO_WAIT)).isEmpty();
    assertThat(feed.subscribe(OptionalLong.empty(), ChangeFilter.ALL)).isEmpty();
  }
}
