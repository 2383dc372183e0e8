package dev.coexist.bench;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code coexist bench store}: the store side of the data path on both engines, each figure next to
 * a ceiling measured in the same run.
 */
@Command(
    name = "store",
    mixinStandardHelpOptions = true,
    description = {
      "Measure the store on SQLite and PostgreSQL (an embedded PostgreSQL 17 unless --postgresql"
          + " names a server).",
      "import: history chunks journal -> store, messages/s, against a plain JDBC batch insert of"
          + " the same rows into the same engine.",
      "live: while history chunks are posted for one number, live messages for another go from"
          + " their 200 to visible in GET /api/v1/messages/{wamid}; the same with no import is the"
          + " floor.",
      "read: with --read-messages history messages stored, thread-list and message pages and"
          + " message search (words, wamid) over HTTP; GET /health/live is the floor.",
      "Exit code 0 when every scenario ran, whether its target was met or not (the report says)."
    })
public final class BenchStoreCommand implements Callable<Integer> {
  /** The engines a run covers. */
  enum EngineName {
    sqlite,
    postgresql
  }

  /** The scenarios. */
  enum ScenarioName {
    history,
    live,
    read
  }

  @Spec CommandSpec spec;

  @Option(
      names = "--engine",
      split = ",",
      description = "Engines: ${COMPLETION-CANDIDATES} (default: both).")
  List<EngineName> engines = new ArrayList<>(List.of(EngineName.values()));

  @Option(
      names = "--scenario",
      split = ",",
      description = "Scenarios: ${COMPLETION-CANDIDATES} (default: all).")
  List<ScenarioName> scenarios = new ArrayList<>(List.of(ScenarioName.values()));

  @Option(
      names = "--live-chunks",
      defaultValue = "50",
      description = "History chunks posted during the live scenario (default: ${DEFAULT-VALUE}).")
  int liveChunks;

  @Option(
      names = "--live-imports",
      defaultValue = "3",
      description =
          "Imports of --live-chunks chunks in the live scenario, one after the other; the live"
              + " messages of all of them make the percentiles (default: ${DEFAULT-VALUE}).")
  int liveImports;

  @Option(
      names = "--live-rate",
      defaultValue = "50",
      description = "Live messages per second in the live scenario (default: ${DEFAULT-VALUE}).")
  double liveRate;

  @Option(
      names = "--read-messages",
      defaultValue = "1000000",
      description = "Messages stored before the read scenario (default: ${DEFAULT-VALUE}).")
  int readMessages;

  @Option(
      names = "--read-customers",
      defaultValue = "5000",
      description = "Threads the read scenario's messages spread over (default: ${DEFAULT-VALUE}).")
  int readCustomers;

  @Option(
      names = "--read-requests",
      defaultValue = "2000",
      description =
          "Measured requests of each kind in the read scenario (default: ${DEFAULT-VALUE}).")
  int readRequests;

  @Option(
      names = "--postgresql",
      paramLabel = "JDBC_URL",
      description =
          "A PostgreSQL whose user may create databases (jdbc:postgresql://host/db?user=..);"
              + " default: an embedded one started for the run.")
  String postgresql;

  @Option(
      names = "--chunks",
      defaultValue = "100",
      description = "History chunks imported and measured (default: ${DEFAULT-VALUE}).")
  int chunks;

  @Option(
      names = "--warmup-chunks",
      defaultValue = "100",
      description =
          "Chunks applied to the store, and inserted into the ceiling, before measuring"
              + " (default: ${DEFAULT-VALUE}).")
  int warmupChunks;

  @Option(
      names = "--rehearsals",
      defaultValue = "2",
      description =
          "Times the whole history scenario runs first on other databases, unmeasured, so that the"
              + " JIT has compiled the import's code when the timing starts; the warm-up chunks"
              + " alone left it compiling through the timing (default: ${DEFAULT-VALUE}).")
  int rehearsals;

  @Option(
      names = "--threads-per-chunk",
      defaultValue = "100",
      description = "Threads in each chunk (default: ${DEFAULT-VALUE}).")
  int threadsPerChunk;

  @Option(
      names = "--messages-per-thread",
      defaultValue = "10",
      description = "Messages of each thread in a chunk (default: ${DEFAULT-VALUE}).")
  int messagesPerThread;

