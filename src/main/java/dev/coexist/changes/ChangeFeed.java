package dev.coexist.changes;

import dev.coexist.api.ApiKeys;
import dev.coexist.apply.StoreChange;
import io.helidon.webserver.http.HttpRouting;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live change feed of this node: {@link ChangeTail} publishes every change of the change log in
 * sequence order, whichever node applied it, and every subscriber of {@code GET /api/v1/events}
 * receives those it asked for as Server-Sent Events. An event's id is its sequence number in the
 * log, the same on every node and after restarts.
 *
 * <p>Publishing never waits for a client: under a lock held only for in-memory work it offers the
 * event to each subscriber's bounded queue. A subscriber whose queue is full is dropped; it can
 * reconnect with {@code Last-Event-ID} and catch up from the log.
 */
public final class ChangeFeed implements AutoCloseable {
  /** Sent instead of missed events that are no longer known: the client must reload its state. */
  public static final String RESET = "reset";

  private static final Logger LOG = LoggerFactory.getLogger(ChangeFeed.class);

  private final FeedSettings settings;
  private final ReentrantLock lock = new ReentrantLock();
  private final Set<Subscriber> subscribers = new LinkedHashSet<>();
  private final Counter dropped;
  private final Map<String, Counter> published;
  private long newestId;
  private boolean closed;

  public ChangeFeed(final FeedSettings settings, final MeterRegistry meters) {
    this.settings = settings;
    this.dropped =
        Counter.builder("coexist.feed.dropped.subscribers")
            .description("Change feed subscribers dropped because they did not keep up")
            .register(meters);
    this.published =
        StoreChange.TYPES.stream()
            .collect(
                Collectors.toUnmodifiableMap(
                    type -> type,
                    type ->
                        Counter.builder("coexist.feed.events")
                            .description("Changes published to this node's feed")
                            .tag("type", type)
                            .register(meters)));
    Gauge.builder("coexist.feed.subscribers", this, ChangeFeed::subscriberCount)
        .description("Open change feed streams")
        .register(meters);
  }

  /** The feed starts after this change: the newest in the log when the node started. */
  void startAfter(final long seq) {
    lock.lock();
    try {
      newestId = Math.max(newestId, seq);
    } finally {
      lock.unlock();
    }
  }

  /**
   * With nobody subscribed, moves the feed on to {@code seq} without publishing the changes up to
   * it (a subscriber that comes later reads them from the log, as one that resumes does); whether
   * it did. The tail then need not read the changes' rows after every commit of a busy store.
   */
  boolean skipToIfNobodyListens(final long seq) {
    lock.lock();
    try {
      if (closed || !subscribers.isEmpty()) {
        return false;
      }
      newestId = Math.max(newestId, seq);
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** The newest change published. */
  long newestId() {
    lock.lock();
    try {
      return newestId;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Publishes one change of the log; changes come in sequence order, and one not newer than the
   * newest published is ignored. Never blocks on a client and never throws for a client's sake.
   */
  void publish(final ChangeRecord change) {
    final FeedEvent event = FeedEvent.of(change);
    List<Subscriber> tooSlow = List.of();
    lock.lock();
    try {
      if (closed || event.id() <= newestId) {
        return;
      }
      newestId = event.id();
      for (final Subscriber subscriber : subscribers) {
        if (!subscriber.offer(event)) {
          if (tooSlow.isEmpty()) {
            tooSlow = new ArrayList<>();
          }
          tooSlow.add(subscriber);
        }
      }
      for (final Subscriber slow : tooSlow) {
        subscribers.remove(slow);
        slow.stop("did not keep up: " + settings.subscriberQueue() + " events unsent");
      }
    } finally {
      lock.unlock();
    }
    final Counter counter = published.get(event.name());
    if (counter != null) {
      counter.increment();
    }
    if (!tooSlow.isEmpty()) {
      dropped.increment(tooSlow.size());
      LOG.info(
          "Dropped {} change feed subscriber(s) whose queue of {} events was full",
          tooSlow.size(),
          settings.subscriberQueue());
    }
  }

  /**
   * Starts a subscription. {@code resumeAfter} is the client's {@code Last-Event-ID}, already
   * checked to be resumable; the events after it up to the subscription's {@code newestId} are read
   * from the log by the stream, later ones come through its queue, so that nothing falls in
   * between. An id newer than this node's feed (another node's tail was ahead) is not queued twice.
   * Empty when the feed is closed.
   */
  Optional<Subscription> subscribe(final OptionalLong resumeAfter, final ChangeFilter filter) {
    return subscribe(resumeAfter, false, filter);
  }

  /**
   * As {@link #subscribe(OptionalLong, ChangeFilter)}; {@code reset}: tell the client to reload.
   */
  Optional<Subscription> subscribe(
      final OptionalLong resumeAfter, final boolean reset, final ChangeFilter filter) {
    lock.lock();
    try {
      if (closed) {
        return Optional.empty();
      }
      final Subscriber subscriber =
          new Subscriber(settings.subscriberQueue(), filter, resumeAfter.orElse(0));
      subscribers.add(subscriber);
      return Optional.of(new Subscription(subscriber, resumeAfter, reset, newestId));
    } finally {
      lock.unlock();
    }
  }

  void unsubscribe(final Subscriber subscriber) {
    lock.lock();
    try {
      subscribers.remove(subscriber);
    } finally {
      lock.unlock();
    }
  }

  FeedSettings settings() {
    return settings;
  }

  public int subscriberCount() {
    lock.lock();
    try {
      return subscribers.size();
    } finally {
      lock.unlock();
    }
  }

  /** Serves {@code GET /api/v1/events} to holders of an API key. */
  public void register(final HttpRouting.Builder routing, final ApiKeys keys, final ChangeLog log) {
    new FeedEndpoint(this, keys, log).register(routing);
  }

  /** Ends every open stream (call before stopping the web server) and refuses new ones. */
  @Override
  public void close() {
    lock.lock();
    try {
      closed = true;
      for (final Subscriber subscriber : subscribers) {
        subscriber.stop("Coexist is stopping");
      }
      subscribers.clear();
    } finally {
      lock.unlock();
    }
  }
}
