package dev.coexist.cli;

import dev.coexist.DataPath;
import dev.coexist.changes.OutboundQueue;
import dev.coexist.changes.SubscriptionRules;
import dev.coexist.changes.Subscriptions;
import dev.coexist.changes.WebhookSubscription;
import dev.coexist.config.Config;
import dev.coexist.db.Database;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

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
      SubscriptionsCommand.ListSubscriptions.class,
      SubscriptionsCommand.Add.class,
      SubscriptionsCommand.Show.class,
      SubscriptionsCommand.Pause.class,
      SubscriptionsCommand.Resume.class,
      SubscriptionsCommand.RotateSecret.class,
      SubscriptionsCommand.Delete.class,
      SubscriptionsCommand.DeadLetters.class,
      SubscriptionsCommand.Replay.class
    })
public final class SubscriptionsCommand {
  /** Invalid input: an option or argument that cannot be used as given. */
  static final int EXIT_BAD_INPUT = 2;

  /** Nothing to work on: no such subscription, or nothing to replay. */
  static final int EXIT_NOT_FOUND = 1;

  private static final int RECENT = 20;
  private static final int DEAD_LETTERS_PAGE = 500;

  /** Input or a state that stops the subcommand, with the exit code and the reason to print. */
  private static final class Refused extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int exitCode;

