package dev.coexist.cli;

import dev.coexist.DataPath;
import dev.coexist.apply.Repartitioning;
import dev.coexist.config.Config;
import dev.coexist.journal.Partitioning;
import dev.coexist.store.PartitioningState;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code coexist partitions}: how many lanes (partitions by phone number) the journal has, and
 * {@code --set N} to change it on a live store. Safe next to running servers: the change takes the
 * journal writers' turn, and entries journalled after it wait until every earlier one is applied.
 */
@Command(
    name = "partitions",
    mixinStandardHelpOptions = true,
    description = {
      "Show the journal's partitions by phone number (lanes), or change their count with --set.",
      "Exit 0 when shown or changed; 1 when a change is refused (the last one is still being"
          + " applied); 2 on a bad count."
    })
public final class PartitionsCommand implements Callable<Integer> {
  @CommandLine.Mixin private final DatabaseOptions databaseOptions = new DatabaseOptions();
  @CommandLine.Spec private CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--set",
      paramLabel = "N",
      description =
          "The partitions new entries go to, 1 to "
              + Partitioning.MAX
              + "; more than nodes x processors, so that every processor has lanes of its own.")
  Integer set;

  @Override
  public Integer call() throws Exception {
    final PrintWriter err = spec.commandLine().getErr();
    final PrintWriter out = spec.commandLine().getOut();
    if (set != null && (set < 1 || set > Partitioning.MAX)) {
      err.println("coexist partitions: --set must be 1 to " + Partitioning.MAX + ", not " + set);
      return 2;
    }
    final Config config = databaseOptions.existingStoreOrExplain(err, "partitions");
    if (config == null) {
      return DatabaseOptions.EXIT_NO_STORE;
    }
    try (DataPath dataPath =
        DataPath.open(
            DataPath.Settings.forTool(config.databaseUrl()),
            new SimpleMeterRegistry(),
            change -> {})) {
      if (set == null) {
        out.println(described(PartitioningState.read(dataPath.storage().store())));
        return 0;
      }
      return switch (Repartitioning.change(dataPath.storage(), set)) {
        case Repartitioning.Result.Changed changed -> {
          out.println(
              "changed: entries after "
                  + changed.now().sinceId()
                  + " go to "
                  + changed.now().partitions()
                  + " partitions (before: "
                  + changed.now().previousPartitions()
                  + "); they apply once every entry up to "
                  + changed.now().sinceId()
                  + " is applied");
          yield 0;
        }
        case Repartitioning.Result.Unchanged unchanged -> {
          out.println("unchanged: the journal has " + unchanged.now().partitions() + " already");
          yield 0;
        }
        case Repartitioning.Result.StillApplying applying -> {
          err.println(
              "coexist partitions: the change to "
                  + applying.now().partitions()
                  + " is still being applied ("
                  + applying.waiting()
                  + " entries from before it wait); try again when they are");
          yield 1;
        }
        case Repartitioning.Result.Raced raced -> {
          err.println("coexist partitions: another change came first; look again");
          yield 1;
        }
      };
    }
  }

  private static String described(final PartitioningState state) {
    final Partitioning now = state.partitioning();
    final String base = now.partitions() + " partitions by phone number";
    if (now.sinceId() == 0 || now.previousPartitions() == now.partitions()) {
      return base;
    }
    return base
        + " from entry "
        + (now.sinceId() + 1)
        + " on (before it "
        + now.previousPartitions()
        + ": "
        + (state.waitingBeforeChange() == 0
            ? "all applied)"
            : state.waitingBeforeChange() + " entries still to apply, the later ones wait)");
  }
}
