package dev.coexist.bench;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
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
    RunHeader.top(out, "store", spec);
    out.flush();
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
      StoreReport.imports(out, imports);
    }
    if (!lives.isEmpty()) {
      StoreReport.lives(out, lives);
    }
    if (!reads.isEmpty()) {
      StoreReport.reads(out, reads);
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
}
