package dev.coexist.feed;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.coexist.api.ApiKeys;
import io.helidon.webserver.http.HttpRouting;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live change feed: the processor publishes what each applied journal entry changed, and every
 * subscriber of {@code GET /api/v1/events} receives it as a Server-Sent Event.
 *
 * <p>Publishing never waits for a client: it serialises the data, then, under a lock held only for
 * in-memory work, numbers the event, keeps it in the replay ring and offers it to each subscriber's
 * bounded queue. A subscriber whose queue is full is dropped; it can reconnect with {@code
 * Last-Event-ID} and catch up from the ring.
 *
 * <p>Ids increase by one per event and start at the process start time in microseconds, so the id a
 * client saw before a restart is lower than every id after it, and the feed can tell that the
 * events in between are unknown (the client is told to reload, event {@value #RESET}).
 */
public final class ChangeFeed implements AutoCloseable {
  /** The event names of the contract (openapi.yaml, {@code /api/v1/events}). */
  public static final Set<String> EVENTS =
      Set.of("message", "status", "thread", "contact", "history", "number", "journal");

  /** Sent instead of missed events that are no longer known: the client must reload its state. */
  public static final String RESET = "reset";

  private static final Logger LOG = LoggerFactory.getLogger(ChangeFeed.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final FeedSettings settings;
  private final ReentrantLock lock = new ReentrantLock();
  private final ReplayRing ring;
  private final Set<Subscriber> subscribers = new LinkedHashSet<>();
  private final Counter dropped;
  private final Map<String, Counter> published;
  private long newestId;
  private boolean closed;

  public ChangeFeed(final MeterRegistry meters) {
    this(FeedSettings.DEFAULT, meters, System.currentTimeMillis() * 1_000);
  }

  public ChangeFeed(final FeedSettings settings, final MeterRegistry meters) {
    this(settings, meters, System.currentTimeMillis() * 1_000);
  }

  ChangeFeed(final FeedSettings settings, final MeterRegistry meters, final long firstId) {
    this.settings = settings;
    this.ring = new ReplayRing(settings.replayCapacity());
    this.newestId = firstId - 1;
    this.dropped =
        Counter.builder("coexist.feed.dropped.subscribers")
            .description("Change feed subscribers dropped because they did not keep up")
            .register(meters);
    this.published =
        EVENTS.stream()
            .collect(
                Collectors.toUnmodifiableMap(
                    name -> name,
                    name ->
                        Counter.builder("coexist.feed.events")
                            .description("Change feed events published")
                            .tag("event", name)
                            .register(meters)));
    Gauge.builder("coexist.feed.subscribers", this, ChangeFeed::subscriberCount)
        .description("Open change feed streams")
        .register(meters);
  }

  /**
   * Publishes one change. {@code event} is one of {@link #EVENTS}; {@code data} names what changed
   * (e.g. phone_number_id, thread_id, wamid) and must serialise to JSON. Never blocks on a client
   * and never throws for a client's sake.
   *
   * @return the event's id, or -1 when the feed is closed or the data could not be serialised
   */
  public long publish(final String event, final Map<String, Object> data) {
    if (!EVENTS.contains(event)) {
      throw new IllegalArgumentException("not a change feed event: " + event);
    }
    final String json;
    try {
      json = JSON.writeValueAsString(data);
    } catch (JsonProcessingException unserialisable) {
      LOG.warn("Change feed event {} not published: {}", event, unserialisable.getMessage());
      return -1;
    }
    List<Subscriber> tooSlow = List.of();
    final long id;
    lock.lock();
    try {
      if (closed) {
        return -1;
      }
      id = ++newestId;
      final FeedEvent published = new FeedEvent(id, event, json);
      ring.append(published);
      for (final Subscriber subscriber : subscribers) {
        if (!subscriber.offer(published)) {
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
    published.get(event).increment();
    if (!tooSlow.isEmpty()) {
      dropped.increment(tooSlow.size());
      LOG.info(
          "Dropped {} change feed subscriber(s) whose queue of {} events was full",
          tooSlow.size(),
          settings.subscriberQueue());
    }
    return id;
  }

  /**
   * Starts a subscription: the missed events after {@code lastEventId} (when given) and a queue
   * that receives every later event, taken atomically so that nothing falls in between. Empty when
   * the feed is closed.
   */
  Optional<Subscription> subscribe(final Optional<String> lastEventId) {
    final Subscriber subscriber = new Subscriber(settings.subscriberQueue());
    lock.lock();
    try {
      if (closed) {
        return Optional.empty();
      }
      subscribers.add(subscriber);
      if (lastEventId.isEmpty()) {
        return Optional.of(new Subscription(subscriber, List.of(), true, newestId));
      }
      final Optional<List<FeedEvent>> missed =
          parse(lastEventId.get()).flatMap(last -> ring.after(last, newestId));
      return Optional.of(
          new Subscription(subscriber, missed.orElse(List.of()), missed.isPresent(), newestId));
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
  public void register(final HttpRouting.Builder routing, final ApiKeys keys) {
    new FeedEndpoint(this, keys).register(routing);
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

  private static Optional<Long> parse(final String id) {
    try {
      return Optional.of(Long.parseLong(id.trim()));
    } catch (NumberFormatException notOurs) {
      return Optional.empty();
    }
  }
}
