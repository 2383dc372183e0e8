package dev.coexist.cli;

import dev.coexist.changes.EventId;
import dev.coexist.changes.OutboundQueue;
import dev.coexist.changes.WebhookSubscription;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code coexist subscriptions dead-letters} and {@code replay}: the events a subscription gave up
 * on, and sending them again.
 */
final class SubscriptionDeadLetterCommands {
  private static final int DEAD_LETTERS_PAGE = 500;

  private SubscriptionDeadLetterCommands() {}

  @Command(
      name = "dead-letters",
      mixinStandardHelpOptions = true,
      description = "The events a subscription gave up on, oldest first.")
  static final class DeadLetters extends OneSubscriptionAction {
    @Override
    void run(final Store store, final PrintWriter out) throws Exception {
      final WebhookSubscription subscription = found(store.subscriptions());
      final Table table =
          new Table("EVENT", "TYPE", "ATTEMPTS", "LAST STATUS", "LAST ATTEMPT", "LAST ERROR");
      EventId after = EventId.of(0);
      int count = 0;
      List<OutboundQueue.Attempted> page;
      do {
        page = store.queue().inState(subscription.id(), "dead", after, DEAD_LETTERS_PAGE);
        for (final OutboundQueue.Attempted event : page) {
          table.row(
              event.webhookId(),
              event.type(),
              event.attempts(),
              event.lastStatus(),
              time(event.lastAttemptAt()),
              event.lastError());
          after = event.webhookId();
          count++;
        }
      } while (page.size() == DEAD_LETTERS_PAGE);
      if (count == 0) {
        out.println("no dead letters");
        return;
      }
      table.print(out);
    }
  }

  @Command(
      name = "replay",
      mixinStandardHelpOptions = true,
      description = {
        "Send dead letters again: one (--event) or all since an instant (--since).",
        "Their attempts start over; --since takes those whose change was committed at or after it."
      })
  static final class Replay extends OneSubscriptionAction {
    @CommandLine.ArgGroup(exclusive = true, multiplicity = "1")
    Which which;

    static final class Which {
      @Option(
          names = "--event",
          paramLabel = "EVENT_ID",
          description =
              "One dead letter, by event id (its webhook-id: seq, or seq.n for a message of a"
                  + " history chunk).")
      String event;

      @Option(
          names = "--since",
          paramLabel = "INSTANT",
          description = "Every dead letter since then (ISO-8601, e.g. 2026-03-16T12:00:00Z).")
      String since;
    }

    private Instant since;
    private EventId event;

    @Override
    void check() {
      if (which.event != null) {
        try {
          event = EventId.parse(which.event);
        } catch (IllegalArgumentException invalid) {
          throw new Refused(EXIT_BAD_INPUT, "--event: " + invalid.getMessage());
        }
      }
      if (which.since != null) {
        try {
          since = Instant.parse(which.since);
        } catch (DateTimeParseException invalid) {
          throw new Refused(
              EXIT_BAD_INPUT,
              "--since must be an ISO-8601 instant, e.g. 2026-03-16T12:00:00Z, was '"
                  + which.since
                  + "'");
        }
      }
    }

    @Override
    void run(final Store store, final PrintWriter out) throws Exception {
      final WebhookSubscription subscription = found(store.subscriptions());
      final Instant now = Instant.now();
      final int replayed;
      if (event != null) {
        if (!store.queue().replay(subscription.id(), event, now)) {
          throw new Refused(
              EXIT_NOT_FOUND, "event " + event + " is not a dead letter of " + subscription.id());
        }
        replayed = 1;
      } else {
        replayed = store.queue().replaySince(subscription.id(), since, now);
        if (replayed == 0) {
          throw new Refused(
              EXIT_NOT_FOUND,
              "nothing to replay: no dead letters of " + subscription.id() + " since " + since);
        }
      }
      out.println(
          "replayed "
              + replayed
              + " dead letters of "
              + subscription.id()
              + "; they are sent again"
              + (subscription.state().equals(WebhookSubscription.ACTIVE)
                  ? ""
                  : " once it is resumed (it is " + subscription.state() + ")"));
    }
  }
}
