package dev.coexist.store;

import java.time.Instant;

/**
 * The store keeps times as epoch numbers, where 0 means unknown: WhatsApp's facts in seconds (its
 * timestamps have no finer grain), arrival times in milliseconds.
 */
final class EpochTimes {
  private EpochTimes() {}

  /** Epoch seconds of WhatsApp facts; 0 (unknown) is null. */
  static Instant seconds(final long epochSeconds) {
    return epochSeconds == 0 ? null : Instant.ofEpochSecond(epochSeconds);
  }

  /** Epoch milliseconds of arrival times; 0 is null. */
  static Instant millis(final long epochMillis) {
    return epochMillis == 0 ? null : Instant.ofEpochMilli(epochMillis);
  }
}
