package dev.coexist.cli;

import dev.coexist.changes.SubscriptionRules;
import dev.coexist.changes.Subscriptions;
import dev.coexist.changes.WebhookSubscription;
import java.io.PrintWriter;
import java.time.Instant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code coexist subscriptions pause}, {@code resume}, {@code rotate-secret} and {@code delete}:
 * what changes one subscription.
 */
final class SubscriptionStateCommands {
  private SubscriptionStateCommands() {}

  @Command(
      name = "pause",
      mixinStandardHelpOptions = true,
      description = "Stop delivering; changes keep being queued for it.")
  static final class Pause extends OneSubscriptionAction {
    @Override
    void run(final Store store, final PrintWriter out) throws Exception {
      out.println(id + ": " + state(store.subscriptions(), this, WebhookSubscription.PAUSED));
    }
  }

  @Command(
      name = "resume",
      mixinStandardHelpOptions = true,
      description = "Deliver again (a paused or disabled subscription), from where it stopped.")
  static final class Resume extends OneSubscriptionAction {
    @Override
    void run(final Store store, final PrintWriter out) throws Exception {
      out.println(id + ": " + state(store.subscriptions(), this, WebhookSubscription.ACTIVE));
    }
  }

  @Command(
      name = "rotate-secret",
      mixinStandardHelpOptions = true,
      description = {
        "Give a subscription a new secret and print it.",
        "The old one keeps signing too for 24 hours, so the receiver can switch without a gap."
      })
  static final class RotateSecret extends OneSubscriptionAction {
    @Option(
        names = "--secret",
        paramLabel = "SECRET",
        description = "The new secret to use, whsec_ and base64 (default: a new random one).")
    String secret;

    @Override
    void check() {
      valid(() -> SubscriptionRules.secret(secret));
    }

    @Override
    void run(final Store store, final PrintWriter out) throws Exception {
      final WebhookSubscription rotated =
          store
              .subscriptions()
              .change(
                  id,
                  new Subscriptions.Change(null, null, null, null, null, secret, true),
                  Instant.now())
              .orElseThrow(this::unknown);
      out.println("secret: " + rotated.secret());
      out.println("previous secret signs until: " + time(rotated.previousSecretUntil()));
    }
  }

  @Command(
      name = "delete",
      mixinStandardHelpOptions = true,
      description = "Delete a subscription and everything queued for it.")
  static final class Delete extends OneSubscriptionAction {
    @Override
    void run(final Store store, final PrintWriter out) throws Exception {
      if (!store.subscriptions().delete(id)) {
        throw unknown();
      }
      out.println("deleted " + id);
    }
  }

  /** Sets a subscription's state; the state it is in afterwards. */
  private static String state(
      final Subscriptions subscriptions, final OneSubscriptionAction command, final String state)
      throws Exception {
    return subscriptions
        .change(
            command.id,
            new Subscriptions.Change(null, null, null, null, state, null, false),
            Instant.now())
        .orElseThrow(command::unknown)
        .state();
  }
}
