package dev.coexist.cli;

import dev.coexist.DataPath;
import dev.coexist.changes.OutboundQueue;
import dev.coexist.changes.SubscriptionRules;
import dev.coexist.changes.Subscriptions;
import dev.coexist.config.Config;
import dev.coexist.db.Database;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine;

/**
 * A {@code coexist subscriptions} subcommand: checks its input, opens the data path the one way
 * every command does (its processors neither started nor drained), runs on the subscriptions' rows
 * and closes it. What the subcommands share: the exit codes, how a refusal is printed, and the
 * small helpers they have in common.
 */
abstract class SubscriptionAction implements Callable<Integer> {
  /** Invalid input: an option or argument that cannot be used as given. */
  static final int EXIT_BAD_INPUT = 2;

  /** Nothing to work on: no such subscription, or nothing to replay. */
  static final int EXIT_NOT_FOUND = 1;

  /** Input or a state that stops the subcommand, with the exit code and the reason to print. */
  static final class Refused extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int exitCode;

    Refused(final int exitCode, final String reason) {
      super(reason);
      this.exitCode = exitCode;
    }
  }

  @CommandLine.Mixin private final DatabaseOptions databaseOptions = new DatabaseOptions();
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public final Integer call() throws Exception {
    final PrintWriter err = spec.commandLine().getErr();
    final String command = "subscriptions " + spec.name();
    try {
      check();
      // after the input: a bad option is named before the store is looked for
      final Config config = databaseOptions.existingStoreOrExplain(err, command);
      if (config == null) {
        return DatabaseOptions.EXIT_NO_STORE;
      }
      try (DataPath dataPath =
          DataPath.open(
              DataPath.Settings.forTool(config.databaseUrl()),
              new SimpleMeterRegistry(),
              change -> {})) {
        final Database database = dataPath.storage().store();
        final PrintWriter out = spec.commandLine().getOut();
        run(new Store(new Subscriptions(database), new OutboundQueue(database)), out);
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

  /** The subscriptions' rows a subcommand works on. */
  record Store(Subscriptions subscriptions, OutboundQueue queue) {}

  /** The subcommand's work: its result to {@code out}; a refusal is thrown as {@link Refused}. */
  abstract void run(Store store, PrintWriter out) throws Exception;

  /** Where notes for the person at the terminal go, apart from the result. */
  PrintWriter err() {
    return spec.commandLine().getErr();
  }

  /** The value a rule of {@link SubscriptionRules} gives, or bad input with the rule's reason. */
  static <T> T valid(final Supplier<T> rule) {
    try {
      return rule.get();
    } catch (IllegalArgumentException refused) {
      throw new Refused(EXIT_BAD_INPUT, refused.getMessage());
    }
  }

  static String time(final Instant instant) {
    return instant == null ? null : instant.toString();
  }
}