  @Option(
      names = "--customers",
      defaultValue = "2000",
      description = "Customers the threads are drawn from (default: ${DEFAULT-VALUE}).")
  int customers;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description = "Where the SQLite files go (default: a new temporary folder, removed after).")
  Path dataDir;

  @Override
  public Integer call() throws Exception {
    final PrintWriter out = spec.commandLine().getOut();
    final Path folder = dataDir != null ? dataDir : TempDirs.create("coexist-bench-store-");
    final HistoryChunks generator =
        new HistoryChunks(ImportScenario.NUMBER, threadsPerChunk, messagesPerThread, customers);
    final List<ImportScenario.Outcome> imports = new ArrayList<>();
    final List<LiveScenario.Outcome> lives = new ArrayList<>();
    final List<ReadScenario.Outcome> reads = new ArrayList<>();
    BenchPostgres postgres = null;
    try {
      for (final EngineName engine : engines) {
        if (engine == EngineName.postgresql && postgres == null) {
          postgres = BenchPostgres.start(postgresql);
          out.println("PostgreSQL: " + postgres.description());
        }
        if (scenarios.contains(ScenarioName.history)) {
          out.printf(
              Locale.ROOT,
              "history on %s: %d chunks of %d messages (%d threads), after %d unmeasured"
                  + " rehearsal(s) ...%n",
              engine,
              chunks,
              generator.messagesPerChunk(),
              threadsPerChunk,
              rehearsals);
          out.flush();
          for (int rehearsal = 1; rehearsal <= rehearsals; rehearsal++) {
            ImportScenario.run(
                engine.name(),
                url(engine, postgres, folder, "history-rehearsal-" + rehearsal + "-store"),
                url(engine, postgres, folder, "history-rehearsal-" + rehearsal + "-ceiling"),
                generator,
                warmupChunks,
                chunks);
          }
          imports.add(
              ImportScenario.run(
                  engine.name(),
                  url(engine, postgres, folder, "history-store"),
                  url(engine, postgres, folder, "history-ceiling"),
                  generator,
                  warmupChunks,
                  chunks));
        }
        if (scenarios.contains(ScenarioName.live)) {
          out.printf(
              Locale.ROOT,
              "live on %s: %.0f live messages/s while %d chunks import, %d times ...%n",
              engine,
              liveRate,
              liveChunks,
              liveImports);
          out.flush();
          lives.add(
              LiveScenario.run(
                  engine.name(),
                  folder.resolve("live-" + engine),
                  engine == EngineName.sqlite ? "" : postgres.newDatabase(),
                  new HistoryChunks(
                      LiveScenario.IMPORT_NUMBER, threadsPerChunk, messagesPerThread, customers),
                  liveChunks,
                  liveImports,
                  liveRate,
                  500));
        }
        if (scenarios.contains(ScenarioName.read)) {
          final HistoryChunks readChunks =
              new HistoryChunks(
                  ReadScenario.NUMBER, threadsPerChunk, messagesPerThread, readCustomers);
          final int readChunkCount = Math.max(1, readMessages / readChunks.messagesPerChunk());
          out.printf(
              Locale.ROOT,
              "read on %s: storing %d messages in %d threads ...%n",
              engine,
              (long) readChunkCount * readChunks.messagesPerChunk(),
              readCustomers);
          out.flush();
          reads.add(
              ReadScenario.run(
                  engine.name(),
                  folder.resolve("read-" + engine),
                  engine == EngineName.sqlite ? "" : postgres.newDatabase(),
                  readChunks,
                  readChunkCount,
                  readRequests,
                  out));
        }
      }
    } finally {
      if (postgres != null) {
        postgres.close();
      }
      if (dataDir == null) {
        TempDirs.delete(folder);
      }
    }
    if (!imports.isEmpty()) {
      printImports(out, imports);
    }
    if (!lives.isEmpty()) {
      printLives(out, lives);
    }
    if (!reads.isEmpty()) {
      printReads(out, reads);
    }
    return 0;
  }

  private static String url(
      final EngineName engine, final BenchPostgres postgres, final Path folder, final String name)
      throws java.sql.SQLException {
    return engine == EngineName.sqlite
        ? "jdbc:sqlite:" + folder.resolve(name + ".db")
        : postgres.newDatabase();
  }

  private static double millis(final Histogram histogram, final double percentile) {
    return histogram.getValueAtPercentile(percentile) / 1_000.0;
  }

  private static void printLives(final PrintWriter out, final List<LiveScenario.Outcome> outcomes) {
    out.println();
    out.println("Live messages during a history import, 200 -> visible in GET /api/v1/messages");
    out.println(
        "(target: p99 <= 100 ms during the import; 'quiet' is the same with no import; 'import'"
            + " pools the live messages of every import of the run)");
    out.println(
        "Linux autogroup (kernel.sched_autogroup_enabled): "
            + Autogroup.setting()
            + "; when on, PostgreSQL's backends and this JVM share the cores as two groups");
    out.printf(
        Locale.ROOT,
        "%-11s %-7s %6s %8s %8s %8s %8s  %s%n",
        "engine",
        "phase",
        "count",
        "p50 ms",
        "p90 ms",
        "p99 ms",
        "max ms",
        "verdict");
    for (final LiveScenario.Outcome outcome : outcomes) {
      liveRow(out, outcome.engine(), "quiet", outcome.quiet(), "");
      liveRow(
          out,
          outcome.engine(),
          "import",
          outcome.duringImport(),
          millis(outcome.duringImport(), 99) <= 100 ? "MET" : "MISSED");
    }
    out.flush();
  }

  private static void liveRow(
      final PrintWriter out,
      final String engine,
      final String phase,
      final Histogram histogram,
      final String verdict) {
    out.printf(
        Locale.ROOT,
        "%-11s %-7s %6d %8.1f %8.1f %8.1f %8.1f  %s%n",
        engine,
        phase,
        histogram.getTotalCount(),
        millis(histogram, 50),
        millis(histogram, 90),
        millis(histogram, 99),
        histogram.getMaxValue() / 1_000.0,
        verdict);
  }

  private static void printReads(final PrintWriter out, final List<ReadScenario.Outcome> outcomes) {
    out.println();
    out.println(
        "Reads over HTTP from a big store (target: p99 <= 10 ms for both pages, <= 50 ms for"
            + " search)");
    out.printf(
        Locale.ROOT,
        "%-11s %9s %7s %-14s %6s %8s %8s %8s  %s%n",
        "engine",
        "messages",
        "threads",
        "request",
        "count",
        "p50 ms",
        "p99 ms",
        "max ms",
        "verdict");
    for (final ReadScenario.Outcome outcome : outcomes) {
      readRow(out, outcome, "health (floor)", outcome.floor(), "");
      readRow(out, outcome, "thread list", outcome.threadList(), verdict(outcome.threadList()));
      readRow(out, outcome, "message page", outcome.messagePage(), verdict(outcome.messagePage()));
      readRow(
          out,
          outcome,
          "search words",
          outcome.searchWords(),
          searchVerdict(outcome.searchWords()));
      readRow(
          out,
          outcome,
          "search wamid",
          outcome.searchWamid(),
          searchVerdict(outcome.searchWamid()));
      out.printf(
          Locale.ROOT,
          "%-11s loaded in %.1f s (%,.0f messages/s, journal + store)%n",
          outcome.engine(),
          outcome.loadSeconds(),
          outcome.messages() / outcome.loadSeconds());
    }
    out.flush();
  }

  private static String verdict(final Histogram histogram) {
    return millis(histogram, 99) <= 10 ? "MET" : "MISSED";
  }

  private static String searchVerdict(final Histogram histogram) {
    return millis(histogram, 99) <= 50 ? "MET" : "MISSED";
  }

  private static void readRow(
      final PrintWriter out,
      final ReadScenario.Outcome outcome,
      final String request,
      final Histogram histogram,
      final String verdict) {
    out.printf(
        Locale.ROOT,
        "%-11s %9d %7d %-14s %6d %8.2f %8.2f %8.2f  %s%n",
        outcome.engine(),
        outcome.messages(),
        outcome.threads(),
        request,
        histogram.getTotalCount(),
        millis(histogram, 50),
        millis(histogram, 99),
        histogram.getMaxValue() / 1_000.0,
        verdict);
  }

  private static void printImports(
      final PrintWriter out, final List<ImportScenario.Outcome> outcomes) {
    out.println();
    out.println("History import, journal -> store (target: >= 100,000 msgs/s on SQLite,");
    out.println("and >= 0.5 x the plain JDBC batch insert ceiling on both engines)");
    out.printf(
        Locale.ROOT,
        "%-11s %10s %14s %16s %7s  %s%n",
        "engine",
        "messages",
        "store msgs/s",
        "ceiling msgs/s",
        "ratio",
        "verdict");
    for (final ImportScenario.Outcome outcome : outcomes) {
      final double ratio = outcome.storeRate() / outcome.ceilingRate();
      final boolean complete = outcome.storedMessages() == outcome.messages();
      final boolean fast =
          ratio >= 0.5 && (!"sqlite".equals(outcome.engine()) || outcome.storeRate() >= 100_000);
      out.printf(
          Locale.ROOT,
          "%-11s %10d %,14.0f %,16.0f %7.2f  %s%n",
          outcome.engine(),
          outcome.messages(),
          outcome.storeRate(),
          outcome.ceilingRate(),
          ratio,
          !complete
              ? "INCOMPLETE: " + outcome.storedMessages() + " stored"
              : fast ? "MET" : "MISSED");
    }
    out.println();
    out.println(
        "CPU seconds during each timing: the applying (inserting) thread and this whole JVM");
    out.println(
        "(decoder, WAL checkpointer, GC, JIT); PostgreSQL's server processes are not counted");
    out.printf(
        Locale.ROOT,
        "%-11s %9s %12s %9s   %11s %14s %11s%n",
        "engine",
        "store s",
        "store thread",
        "store JVM",
        "ceiling s",
        "ceiling thread",
        "ceiling JVM");
    for (final ImportScenario.Outcome outcome : outcomes) {
      out.printf(
          Locale.ROOT,
          "%-11s %9.2f %12.2f %9.2f   %11.2f %14.2f %11.2f%n",
          outcome.engine(),
          outcome.storeSeconds(),
          outcome.storeCpu().thread(),
          outcome.storeCpu().process(),
          outcome.ceilingSeconds(),
          outcome.ceilingCpu().thread(),
          outcome.ceilingCpu().process());
    }
    out.flush();
  }
}