    Refused(final int exitCode, final String reason) {
      super(reason);
      this.exitCode = exitCode;
    }
  }

  /**
   * A subcommand: checks its input, opens the data path the one way every command does (its
   * processors neither started nor drained), runs on the subscriptions' rows and closes it.
   */
  abstract static class Action implements Callable<Integer> {
    @CommandLine.Mixin private final DatabaseOptions databaseOptions = new DatabaseOptions();
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public final Integer call() throws Exception {
      final PrintWriter err = spec.commandLine().getErr();
      final String command = "subscriptions " + spec.name();
      final Config config = databaseOptions.configOrExplain(err, command);
      if (config == null) {
        return EXIT_BAD_INPUT;
      }
      try {
        check();
        try (DataPath dataPath =
            DataPath.open(
                DataPath.Settings.forTool(config.databaseUrl()),
                new SimpleMeterRegistry(),
                change -> {})) {
          final Database database = dataPath.storage().store();
          final PrintWriter out = spec.commandLine().getOut();
          run(new Subscriptions(database), new OutboundQueue(database), out, err);
          out.flush();
          return 0;
        }
      } catch (Refused refused) {
        err.println("coexist " + command + ": " + refused.getMessage());
        return refused.exitCode;
      }
    }

    /** Checks the input before the database is opened; throws {@link Refused} saying why not. */
    void check() {}

    abstract void run(
        Subscriptions subscriptions, OutboundQueue queue, PrintWriter out, PrintWriter err)
        throws Exception;
  }

  /** A subcommand on one subscription, named by its id. */
  abstract static class OnOne extends Action {
    @Parameters(index = "0", paramLabel = "ID", description = "The subscription (sub_...).")
    String id;

    WebhookSubscription found(final Subscriptions subscriptions) throws Exception {
      return subscriptions.find(id).orElseThrow(this::unknown);
    }

    Refused unknown() {
      return new Refused(EXIT_NOT_FOUND, "no subscription " + id);
    }
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "Every subscription: its state, url, counters and lag.")
  static final class ListSubscriptions extends Action {
    @Override
    void run(
        final Subscriptions subscriptions,
        final OutboundQueue queue,
        final PrintWriter out,
        final PrintWriter err)
        throws Exception {
      final List<WebhookSubscription> all = subscriptions.list();
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
            lag(queue, subscription, now));
      }
      table.print(out);
    }
  }

  @Command(
      name = "add",
      mixinStandardHelpOptions = true,
      description = {
        "Create a subscription; prints its id and its secret (shown this once).",
        "It receives the changes committed from now on."
      })
  static final class Add extends Action {
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
              valid(() -> SubscriptionRules.secret(secret)));
    }

    @Override
    void run(
        final Subscriptions subscriptions,
        final OutboundQueue queue,
        final PrintWriter out,
        final PrintWriter err)
        throws Exception {
      final WebhookSubscription created = subscriptions.create(wanted, Instant.now());
      out.println("id: " + created.id());
      out.println("secret: " + created.secret());
      err.println(
          "The secret is shown only now: keep it where the receiver verifies signatures"
              + " (rotate-secret makes a new one).");
    }
  }

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = "A subscription's details and its most recent delivery attempts.")
  static final class Show extends OnOne {
    @Override
    void run(
        final Subscriptions subscriptions,
        final OutboundQueue queue,
        final PrintWriter out,
        final PrintWriter err)
        throws Exception {
      final WebhookSubscription subscription = found(subscriptions);
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
      fields.add(field("delivered", String.valueOf(subscription.delivered())));
      fields.add(field("failed attempts", String.valueOf(subscription.failedAttempts())));
      fields.add(field("dead letters", String.valueOf(subscription.deadLetters())));
      fields.add(field("lag", lag(queue, subscription, now)));
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
      final List<OutboundQueue.Attempted> recent = queue.recent(subscription.id(), RECENT);
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
            event.seq(),
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

  @Command(
      name = "pause",
      mixinStandardHelpOptions = true,
      description = "Stop delivering; changes keep being queued for it.")
  static final class Pause extends OnOne {
    @Override
    void run(
        final Subscriptions subscriptions,
        final OutboundQueue queue,
        final PrintWriter out,
        final PrintWriter err)
        throws Exception {
      out.println(id + ": " + state(subscriptions, this, WebhookSubscription.PAUSED));
    }
  }

  @Command(
      name = "resume",
      mixinStandardHelpOptions = true,
      description = "Deliver again (a paused or disabled subscription), from where it stopped.")
  static final class Resume extends OnOne {
    @Override
    void run(
        final Subscriptions subscriptions,
        final OutboundQueue queue,
        final PrintWriter out,
        final PrintWriter err)
        throws Exception {
      out.println(id + ": " + state(subscriptions, this, WebhookSubscription.ACTIVE));
    }
  }

  @Command(
      name = "rotate-secret",
      mixinStandardHelpOptions = true,
      description = {
        "Give a subscription a new secret and print it.",
        "The old one keeps signing too for 24 hours, so the receiver can switch without a gap."
      })
  static final class RotateSecret extends OnOne {
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
    void run(
        final Subscriptions subscriptions,
        final OutboundQueue queue,
        final PrintWriter out,
        final PrintWriter err)
        throws Exception {
      final WebhookSubscription rotated =
          subscriptions
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
  static final class Delete extends OnOne {
    @Override
    void run(
        final Subscriptions subscriptions,
        final OutboundQueue queue,
        final PrintWriter out,
        final PrintWriter err)
        throws Exception {
      if (!subscriptions.delete(id)) {
        throw unknown();
      }
      out.println("deleted " + id);
    }
  }

  @Command(
      name = "dead-letters",
      mixinStandardHelpOptions = true,
      description = "The events a subscription gave up on, oldest first.")
  static final class DeadLetters extends OnOne {
    @Override
    void run(
        final Subscriptions subscriptions,
        final OutboundQueue queue,
        final PrintWriter out,
        final PrintWriter err)
        throws Exception {
      final WebhookSubscription subscription = found(subscriptions);
      final Table table =
          new Table("EVENT", "TYPE", "ATTEMPTS", "LAST STATUS", "LAST ATTEMPT", "LAST ERROR");
      long after = 0;
      int count = 0;
      List<OutboundQueue.Attempted> page;
      do {
        page = queue.inState(subscription.id(), "dead", after, DEAD_LETTERS_PAGE);
        for (final OutboundQueue.Attempted event : page) {
          table.row(
              event.seq(),
              event.type(),
              event.attempts(),
              event.lastStatus(),
              time(event.lastAttemptAt()),
              event.lastError());
          after = event.seq();
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
  static final class Replay extends OnOne {
    @CommandLine.ArgGroup(exclusive = true, multiplicity = "1")
    Which which;

    static final class Which {
      @Option(names = "--event", paramLabel = "SEQ", description = "One dead letter, by event id.")
      Long event;

      @Option(
          names = "--since",
          paramLabel = "INSTANT",
          description = "Every dead letter since then (ISO-8601, e.g. 2026-03-16T12:00:00Z).")
      String since;
    }

    private Instant since;

    @Override
    void check() {
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
    void run(
        final Subscriptions subscriptions,
        final OutboundQueue queue,
        final PrintWriter out,
        final PrintWriter err)
        throws Exception {
      final WebhookSubscription subscription = found(subscriptions);
      final Instant now = Instant.now();
      final int replayed;
      if (which.event != null) {
        if (!queue.replay(subscription.id(), which.event, now)) {
          throw new Refused(
              EXIT_NOT_FOUND,
              "event " + which.event + " is not a dead letter of " + subscription.id());
        }
        replayed = 1;
      } else {
        replayed = queue.replaySince(subscription.id(), since, now);
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

  /** Sets a subscription's state; the state it is in afterwards. */
  private static String state(
      final Subscriptions subscriptions, final OnOne command, final String state) throws Exception {
    return subscriptions
        .change(
            command.id,
            new Subscriptions.Change(null, null, null, null, state, null, false),
            Instant.now())
        .orElseThrow(command::unknown)
        .state();
  }

  /** The value a rule of {@link SubscriptionRules} gives, or bad input with the rule's reason. */
  private static <T> T valid(final Supplier<T> rule) {
    try {
      return rule.get();
    } catch (IllegalArgumentException refused) {
      throw new Refused(EXIT_BAD_INPUT, refused.getMessage());
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

  private static String time(final Instant instant) {
    return instant == null ? null : instant.toString();
  }
}
