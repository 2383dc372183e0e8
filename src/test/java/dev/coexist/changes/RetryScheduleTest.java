package dev.coexist.changes;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RetryScheduleTest {
  private static final Instant NOW = Instant.parse("2026-03-16T12:00:00Z");

  @Test
  void retriesImmediatelyThenAfterTheStandardDelaysThenGivesUp() {
    final RetrySchedule exact = new RetrySchedule(() -> 0.5);
    final List<Duration> delays = new ArrayList<>();
    for (int failed = 1; failed < RetrySchedule.ATTEMPTS; failed++) {
      delays.add(Duration.between(NOW, exact.next(failed, NOW, Optional.empty()).orElseThrow()));
    }
    assertThat(delays)
        .containsExactly(
            Duration.ZERO,
            Duration.ofSeconds(5),
            Duration.ofMinutes(5),
            Duration.ofMinutes(30),
            Duration.ofHours(2),
            Duration.ofHours(5),
            Duration.ofHours(10),
            Duration.ofHours(10));
    assertThat(exact.next(RetrySchedule.ATTEMPTS, NOW, Optional.empty())).isEmpty();
  }

  @Test
  void spreadsEachDelayByUpToATenthEitherWay() {
    final Instant earliest = new RetrySchedule(() -> 0.0).next(3, NOW, Optional.empty()).get();
    final Instant latest = new RetrySchedule(() -> 0.999_999).next(3, NOW, Optional.empty()).get();
    assertThat(Duration.between(NOW, earliest)).isEqualTo(Duration.ofMinutes(4).plusSeconds(30));
    assertThat(Duration.between(NOW, latest))
        .isBetween(Duration.ofMinutes(5).plusSeconds(29), Duration.ofMinutes(5).plusSeconds(30));
  }

  @Test
  void honoursARetryAfterThatAsksForLongerUpToADay() {
    final RetrySchedule exact = new RetrySchedule(() -> 0.5);
    assertThat(exact.next(2, NOW, Optional.of(Duration.ofMinutes(1))))
        .contains(NOW.plus(Duration.ofMinutes(1)));
    assertThat(exact.next(3, NOW, Optional.of(Duration.ofMinutes(1))))
        .contains(NOW.plus(Duration.ofMinutes(5)));
    assertThat(exact.next(2, NOW, Optional.of(Duration.ofDays(30))))
        .contains(NOW.plus(Duration.ofDays(1)));
    assertThat(RetrySchedule.retryAfter("120", NOW)).contains(Duration.ofMinutes(2));
    assertThat(RetrySchedule.retryAfter("Mon, 16 Mar 2026 12:10:00 GMT", NOW))
        .contains(Duration.ofMinutes(10));
    assertThat(RetrySchedule.retryAfter("soon", NOW)).isEmpty();
    assertThat(RetrySchedule.retryAfter("-5", NOW)).isEmpty();
  }
}
