package dev.coexist.feed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ChangeFeedTest {
  private static final Duration NO_WAIT = Duration.ofMillis(1);
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  private ChangeFeed feed(final int replay, final int queue) {
    return new ChangeFeed(new FeedSettings(replay, queue, Duration.ofSeconds(10)), meters, 1_000);
  }

  private static List<String> names(final List<FeedEvent> events) {
    return events.stream().map(FeedEvent::name).toList();
  }

  @Test
  void numbersEventsConsecutivelyAndDeliversThemToEverySubscriber() throws Exception {
    final ChangeFeed feed = feed(100, 10);
    final Subscription first = feed.subscribe(Optional.empty()).orElseThrow();
    final Subscription second = feed.subscribe(Optional.empty()).orElseThrow();

    final long a = feed.publish("message", Map.of("wamid", "wamid.A", "thread_id", 7));
    final long b = feed.publish("status", Map.of("wamid", "wamid.A", "status", "read"));

    assertThat(a).isEqualTo(1_000);
    assertThat(b).isEqualTo(1_001);
    for (final Subscription subscription : List.of(first, second)) {
      final List<FeedEvent> got = subscription.subscriber().take(NO_WAIT);
      assertThat(got).extracting(FeedEvent::id).containsExactly(1_000L, 1_001L);
      assertThat(got.get(0).json()).contains("\"wamid\":\"wamid.A\"").contains("\"thread_id\":7");
      assertThat(new String(got.get(1).frame(), java.nio.charset.StandardCharsets.UTF_8))
          .startsWith("id: 1001\nevent: status\ndata: {")
          .endsWith("}\n\n");
    }
  }

  @Test
  void resumesAfterLastEventIdWithExactlyTheMissedEvents() throws Exception {
    final ChangeFeed feed = feed(100, 10);
    feed.publish("message", Map.of("n", 1));
    final long seen = feed.publish("thread", Map.of("n", 2));
    feed.publish("contact", Map.of("n", 3));
    feed.publish("history", Map.of("n", 4));

    final Subscription resumed = feed.subscribe(Optional.of(Long.toString(seen))).orElseThrow();
    feed.publish("journal", Map.of("n", 5));

    assertThat(resumed.resumed()).isTrue();
    assertThat(names(resumed.missed())).containsExactly("contact", "history");
    assertThat(names(resumed.subscriber().take(NO_WAIT))).containsExactly("journal");
  }

  @Test
  void aLastEventIdTheRingNoLongerHoldsAsksTheClientToReload() {
    final ChangeFeed feed = feed(2, 10);
    for (int n = 0; n < 5; n++) {
      feed.publish("message", Map.of("n", n));
    }

    final Subscription tooOld = feed.subscribe(Optional.of("1000")).orElseThrow();
    assertThat(tooOld.resumed()).isFalse();
    assertThat(tooOld.missed()).isEmpty();
    assertThat(tooOld.newestId()).isEqualTo(1_004);

    // ids of an earlier process are lower than this one's first id: unknown as well
    assertThat(feed.subscribe(Optional.of("12")).orElseThrow().resumed()).isFalse();
    assertThat(feed.subscribe(Optional.of("not-a-number")).orElseThrow().resumed()).isFalse();
    assertThat(feed.subscribe(Optional.of("1003")).orElseThrow().resumed()).isTrue();
  }

  @Test
  void aSubscriberThatDoesNotKeepUpIsDroppedWithoutSlowingThePublisher() throws Exception {
    final ChangeFeed feed = feed(100, 3);
    final Subscription stalled = feed.subscribe(Optional.empty()).orElseThrow();
    final Subscription reading = feed.subscribe(Optional.empty()).orElseThrow();

    for (int n = 0; n < 3; n++) {
      feed.publish("message", Map.of("n", n));
    }
    assertThat(reading.subscriber().take(NO_WAIT)).hasSize(3);
    assertThat(stalled.subscriber().stopped()).isFalse();

    feed.publish("message", Map.of("n", 3));

    assertThat(stalled.subscriber().stopped()).isTrue();
    assertThat(stalled.subscriber().stopReason()).contains("did not keep up");
    assertThat(stalled.subscriber().take(NO_WAIT)).isEmpty();
    assertThat(stalled.subscriber().queued()).isZero();
    assertThat(reading.subscriber().stopped()).isFalse();
    assertThat(reading.subscriber().take(NO_WAIT)).hasSize(1);
    assertThat(feed.subscriberCount()).isEqualTo(1);
    assertThat(meters.counter("coexist.feed.dropped.subscribers").count()).isEqualTo(1.0);
  }

  @Test
  void publishingWithASubscriberThatNeverReadsStaysFastAndBounded() {
    final ChangeFeed feed = feed(10_000, 1_024);
    final Subscription stalled = feed.subscribe(Optional.empty()).orElseThrow();

    final long started = System.nanoTime();
    for (int n = 0; n < 100_000; n++) {
      feed.publish("message", Map.of("n", n));
    }
    final Duration took = Duration.ofNanos(System.nanoTime() - started);

    assertThat(stalled.subscriber().stopped()).isTrue();
    assertThat(stalled.subscriber().queued()).isLessThanOrEqualTo(1);
    assertThat(took).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void closingEndsEveryStreamAndRefusesNewOnes() throws Exception {
    final ChangeFeed feed = feed(10, 10);
    final Subscription open = feed.subscribe(Optional.empty()).orElseThrow();
    feed.publish("message", Map.of());

    feed.close();

    assertThat(open.subscriber().stopped()).isTrue();
    assertThat(open.subscriber().take(NO_WAIT)).isEmpty();
    assertThat(feed.subscribe(Optional.empty())).isEmpty();
    assertThat(feed.publish("message", Map.of())).isEqualTo(-1);
  }

  @Test
  void onlyTheContractsEventNamesArePublished() {
    final ChangeFeed feed = feed(10, 10);
    assertThatThrownBy(() -> feed.publish("gossip", Map.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(ChangeFeed.EVENTS)
        .containsExactlyInAnyOrder(
            "message", "status", "thread", "contact", "history", "number", "journal");
  }

  @Test
  void firstIdsOfALaterProcessAreHigherThanEveryIdOfAnEarlierOne() throws Exception {
    final ChangeFeed earlier = new ChangeFeed(FeedSettings.DEFAULT, new SimpleMeterRegistry());
    long last = 0;
    for (int n = 0; n < 500; n++) {
      last = earlier.publish("message", Map.of());
    }
    Thread.sleep(2);
    final ChangeFeed later = new ChangeFeed(FeedSettings.DEFAULT, new SimpleMeterRegistry());
    assertThat(later.publish("message", Map.of())).isGreaterThan(last);
    assertThat(later.subscribe(Optional.of(Long.toString(last))).orElseThrow().resumed()).isFalse();
  }
}
