package dev.coexist.changes;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.function.DoubleSupplier;

/**
 * When a failed delivery is tried again: immediately, then after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h
 * and 10 h, each delay spread by up to a tenth either way so that many events failing at once do
 * not all come back at once; a {@code Retry-After} of the receiver's is honoured when it asks for
 * longer (up to a day). After the last retry the event is a dead letter.
 */
final class RetrySchedule {
  static final List<Duration> DELAYS =
      List.of(
          Duration.ZERO,
          Duration.ofSeconds(5),
          Duration.ofMinutes(5),
          Duration.ofMinutes(30),
          Duration.ofHours(2),
          Duration.ofHours(5),
          Duration.ofHours(10),
          Duration.ofHours(10));

  /** Attempts in all: the first and one per delay. */
  static final int ATTEMPTS = DELAYS.size() + 1;

  private static final Duration LONGEST_RETRY_AFTER = Duration.ofDays(1);
  private static final double JITTER = 0.1;

  private final DoubleSupplier random;

  /**
   * @param random values in [0, 1): the jitter (a constant 0.5 gives none)
   */
  RetrySchedule(final DoubleSupplier random) {
    this.random = random;
  }

  /** When to try again after {@code attempts} failed attempts, or empty when they were the last. */
  Optional<Instant> next(
      final int attempts, final Instant now, final Optional<Duration> retryAfter) {
    if (attempts >= ATTEMPTS) {
      return Optional.empty();
    }
    final Duration delay = DELAYS.get(attempts - 1);
    final long nanos = delay.toNanos();
    Duration spread =
        Duration.ofNanos(nanos + (long) (nanos * JITTER * (2 * random.getAsDouble() - 1)));
    if (retryAfter.isPresent()) {
      final Duration asked =
          retryAfter.get().compareTo(LONGEST_RETRY_AFTER) > 0
              ? LONGEST_RETRY_AFTER
              : retryAfter.get();
      if (asked.compareTo(spread) > 0) {
        spread = asked;
      }
    }
    return Optional.of(now.plus(spread));
  }

  /** A {@code Retry-After} value: seconds, or an HTTP date; empty when neither. */
  static Optional<Duration> retryAfter(final String value, final Instant now) {
    if (value == null || value.isBlank()) {
      return Optional.empty();
    }
    final String trimmed = value.strip();
    try {
      final long seconds = Long.parseLong(trimmed);
      return seconds < 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(seconds));
    } catch (NumberFormatException notSeconds) {
      try {
        final Instant at =
            ZonedDateTime.parse(trimmed, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        return at.isAfter(now) ? Optional.of(Duration.between(now, at)) : Optional.empty();
      } catch (DateTimeParseException notADate) {
        return Optional.empty();
      }
    }
  }
}
