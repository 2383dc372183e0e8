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
  private static final int PENDING_PER_READ = 1_000;
  private static final Duration FORGET_EVERY = Duration.ofHours(1);

  private final Subscriptions subscriptions;
  private final OutboundQueue queue;
  private final ChangeLog log;
  private final ForwarderSettings settings;
  private final Clock clock;
  private final RetrySchedule schedule;
  private final String node = UUID.randomUUID().toString();
  private final WebhookSender sender;
  private final NewEvents newEvents;
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
    this.newEvents = new NewEvents(log, new HistoryExpansion(log.database()), queue, clock);
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

  /**
   * One look at every subscription: first the sends (what is due, and the new changes at once),
   * then the writes (the new events queued, then the outcomes that came in). A send does not wait
   * for the store's write turn: on SQLite the apply holds it, at a lower CPU priority, and a
   * delivery's latency was the wait for it.
   */
  void round() throws SQLException {
    final List<Finished> done = takeFinished();
    // their threads' next events wait for these outcomes to be written, but they are no longer in
    // flight: they do not count against the subscription's deliveries under way
    final Map<String, Set<String>> recording = new HashMap<>();
    for (final Finished one : done) {
      one.busy().remove(one.event().orderingKey());
      recording
          .computeIfAbsent(one.subscription().id(), id -> new HashSet<>())
          .add(one.event().orderingKey());
    }
    // the figures read the whole queue: once a poll interval, not at every round
    final boolean figuresDue = !clock.instant().isBefore(figuresAt);
    if (figuresDue) {
      figuresAt = clock.instant().plus(settings.poll());
    }
    // with no subscription, a wake after each commit need not ask again: once per poll will do
    if (done.isEmpty()
        && noneListed
        && System.nanoTime() - listedAtNanos < settings.poll().toNanos()) {
      return;
    }
    final List<WebhookSubscription> all = subscriptions.list();
    noneListed = all.isEmpty();
    listedAtNanos = System.nanoTime();
    final Set<String> known = new HashSet<>();
    final List<NewEvents.Fresh> toQueue = new ArrayList<>();
    try {
      for (final WebhookSubscription subscription : all) {
        known.add(subscription.id());
        final Instant now = clock.instant();
        if (subscription.state().equals(WebhookSubscription.ACTIVE) && holds(subscription, now)) {
          toQueue.add(send(subscription, now, recording.getOrDefault(subscription.id(), Set.of())));
        }
        if (figuresDue) {
          showFigures(subscription, now);
        }
      }
    } finally {
      // Whatever the sends met, the new events are queued, then the finished attempts recorded:
      // an event sent from a read of new events (this round's, or an earlier round's that failed
      // before it queued them: then they are in this round's read again) must be in the queue
      // when its outcome is written, or the outcome finds no row, is lost, and the event is sent
      // again. If the queueing fails, the attempts wait for the next round.
      boolean queued = false;
      try {
        for (final NewEvents.Fresh fresh : toQueue) {
          newEvents.queue(fresh);
        }
        queued = true;
      } finally {
        if (queued) {
          record(done);
        } else {
          finished.addAll(done);
        }
      }
    }
    if (!done.isEmpty()) {
      wake(); // the next events of the threads just recorded are due now, not at the next poll
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
   * Sends what is due: per ordering key (a thread) its first pending event, and, when every pending
   * event was read (so that no earlier event of their thread can be missed), the new changes'
   * events at once, before they are queued. Sent before written: a kill -9 before the queue's
   * transaction sends them again after the restart, with the same {@code webhook-id}, as for any
   * delivery in flight. Returns the new events, to be queued.
   *
   * @param recording threads whose finished attempt this round records: their next event waits
   */
  private NewEvents.Fresh send(
      final WebhookSubscription subscription, final Instant now, final Set<String> recording)
      throws SQLException {
    final Set<String> busy =
        inFlight.computeIfAbsent(subscription.id(), id -> ConcurrentHashMap.newKeySet());
    final List<OutboundQueue.Pending> pending = queue.pending(subscription.id(), PENDING_PER_READ);
    final NewEvents.Fresh fresh = newEvents.after(subscription, subscription.position());
    final Set<String> seen = new HashSet<>();
    final List<OutboundQueue.Pending> chosen = new ArrayList<>();
    for (final OutboundQueue.Pending event : pending) {
      if (busy.size() + chosen.size() >= settings.inFlightPerSubscription()) {
        break;
      }
      if (!seen.add(event.orderingKey())) {
        continue; // an earlier event of its thread comes first
      }
      if (!busy.contains(event.orderingKey())
          && !recording.contains(event.orderingKey())
          && !event.nextAttemptAt().isAfter(now)) {
        chosen.add(event);
      }
    }
    final List<OutboundQueue.Pending> chosenFresh = new ArrayList<>();
    if (pending.size() < PENDING_PER_READ) {
      for (final OutboundQueue.Queued event : fresh.events()) {
        if (busy.size() + chosen.size() + chosenFresh.size()
            >= settings.inFlightPerSubscription()) {
          break;
        }
        if (seen.add(event.orderingKey())
            && !busy.contains(event.orderingKey())
            && !recording.contains(event.orderingKey())) {
          chosenFresh.add(
              new OutboundQueue.Pending(event.id(), event.wamid(), event.orderingKey(), 0, now));
        }
      }
    }
    if (chosen.isEmpty() && chosenFresh.isEmpty()) {
      return fresh;
    }
    final Map<Long, ChangeRecord> changes = new HashMap<>(fresh.changes());
    final List<Long> unread =
        chosen.stream()
            .map(OutboundQueue.Pending::seq)
            .filter(seq -> !changes.containsKey(seq))
            .distinct()
            .toList();
    if (!unread.isEmpty()) {
      changes.putAll(log.bySeq(unread));
    }
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
      submit(subscription, event, body.get(), busy);
    }
    for (final OutboundQueue.Pending event : chosenFresh) {
      // one that cannot be rendered now is left to the queue: the next round says why
      bodies
          .of(event, changes.get(event.seq()))
          .ifPresent(body -> submit(subscription, event, body, busy));
    }
    queue.record(gone, now, Set.of());
    return fresh;
  }

  private void submit(
      final WebhookSubscription subscription,
      final OutboundQueue.Pending event,
      final byte[] body,
      final Set<String> busy) {
    busy.add(event.orderingKey());
    senders.submit(() -> deliver(subscription, event, body, busy));
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
   * Records every finished attempt in one transaction. Their threads' next events wait for it (the
   * round's {@code recording}): an event is never sent before the outcome of the one before it in
   * its thread is written; one the database refused stays pending and goes again, same {@code
   * webhook-id}.
   */
  private List<Finished> takeFinished() {
    final List<Finished> done = new ArrayList<>();
    for (Finished one = finished.poll(); one != null; one = finished.poll()) {
      done.add(one);
    }
    return done;
  }

  private void record(final List<Finished> done) throws SQLException {
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
    queue.record(outcomes, now, backFromOutage);
    for (final Map.Entry<String, String> off : disable.entrySet()) {
      subscriptions.disable(off.getKey(), off.getValue(), now);
      LOG.warn("Subscription {} disabled: {}", off.getKey(), off.getValue());
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
    // connections first: a delivery cut short by the interrupt below must not be sent again
    sender.close();
    senders.shutdownNow();
  }
}
