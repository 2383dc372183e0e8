package dev.coexist.cli;

import dev.coexist.changes.OutboundQueue;
import dev.coexist.changes.SubscriptionRules;
import dev.coexist.changes.WebhookSubscription;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;

/**
 * {@code coexist subscriptions list} and {@code show}: what the subscriptions are and how they do.
 */
final class SubscriptionListCommands {
  private static final int RECENT = 20;

  private SubscriptionListCommands() {}

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "Every subscription: its state, url, counters and lag.")
  static final class ListSubscriptions extends SubscriptionAction {
    @Override
    void run(final Store store, final PrintWriter out) throws Exception {
      final List<WebhookSubscription> all = store.subscriptions().list();
      if (all.isEmpty()) {
        out.println("no subscriptions");
        return;
      }
      final Instant now = Instant.now();
      final Table table = new Table("ID", "STATE", "URL", "DELIVERED", "FAILED", "DEAD", "LAG");
      for (final WebhookSubscription subscription : all) {
        table.row(
            subscription.id(),
            subscription.state(),
            subscription.url(),
            subscription.delivered(),
            subscription.failedAttempts(),
            subscription.deadLetters(),
            lag(store.queue(), subscription, now));
      }
      table.print(out);
    }
  }

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = "A subscription's details and its most recent delivery attempts.")
  static final class Show extends OneSubscriptionAction {
    @Override
    void run(final Store store, final PrintWriter out) throws Exception {
      final WebhookSubscription subscription = found(store.subscriptions());
      final Instant now = Instant.now();
      final List<String[]> fields = new ArrayList<>();
      fields.add(field("id", subscription.id()));
      fields.add(field("url", subscription.url()));
      fields.add(field("description", subscription.description()));
      fields.add(
          field(
              "state",
              subscription.state()
                  + (subscription.stateReason() == null
                      ? ""
                      : " (" + subscription.stateReason() + ")")));
      fields.add(field("types", all(subscription.types())));
      fields.add(field("numbers", all(subscription.numbers())));
      fields.add(
          field(
              "history",
              subscription.historyMessages()
                  ? "a chunk's change and one message.created per message"
                  : "a chunk's change"));
      fields.add(field("delivered", String.valueOf(subscription.delivered())));
      fields.add(field("failed attempts", String.valueOf(subscription.failedAttempts())));
      fields.add(field("dead letters", String.valueOf(subscription.deadLetters())));
      fields.add(field("lag", lag(store.queue(), subscription, now)));
      fields.add(field("failing since", time(subscription.failingSince())));
      if (subscription.previousSecretUntil() != null
          && now.isBefore(subscription.previousSecretUntil())) {
        fields.add(
            field(
                "previous secret",
                "still signs until " + time(subscription.previousSecretUntil())));
      }
      fields.add(field("created", time(subscription.createdAt())));
      fields.add(field("updated", time(subscription.updatedAt())));
      final int width = fields.stream().mapToInt(field -> field[0].length()).max().orElse(0);
      for (final String[] field : fields) {
        out.println(field[0] + ":" + " ".repeat(width - field[0].length() + 1) + field[1]);
      }
      out.println();
      final List<OutboundQueue.Attempted> recent = store.queue().recent(subscription.id(), RECENT);
      if (recent.isEmpty()) {
        out.println("recent attempts: none");
        return;
      }
      out.println("recent attempts:");
      final Table table =
          new Table(
              "EVENT",
              "TYPE",
              "STATE",
              "ATTEMPTS",
              "LAST STATUS",
              "LAST ATTEMPT",
              "NEXT ATTEMPT",
              "LAST ERROR");
      for (final OutboundQueue.Attempted event : recent) {
        table.row(
            event.webhookId(),
            event.type(),
            event.state(),
            event.attempts(),
            event.lastStatus(),
            time(event.lastAttemptAt()),
            event.state().equals("pending") ? time(event.nextAttemptAt()) : null,
            event.lastError());
      }
      table.print(out);
    }

    private static String[] field(final String name, final String value) {
      return new String[] {name, value == null ? "-" : value};
    }

    private static String all(final List<String> values) {
      return values.isEmpty() ? "all" : String.join(", ", values);
    }
  }

  /** How long the oldest undelivered change of a subscription has waited, e.g. 3m05s. */
  private static String lag(
      final OutboundQueue queue, final WebhookSubscription subscription, final Instant now)
      throws Exception {
    final long seconds =
        (long) SubscriptionRules.lagSeconds(queue.oldestPending(subscription.id()), now);
    if (seconds < 60) {
      return seconds + "s";
    }
    if (seconds < 3_600) {
      return String.format("%dm%02ds", seconds / 60, seconds % 60);
    }
    if (seconds < 86_400) {
      return String.format("%dh%02dm", seconds / 3_600, seconds % 3_600 / 60);
    }
    return String.format("%dd%02dh", seconds / 86_400, seconds % 86_400 / 3_600);
  }
}
