package dev.coexist.cli;

import picocli.CommandLine.Command;

/**
 * {@code coexist subscriptions}: the outbound webhook subscriptions, on the database directly (the
 * same rows as {@code /api/v1/subscriptions}). Safe next to a running server: its forwarder picks
 * up what changed at its next look (within a second).
 */
@Command(
    name = "subscriptions",
    mixinStandardHelpOptions = true,
    description = "Manage outbound webhook subscriptions on the database directly.",
    subcommands = {
      SubscriptionListCommands.ListSubscriptions.class,
      SubscriptionAddCommand.class,
      SubscriptionListCommands.Show.class,
      SubscriptionStateCommands.Pause.class,
      SubscriptionStateCommands.Resume.class,
      SubscriptionStateCommands.RotateSecret.class,
      SubscriptionStateCommands.Delete.class,
      SubscriptionDeadLetterCommands.DeadLetters.class,
      SubscriptionDeadLetterCommands.Replay.class
    })
public final class SubscriptionsCommand {}
