package dev.coexist.changes;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock the test moves, to step the forwarder through the retry schedule. */
final class MovableClock extends Clock {
  private volatile Instant now;

  MovableClock(final Instant start) {
    now = start;
  }

  void advance(final Duration by) {
    now = now.plus(by);
  }

  @Override
  public Instant instant() {
    return now;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(final ZoneId zone) {
    return this;
  }
}
