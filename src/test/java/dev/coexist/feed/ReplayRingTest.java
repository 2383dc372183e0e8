package dev.coexist.feed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ReplayRingTest {
  private static FeedEvent event(final long id) {
    return new FeedEvent(id, "message", "{\"n\":" + id + "}");
  }

  private static List<Long> ids(final List<FeedEvent> events) {
    return events.stream().map(FeedEvent::id).toList();
  }

  @Test
  void givesTheEventsAfterAnIdItStillHolds() {
    final ReplayRing ring = new ReplayRing(5);
    for (long id = 100; id <= 103; id++) {
      ring.append(event(id));
    }

    assertThat(ring.after(101, 103)).map(ReplayRingTest::ids).contains(List.of(102L, 103L));
    assertThat(ring.after(99, 103))
        .map(ReplayRingTest::ids)
        .contains(List.of(100L, 101L, 102L, 103L));
    assertThat(ring.after(103, 103)).contains(List.of());
  }

  @Test
  void forgetsTheOldestOnceFullAndSaysSoInsteadOfSkippingEvents() {
    final ReplayRing ring = new ReplayRing(3);
    for (long id = 1; id <= 10; id++) {
      ring.append(event(id));
    }

    assertThat(ring.size()).isEqualTo(3);
    assertThat(ring.after(7, 10)).map(ReplayRingTest::ids).contains(List.of(8L, 9L, 10L));
    assertThat(ring.after(9, 10)).map(ReplayRingTest::ids).contains(List.of(10L));
    // 7 was overwritten: the client that saw only up to 6 missed it, and must be told
    assertThat(ring.after(6, 10)).isEmpty();
  }

  @Test
  void anIdFromTheFutureOrBeforeAnythingPublishedIsUnknown() {
    final ReplayRing ring = new ReplayRing(3);
    assertThat(ring.after(41, 41)).contains(List.of());
    assertThat(ring.after(40, 41)).isEmpty();

    ring.append(event(42));
    assertThat(ring.after(43, 42)).isEmpty();
    assertThat(ring.after(41, 42)).map(ReplayRingTest::ids).contains(List.of(42L));
  }

  @Test
  void refusesIdsWithHoles() {
    final ReplayRing ring = new ReplayRing(3);
    ring.append(event(1));
    assertThatThrownBy(() -> ring.append(event(3))).isInstanceOf(IllegalArgumentException.class);
  }
}
