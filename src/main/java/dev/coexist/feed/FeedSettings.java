package dev.coexist.feed;

import java.time.Duration;

/**
 * How much the feed keeps: {@code replayCapacity} events for {@code Last-Event-ID} resumption,
 * {@code subscriberQueue} undelivered events per subscriber before it is dropped, and a heartbeat
 * comment after {@code heartbeat} of silence so that proxies keep an idle stream open.
 */
public record FeedSettings(int replayCapacity, int subscriberQueue, Duration heartbeat) {
  public static final FeedSettings DEFAULT =
      new FeedSettings(10_000, 4_096, Duration.ofSeconds(10));

  public FeedSettings {
    if (replayCapacity < 1 || subscriberQueue < 1) {
      throw new IllegalArgumentException("the replay ring and the subscriber queue need room");
    }
    if (heartbeat.isNegative() || heartbeat.isZero()) {
      throw new IllegalArgumentException("the heartbeat interval must be positive");
    }
  }
}
