package dev.coexist.changes;

import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A subscription's events of the changes after its position: read in bounded pieces, and queued
 * with the position moved over them ({@link OutboundQueue}); the {@link Forwarder} sends the first
 * piece before it is queued.
 */
final class NewEvents {
  private static final int CHANGES_PER_READ = 1_000;
  // a queue transaction stays bounded, whatever the per-message events of its chunks
  private static final int EVENTS_PER_QUEUE = 10_000;

  private final ChangeLog log;
  private final HistoryExpansion expansion;
  private final OutboundQueue queue;
  private final Clock clock;

  NewEvents(
      final ChangeLog log,
      final HistoryExpansion expansion,
      final OutboundQueue queue,
      final Clock clock) {
    this.log = log;
    this.expansion = expansion;
    this.queue = queue;
    this.clock = clock;
  }

  /**
   * The subscription's events of the changes after its position, up to a bounded read: a
   * subscription that asks for the messages of history chunks gets, after a chunk's change, one
   * {@code message.created} per message the chunk stored ({@link HistoryExpansion}), each an event
   * of its own ({@code seq.n}) ordered by its thread: the change log stays one change per chunk.
   */
  Fresh after(final WebhookSubscription subscription, final long after) throws SQLException {
    long position = after;
    final List<ChangeRecord> changes = log.after(after, Long.MAX_VALUE, CHANGES_PER_READ);
    final List<OutboundQueue.Queued> wanted = new ArrayList<>();
    final Map<Long, ChangeRecord> read = new HashMap<>();
    for (final ChangeRecord change : changes) {
      if (subscription.wants(change.type(), change.phoneNumberId())) {
        wanted.add(new OutboundQueue.Queued(change.seq(), orderingKey(change)));
        read.put(change.seq(), change);
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
        read.put(change.seq(), change);
      }
      position = change.seq();
      if (wanted.size() >= EVENTS_PER_QUEUE) {
        break;
      }
    }
    // a full read, or one cut short by the events it made: there is more after the position
    final boolean more =
        !changes.isEmpty()
            && (changes.size() == CHANGES_PER_READ
                || position != changes.get(changes.size() - 1).seq());
    return new Fresh(subscription, after, position, List.copyOf(wanted), read, more);
  }

  /** New events read after a position, to queue (and perhaps sent already). */
  record Fresh(
      WebhookSubscription subscription,
      long after,
      long position,
      List<OutboundQueue.Queued> events,
      Map<Long, ChangeRecord> changes,
      boolean more) {
    boolean none() {
      return position == after;
    }
  }

  /**
   * Queues the read events and moves the subscription's position over them, in one transaction;
   * then the rest of a backlog, in transactions of a bounded number of events (sent from the queue
   * in the next rounds).
   */
  void queue(final Fresh first) throws SQLException {
    Fresh fresh = first;
    while (!fresh.none()) {
      queue.queue(fresh.subscription().id(), fresh.events(), fresh.position(), clock.instant());
      if (!fresh.more()) {
        return;
      }
      fresh = after(fresh.subscription(), fresh.position());
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
}
