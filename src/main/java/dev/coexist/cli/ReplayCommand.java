package dev.coexist.cli;

import dev.coexist.DataPath;
import dev.coexist.config.Config;
import dev.coexist.journal.JournalSummary;
import dev.coexist.store.JournalStates;
import dev.coexist.store.ProblemQueries;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code coexist replay}: applies journal entries again, by id, by range or every failed one, and
 * says how it went for those entries. Safe next to a running server (the apply is idempotent and
 * takes its turn on the database).
 */
@Command(
    name = "replay",
    mixinStandardHelpOptions = true,
    description = {
      "Apply journal entries again: one id, a range (--from/--to) or --failed.",
      "Exit 0 when every replayed entry applied, 1 when one failed or there was nothing to replay."
    })
public final class ReplayCommand implements Callable<Integer> {
  private static final int PAGE = 500;

  @CommandLine.Mixin private final DatabaseOptions databaseOptions = new DatabaseOptions();
  @CommandLine.Spec private CommandLine.Model.CommandSpec spec;

  @CommandLine.Parameters(arity = "0..1", paramLabel = "ID", description = "One journal entry.")
  Long id;

  @Option(names = "--from", description = "First entry of a range.")
  Long from;

  @Option(names = "--to", description = "Last entry of a range (inclusive).")
  Long to;

  @Option(names = "--failed", description = "Every failed entry.")
  boolean failed;

  @Override
  public Integer call() throws Exception {
    final PrintWriter err = spec.commandLine().getErr();
    final int chosen =
        (id != null ? 1 : 0) + (from != null || to != null ? 1 : 0) + (failed ? 1 : 0);
    if (chosen != 1 || (from == null) != (to == null)) {
      err.println("coexist replay: give one of ID, --from A --to B, or --failed");
      return 2;
    }
    if (from != null && from > to) {
      err.println("coexist replay: --from " + from + " is after --to " + to);
      return 2;
    }
    final Config config = databaseOptions.existingStoreOrExplain(err, "replay");
    if (config == null) {
      return DatabaseOptions.EXIT_NO_STORE;
    }
    try (DataPath dataPath =
        DataPath.open(
            DataPath.Settings.forTool(config.databaseUrl())
                .withHistoryStallAfter(config.historyStallAfter()),
            new SimpleMeterRegistry(),
            change -> {})) {
      final JournalStates journal = dataPath.states();
      if (id != null) {
        return replayOne(dataPath, journal);
      }
      final long first = failed ? 0 : from;
      final long last = failed ? Long.MAX_VALUE : to;
      final Set<Long> failedBefore = failedIds(journal, first, last);
      final int replayed = failed ? journal.replayFailed() : journal.replayRange(first, last);
      if (replayed == 0) {
        err.println(
            "coexist replay: nothing to replay"
                + (failed ? ": no entry failed" : " from " + first + " to " + last)
                + " (only applied or failed entries are)");
        return 1;
      }
      ApplyProgress.drain(dataPath, err, "replaying");
      final Set<Long> failedAfter = failedIds(journal, first, last);
      // --failed replays exactly the entries that had failed; a later delivery failing meanwhile
      // is not one of them
      if (failed) {
        failedAfter.retainAll(failedBefore);
      }
      final PrintWriter out = spec.commandLine().getOut();
      out.println(
          "replayed "
              + plural(replayed, "entry", "entries")
              + ": "
              + (replayed - failedAfter.size())
              + " applied, "
              + failedAfter.size()
              + " failed"
              + (failedAfter.isEmpty() ? "" : " (" + listed(failedAfter) + ")"));
      return failedAfter.isEmpty() ? 0 : 1;
    }
  }

  /** Replays entry {@code id} and says what became of it: applied (with problems) or failed. */
  private int replayOne(final DataPath dataPath, final JournalStates journal) throws Exception {
    final PrintWriter err = spec.commandLine().getErr();
    final Optional<JournalSummary> before = journal.summary(id);
    if (before.isEmpty()) {
      err.println("coexist replay: no journal entry " + id);
      return 1;
    }
    if (!journal.replay(id)) {
      final JournalSummary entry = before.get();
      err.println(
          "coexist replay: entry "
              + id
              + " is "
              + entry.state()
              + (entry.error() == null ? "" : " (" + entry.error() + ")")
              + "; only applied or failed entries are replayed");
      return 1;
    }
    ApplyProgress.drain(dataPath, err, "replaying");
    final JournalSummary after = journal.summary(id).orElseThrow();
    final PrintWriter out = spec.commandLine().getOut();
    if (after.state().equals("failed")) {
      out.println("entry " + id + " failed: " + after.error());
      return 1;
    }
    final int problems =
        new ProblemQueries(dataPath.storage().store()).counts(List.of(id)).getOrDefault(id, 0);
    out.println(
        "entry "
            + id
            + " "
            + after.state()
            + (problems == 0
                ? ""
                : "; "
                    + plural(problems, "item", "items")
                    + " of it not applied (GET /api/v1/journal/"
                    + id
                    + "/problems)"));
    return after.state().equals("applied") ? 0 : 1;
  }

  /** The failed entries with ids from {@code first} to {@code last}. */
  private static Set<Long> failedIds(final JournalStates journal, final long first, final long last)
      throws SQLException {
    final Set<Long> ids = new HashSet<>();
    long after = first - 1;
    while (true) {
      final List<JournalSummary> page = journal.entries("failed", after, PAGE);
      for (final JournalSummary entry : page) {
        if (entry.id() > last) {
          return ids;
        }
        ids.add(entry.id());
        after = entry.id();
      }
      if (page.size() < PAGE) {
        return ids;
      }
    }
  }

  private static String listed(final Set<Long> ids) {
    final List<String> sorted = ids.stream().sorted().limit(10).map(String::valueOf).toList();
    return (ids.size() == 1 ? "entry " : "entries ")
        + String.join(", ", sorted)
        + (ids.size() > sorted.size() ? ", …" : "");
  }

  private static String plural(final long count, final String one, final String many) {
    return count + " " + (count == 1 ? one : many);
  }
}
