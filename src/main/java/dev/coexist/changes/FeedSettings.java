package dev.coexist.changes;

import java.time.Duration;

/**
 * The live feed's tuning.
 *
 * @param subscriberQueue undelivered events per subscriber before it is dropped: a client that
 *     falls this far behind reconnects and catches up from the log instead of holding memory
 * @param heartbeat a comment after this much silence, so that proxies keep an idle stream open
 * @param retention how long the change log keeps a change (as far back as a client can resume)
 * @param poll the longest the feed goes without reading the log: on SQLite the local processor
 *     wakes it at each commit and on PostgreSQL every node's commits are announced, so this only
 *     bounds the delay when a wake-up or notification was missed (a listener reconnecting)
 */
public record FeedSettings(
    int subscriberQueue, Duration heartbeat, Duration retention, Duration poll) {
  public static final FeedSettings DEFAULT =
      new FeedSettings(4_096, Duration.ofSeconds(10), Duration.ofDays(7), Duration.ofSeconds(1));

  public FeedSettings {
    if (subscriberQueue < 1) {
      throw new IllegalArgumentException("the subscriber queue needs room");
    }
    for (final Duration positive : new Duration[] {heartbeat, retention, poll}) {
      if (positive.isNegative() || positive.isZero()) {
        throw new IllegalArgumentException("feed intervals must be positive");
      }
    }
  }

  public FeedSettings withRetention(final Duration changed) {
    return new FeedSettings(subscriberQueue, heartbeat, changed, poll);
  }
}
