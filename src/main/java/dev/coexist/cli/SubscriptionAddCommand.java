package dev.coexist.cli;

import dev.coexist.changes.SubscriptionRules;
import dev.coexist.changes.Subscriptions;
import dev.coexist.changes.WebhookSubscription;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code coexist subscriptions add}: creates a subscription. */
@Command(
    name = "add",
    mixinStandardHelpOptions = true,
    description = {
      "Create a subscription; prints its id and its secret (shown this once).",
      "It receives the changes committed from now on."
    })
final class SubscriptionAddCommand extends SubscriptionAction {
  @Option(
      names = "--url",
      required = true,
      paramLabel = "URL",
      description = "Where to deliver: an http or https URL.")
  String url;

  @Option(
      names = "--type",
      paramLabel = "TYPE",
      description =
          "A change type (message.created) or a resource (message: all of its types);"
              + " repeat for more. Default: every type.")
  List<String> types = new ArrayList<>();

  @Option(
      names = "--number",
      paramLabel = "PHONE_NUMBER_ID",
      description = "Only this business number; repeat for more. Default: every number.")
  List<String> numbers = new ArrayList<>();

  @Option(
      names = "--secret",
      paramLabel = "SECRET",
      description = "The signing secret to use, whsec_ and base64 (default: a new random one).")
  String secret;

  @Option(names = "--description", paramLabel = "TEXT", description = "A note for people.")
  String description;

  @Option(
      names = "--history-messages",
      description =
          "After a history chunk's history.updated, also send one message.created per message"
              + " the chunk stored (default: the chunk's change only).")
  boolean historyMessages;

  @Option(
      names = "--allow-private-targets",
      description =
          "Accept a loopback or private address (serve delivers there only with"
              + " --allow-private-targets too).")
  boolean allowPrivateTargets;

  private Subscriptions.NewSubscription wanted;

  @Override
  void check() {
    wanted =
        new Subscriptions.NewSubscription(
            valid(() -> SubscriptionRules.url(url, allowPrivateTargets)),
            description,
            valid(() -> SubscriptionRules.types(types)),
            valid(() -> SubscriptionRules.numbers(numbers)),
            valid(() -> SubscriptionRules.secret(secret)),
            historyMessages);
  }

  @Override
  void run(final Store store, final PrintWriter out) throws Exception {
    final WebhookSubscription created = store.subscriptions().create(wanted, Instant.now());
    out.println("id: " + created.id());
    out.println("secret: " + created.secret());
    err()
        .println(
            "The secret is shown only now: keep it where the receiver verifies signatures"
                + " (rotate-secret makes a new one).");
  }
}
