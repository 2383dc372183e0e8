package dev.coexist.bench;

import dev.coexist.DataPath;
import dev.coexist.db.Database;
import dev.coexist.db.Storage;
import dev.coexist.ingest.WebhookRoutes;
import dev.coexist.journal.Delivery;
import dev.coexist.journal.Journal;
import dev.coexist.journal.Receipt;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A history import, journal to store: the chunks are journalled first (not timed), then the
 * processor applies them all (timed), and the same rows go into a second, empty database of the
 * same engine as a plain JDBC batch insert, the ceiling of the same run. Both sides are warmed up
 * alike before their timing starts: the warm-up chunks (another phase of the same number) are
 * applied to the store and inserted into the ceiling's table, so both measure the steady state of a
 * running service with the same rows already in place, not class loading and JIT compilation.
 */
final class ImportScenario {
  static final String NUMBER = "106540352240001";

  record Outcome(
      String engine,
      int chunks,
      long messages,
      double storeSeconds,
      double ceilingSeconds,
      long storedMessages,
      Cpu storeCpu,
      Cpu ceilingCpu) {
    double storeRate() {
      return messages / storeSeconds;
    }

    double ceilingRate() {
      return messages / ceilingSeconds;
    }
  }

  /**
   * CPU seconds spent during a timing: by the thread that applied or inserted (the processor's
   * drain, the ceiling's loop) and by this whole JVM (decoder, checkpointer, GC, JIT compilers); a
   * database server's own processes are not counted.
   */
  record Cpu(double thread, double process) {}

  /** The CPU clocks of the calling thread and of this JVM at the start of a timing. */
  private record CpuStart(long thread, long process) {
    static CpuStart now() {
      return new CpuStart(THREADS.getCurrentThreadCpuTime(), CpuClock.selfNanos());
    }

    /** What was spent since, read on the same thread. */
    Cpu spent() {
      return new Cpu(
          (THREADS.getCurrentThreadCpuTime() - thread) / 1e9,
          (CpuClock.selfNanos() - process) / 1e9);
    }
  }

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private ImportScenario() {}

  /**
   * @param storeUrl an empty database for the import
   * @param ceilingUrl another empty database of the same engine for the ceiling
   */
  static Outcome run(
      final String engine,
      final String storeUrl,
      final String ceilingUrl,
      final HistoryChunks generator,
      final int warmupChunks,
      final int chunks)
      throws Exception {
    final List<byte[]> measured =
        generator.chunks(1, chunks, chunk -> Math.min(99, chunk * 100 / chunks));
    // warm-up (class loading, JIT, statement caches): phase 0 of the same number
    final List<byte[]> warmup = generator.chunks(0, warmupChunks, chunk -> 0);
    final double storeSeconds;
    final Cpu storeCpu;
    final long stored;
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (DataPath dataPath = DataPath.open(DataPath.Settings.forTool(storeUrl), meters, c -> {})) {
      journalAll(dataPath.journal(), warmup);
      dataPath.drain();
      journalAll(dataPath.journal(), measured);
      final CpuStart cpu = CpuStart.now();
      final long started = System.nanoTime();
      dataPath.drain();
      storeSeconds = (System.nanoTime() - started) / 1e9;
      storeCpu = cpu.spent();
      stored =
          count(dataPath.storage().store(), "messages")
              - (long) warmupChunks * generator.messagesPerChunk();
    }
    final Map<String, Long> threads = new HashMap<>();
    final BatchInsertCeiling warmupRows = BatchInsertCeiling.of(warmup, threads);
    final BatchInsertCeiling ceiling = BatchInsertCeiling.of(measured, threads);
    final double ceilingSeconds;
    final Cpu ceilingCpu;
    try (Storage storage = Storage.open(ceilingUrl, Duration.ofSeconds(5), 2)) {
      warmupRows.run(storage.store());
      final CpuStart cpu = CpuStart.now();
      ceilingSeconds = ceiling.run(storage.store()) / 1e9;
      ceilingCpu = cpu.spent();
    }
    return new Outcome(
        engine,
        chunks,
        ceiling.messages(),
        storeSeconds,
        ceilingSeconds,
        stored,
        storeCpu,
        ceilingCpu);
  }

  static void journalAll(final Journal journal, final List<byte[]> bodies) {
    final List<CompletableFuture<Receipt>> receipts = new ArrayList<>();
    for (final byte[] body : bodies) {
      receipts.add(
          journal.append(
              new Delivery(
                  System.currentTimeMillis(),
                  "360dialog",
                  "{}",
                  body,
                  WebhookRoutes.sha256Hex(body),
                  null,
                  null)));
    }
    for (final CompletableFuture<Receipt> receipt : receipts) {
      if (receipt.join().outcome() != Receipt.Outcome.ACCEPTED) {
        throw new IllegalStateException("a generated chunk was not accepted: " + receipt.join());
      }
    }
  }

  static long count(final Database database, final String table) throws SQLException {
    try (Connection connection = database.pool().getConnection();
        Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery("SELECT count(*) FROM " + table)) {
      row.next();
      return row.getLong(1);
    }
  }
}
