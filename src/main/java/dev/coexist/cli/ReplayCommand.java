package dev.coexist.cli;

import dev.coexist.DataPath;
import dev.coexist.config.Config;
import dev.coexist.store.JournalStates;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code coexist replay}: applies journal entries again, by id, by range or every failed one. Safe
 * next to a running server (the apply is idempotent and takes its turn on the database).
 */
@Command(
    name = "replay",
    mixinStandardHelpOptions = true,
    description = "Apply journal entries again: one id, a range (--from/--to) or --failed.")
public final class ReplayCommand implements Callable<Integer> {
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
    final int chosen =
        (id != null ? 1 : 0) + (from != null || to != null ? 1 : 0) + (failed ? 1 : 0);
    if (chosen != 1 || (from == null) != (to == null)) {
      spec.commandLine()
          .getErr()
          .println("coexist replay: give one of ID, --from A --to B, or --failed");
      return 2;
    }
    final Config config = databaseOptions.configOrExplain(spec.commandLine().getErr(), "replay");
    if (config == null) {
      return 2;
    }
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (DataPath dataPath =
        DataPath.open(
            DataPath.Settings.forTool(config.databaseUrl())
                .withHistoryStallAfter(config.historyStallAfter()),
            meters,
            change -> {})) {
      final JournalStates journal = dataPath.states();
      final int replayed =
          failed
              ? journal.replayFailed()
              : id != null ? (journal.replay(id) ? 1 : 0) : journal.replayRange(from, to);
      if (replayed == 0) {
        spec.commandLine()
            .getErr()
            .println("coexist replay: nothing to replay (only applied or failed entries are)");
        return 1;
      }
      ApplyProgress.drain(dataPath, spec.commandLine().getErr(), "replaying");
      spec.commandLine()
          .getOut()
          .println(
              "replayed "
                  + replayed
                  + " entries; still failed: "
                  + journal.entries("failed", 0, 1_000_000).size());
      return 0;
    }
  }
}
