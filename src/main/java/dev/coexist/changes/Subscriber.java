package dev.coexist.changes;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One client's bounded queue of events not yet written. The publisher only ever offers (never
 * waits); a full queue means the client does not keep up, and it is stopped instead of growing.
 */
final class Subscriber {
  /** Put in the queue to wake the writer and tell it to end the stream. */
  private static final FeedEvent STOP = new FeedEvent(-1, "stop", null, "{}");

  private final ArrayBlockingQueue<FeedEvent> queue;
  private final ChangeFilter filter;
  private final long skipUpTo;
  private volatile String stopReason;

  /**
   * @param skipUpTo events up to this id are not queued: the client has them already
   */
  Subscriber(final int capacity, final ChangeFilter filter, final long skipUpTo) {
    // one slot more than the capacity, so that the stop marker always fits
    this.queue = new ArrayBlockingQueue<>(capacity + 1);
    this.filter = filter;
    this.skipUpTo = skipUpTo;
  }

  ChangeFilter filter() {
    return filter;
  }

  /**
   * Queues the event if the subscriber wants it. False when the queue is full: the caller must
   * {@link #stop} this subscriber.
   */
  boolean offer(final FeedEvent event) {
    if (event.id() <= skipUpTo || !filter.matches(event)) {
      return true;
    }
    return stopReason == null && queue.remainingCapacity() > 1 && queue.offer(event);
  }

  /**
   * Drops whatever is queued and wakes the writer. Called with the feed's lock held, while the
   * writer may be taking from the queue; the spare slot guarantees the marker fits either way.
   */
  void stop(final String reason) {
    if (stopReason != null) {
      return;
    }
    stopReason = reason;
    queue.clear();
    queue.offer(STOP);
  }

  boolean stopped() {
    return stopReason != null;
  }

  String stopReason() {
    return stopReason;
  }

  int queued() {
    return queue.size();
  }

  /**
   * Waits up to {@code wait} for events and returns all that are queued; an empty list when none
   * came in time (a heartbeat is due), and an empty list with {@link #stopped()} true when the
   * stream must end.
   */
  List<FeedEvent> take(final Duration wait) throws InterruptedException {
    final FeedEvent first = queue.poll(wait.toNanos(), TimeUnit.NANOSECONDS);
    if (first == null || first == STOP || stopped()) {
      return List.of();
    }
    final List<FeedEvent> batch = new ArrayList<>();
    batch.add(first);
    queue.drainTo(batch);
    if (batch.remove(STOP) || stopped()) {
      return List.of();
    }
    return batch;
  }
}
