package dev.coexist.changes;

import io.micrometer.core.instrument.MeterRegistry;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.DoubleSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the change log to the partner's subscriptions (Standard Webhooks 1.0). For each active
 * subscription this node holds the lease of, it queues the new changes that match the subscription
 * ({@link OutboundQueue}, durable, exactly once), then sends the due events: per ordering key (a
 * thread) one at a time in sequence order, so a failing event holds back only its own thread;
 * across keys up to {@link ForwarderSettings#inFlightPerSubscription()} at once, each on a virtual
 * thread. Every outcome is recorded before the next attempt, so a kill -9 repeats at most what was
 * in flight, with the same {@code webhook-id}.
 */
public final class Forwarder implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Forwarder.class);
  private static final int CHANGES_PER_READ = 1_000;
  private static final int PENDING_PER_READ = 1_000;
  // a queue transaction stays bounded, whatever the per-message events of its chunks
  private static final int EVENTS_PER_QUEUE = 10_000;
  private static final Duration FORGET_EVERY = Duration.ofHours(1);

  private final Subscriptions subscriptions;
  private final OutboundQueue queue;
  private final ChangeLog log;
  private final ForwarderSettings settings;
  private final Clock clock;
  private final RetrySchedule schedule;
  private final String node = UUID.randomUUID().toString();
  private final WebhookSender sender;
  private final HistoryExpansion expansion;
  private final EventBodies bodies;
  private final SubscriptionMetrics metrics;
  private final ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor();
  private final WakeableLoop loop;
  // per subscription, the ordering keys with a delivery under way on this node
  private final Map<String, Set<String>> inFlight = new ConcurrentHashMap<>();
  private final ConcurrentLinkedQueue<Finished> finished = new ConcurrentLinkedQueue<>();
  // until when this node holds each subscription it leased (only the loop's thread uses it)
  private final Map<String, Instant> leases = new HashMap<>();
  private Instant forgetDue = Instant.MIN;
  private Instant figuresAt = Instant.MIN;
  private boolean noneListed;
  private long listedAtNanos;

  /**
   * @param jitter values in [0, 1) that spread retry delays (a constant 0.5 spreads none)
   */
  public Forwarder(
      final Subscriptions subscriptions,
      final OutboundQueue queue,
      final ChangeLog log,
      final ForwarderSettings settings,
      final Clock clock,
      final DoubleSupplier jitter,
      final MeterRegistry meters) {
    this.subscriptions = subscriptions;
    this.queue = queue;
    this.log = log;
    this.settings = settings;
    this.clock = clock;
    this.schedule = new RetrySchedule(jitter);
    this.sender = new WebhookSender(settings, clock);
    this.expansion = new HistoryExpansion(log.database());
    this.bodies = new EventBodies(log.database());
    this.loop = new WakeableLoop("webhook-forwarder", settings.poll(), this::round);
    this.metrics = new SubscriptionMetrics(meters);
  }

  public void start() {
    loop.start();
  }

  /** New changes, or a delivery finished: look again now. Never blocks. */
  public void wake() {
    loop.wake();
  }

  public boolean running() {
    return loop.running();
  }

  /** One look at every subscription. */
  void round() throws SQLException {
    recordFinished();
    // the figures read the whole queue: once a poll interval, not at every round
    final boolean figuresDue = !clock.instant().isBefore(figuresAt);
    if (figuresDue) {
      figuresAt = clock.instant().plus(settings.poll());
    }
    // with no subscription, a wake after each commit need not ask again: once per poll will do
    if (noneListed && System.nanoTime() - listedAtNanos < settings.poll().toNanos()) {
      return;
    }
    final List<WebhookSubscription> all = subscriptions.list();
    noneListed = all.isEmpty();
    listedAtNanos = System.nanoTime();
    final Set<String> known = new HashSet<>();
    for (final WebhookSubscription subscription : all) {
      known.add(subscription.id());
      final Instant now = clock.instant();
      if (subscription.state().equals(WebhookSubscription.ACTIVE) && holds(subscription, now)) {
        queueNew(subscription, now);
        send(subscription, now);
      }
      if (figuresDue) {
        showFigures(subscription, now);
      }
    }
    metrics.keep(known);
    leases.keySet().removeIf(id -> !known.contains(id));
    final Instant now = clock.instant();
    if (!now.isBefore(forgetDue)) {
      // delivered events are kept while their change is; the retention decides how long
      queue.forgetDelivered(log.horizon());
      forgetDue = now.plus(FORGET_EVERY);
    }
  }

  /**
   * Whether this node holds the subscription's lease, renewing it once a third of it has passed
   * (not at every round: a renewal is a write).
   */
  private boolean holds(final WebhookSubscription subscription, final Instant now)
      throws SQLException {
    final Instant held = leases.get(subscription.id());
    if (held != null && held.minus(settings.lease().multipliedBy(2).dividedBy(3)).isAfter(now)) {
      return true;
    }
    final Instant until = now.plus(settings.lease());
    if (subscriptions.claim(subscription.id(), node, until, now)) {
      leases.put(subscription.id(), until);
      return true;
    }
    leases.remove(subscription.id());
    return false;
  }

  /**
   * Queues the subscription's events of the changes after its position, and moves the position over
   * them, in transactions of a bounded number of events. A subscription that asks for the messages
   * of history chunks gets, after a chunk's change, one {@code message.created} per message the
   * chunk stored ({@link HistoryExpansion}), each an event of its own ({@code seq.n}) ordered by
   * its thread: the change log stays one change per chunk.
   */
  private void queueNew(final WebhookSubscription subscription, final Instant now)
      throws SQLException {
    long position = subscription.position();
    while (true) {
      final List<ChangeRecord> changes = log.after(position, Long.MAX_VALUE, CHANGES_PER_READ);
      if (changes.isEmpty()) {
        return;
      }
      final List<OutboundQueue.Queued> wanted = new ArrayList<>();
      for (final ChangeRecord change : changes) {
        if (subscription.wants(change.type(), change.phoneNumberId())) {
          wanted.add(new OutboundQueue.Queued(change.seq(), orderingKey(change)));
        }
        if (subscription.historyMessages()
            && HistoryExpansion.expands(change)
            && subscription.wants("message.created", change.phoneNumberId())) {
          for (final HistoryExpansion.Message message : expansion.of(change)) {
            wanted.add(
                new OutboundQueue.Queued(
                    new EventId(change.seq(), message.part()),
                    message.wamid(),
                    "thread:" + message.threadId()));
          }
        }
        position = change.seq();
        if (wanted.size() >= EVENTS_PER_QUEUE) {
          break;
        }
      }
      queue.queue(subscription.id(), wanted, position, now);
      if (changes.size() < CHANGES_PER_READ && position == changes.get(changes.size() - 1).seq()) {
        return;
      }
    }
  }

  /** Changes of one thread keep their order; without a thread, those of one message or number. */
  static String orderingKey(final ChangeRecord change) {
    if (change.threadId() != null) {
      return "thread:" + change.threadId();
    }
    if (change.phoneNumberId() != null) {
      return "number:" + change.phoneNumberId();
    }
    return "store";
  }

  private void send(final WebhookSubscription subscription, final Instant now) throws SQLException {
    final Set<String> busy =
        inFlight.computeIfAbsent(subscription.id(), id -> ConcurrentHashMap.newKeySet());
    final Set<String> seen = new HashSet<>();
    final List<OutboundQueue.Pending> chosen = new ArrayList<>();
    for (final OutboundQueue.Pending event : queue.pending(subscription.id(), PENDING_PER_READ)) {
      if (busy.size() + chosen.size() >= settings.inFlightPerSubscription()) {
        break;
      }
      if (!seen.add(event.orderingKey())) {
        continue; // an earlier event of its thread comes first
      }
      if (!busy.contains(event.orderingKey()) && !event.nextAttemptAt().isAfter(now)) {
        chosen.add(event);
      }
    }
    if (chosen.isEmpty()) {
      return;
    }
    final Map<Long, ChangeRecord> changes =
        log.bySeq(chosen.stream().map(OutboundQueue.Pending::seq).distinct().toList());
    final List<OutboundOutcomes.Outcome> gone = new ArrayList<>();
    for (final OutboundQueue.Pending event : chosen) {
      final ChangeRecord change = changes.get(event.seq());
      final Optional<byte[]> body = change == null ? Optional.empty() : bodies.of(event, change);
      if (body.isEmpty()) {
        gone.add(
            new OutboundOutcomes.Outcome(
                subscription.id(),
                event.id(),
                false,
                null,
                change == null
                    ? "the change is no longer in the change log (--changes-retention)"
                    : "the message " + event.wamid() + " is not stored",
                null));
        continue;
      }
      busy.add(event.orderingKey());
      senders.submit(() -> deliver(subscription, event, body.get(), busy));
    }
    queue.record(gone, now, Set.of());
  }

  private void deliver(
      final WebhookSubscription subscription,
      final OutboundQueue.Pending event,
      final byte[] body,
      final Set<String> busy) {
    WebhookSender.Attempt attempt;
    try {
      attempt = sender.attempt(subscription, event.id().toString(), body);
    } catch (RuntimeException unexpected) {
      attempt = new WebhookSender.Attempt(null, unexpected.toString(), Optional.empty());
    }
    // the loop records it with the others that finished meanwhile, then frees the thread
    finished.add(new Finished(subscription, event, attempt, busy));
    wake();
  }

  /** An attempt that finished and waits to be recorded. */
  private record Finished(
      WebhookSubscription subscription,
      OutboundQueue.Pending event,
      WebhookSender.Attempt attempt,
      Set<String> busy) {}

  /**
   * Records every finished attempt in one transaction, then lets their threads' next events go: an
   * event is never sent before the outcome of the one before it in its thread is written.
   */
  private void recordFinished() throws SQLException {
    final List<Finished> done = new ArrayList<>();
    for (Finished one = finished.poll(); one != null; one = finished.poll()) {
      done.add(one);
    }
    if (done.isEmpty()) {
      return;
    }
    final Instant now = clock.instant();
    final List<OutboundOutcomes.Outcome> outcomes = new ArrayList<>(done.size());
    final Map<String, String> disable = new LinkedHashMap<>();
    final Set<String> backFromOutage = new HashSet<>();
    for (final Finished one : done) {
      final String subscription = one.subscription().id();
      final EventId id = one.event().id();
      final WebhookSender.Attempt attempt = one.attempt();
      if (attempt.delivered()) {
        outcomes.add(
            new OutboundOutcomes.Outcome(subscription, id, true, attempt.status(), null, null));
        // failing without a delivery since before recoverAfter, as the round that sent it saw
        final Instant failingSince = one.subscription().failingSince();
        if (failingSince != null && !failingSince.isAfter(now.minus(settings.recoverAfter()))) {
          backFromOutage.add(subscription);
        }
      } else if (attempt.status() != null && attempt.status() == 410) {
        // the receiver says it is gone for good: stop, keep the event for a resume
        outcomes.add(
            new OutboundOutcomes.Outcome(subscription, id, false, 410, attempt.error(), now));
        disable.put(subscription, "the receiver answered 410 Gone");
      } else {
        final Optional<Instant> next =
            schedule.next(one.event().attempts() + 1, now, attempt.retryAfter());
        outcomes.add(
            new OutboundOutcomes.Outcome(
                subscription, id, false, attempt.status(), attempt.error(), next.orElse(null)));
        final Instant failingSince = one.subscription().failingSince();
        if (failingSince != null
            && Duration.between(failingSince, now).compareTo(settings.disableAfter()) > 0) {
          disable.putIfAbsent(
              subscription,
              "no delivery succeeded for " + settings.disableAfter().toDays() + " days");
        }
      }
    }
    try {
      queue.record(outcomes, now, backFromOutage);
      for (final Map.Entry<String, String> off : disable.entrySet()) {
        subscriptions.disable(off.getKey(), off.getValue(), now);
        LOG.warn("Subscription {} disabled: {}", off.getKey(), off.getValue());
      }
    } finally {
      // unrecorded (the database refused): the events stay pending and go again, same webhook-id
      for (final Finished one : done) {
        one.busy().remove(one.event().orderingKey());
      }
    }
  }

  private void showFigures(final WebhookSubscription subscription, final Instant now)
      throws SQLException {
    final Instant oldest = queue.oldestPending(subscription.id());
    metrics.show(subscription, SubscriptionRules.lagSeconds(oldest, now));
  }

  @Override
  public void close() {
    loop.close();
    senders.shutdownNow();
    sender.close();
  }
}
