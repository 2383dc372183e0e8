package dev.coexist.bench;

import dev.coexist.journal.Lanes;
import dev.coexist.journal.Partitioning;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of the cluster benchmark: {@code nodes} Coexist nodes on a new database of one
 * PostgreSQL, live traffic for many numbers spread over the nodes at a fixed rate plus history
 * imports of two of those numbers, from the customers that write live (so a number's live lane and
 * history lane write the same customers and threads, possibly on two nodes); then, once everything
 * is applied, the wasted work (decodes per entry, entries written and rolled back, deadlocks), the
 * CPU of every Coexist node and of PostgreSQL per 1,000 applied deliveries, and ack → visible of
 * the live numbers that share a partition with an import (the importing numbers among them).
 *
 * <p>The same load, with other wamids, runs first for the warm-up, and what it costs is reported
 * apart: each JVM compiles the code it runs, once in its life, not per delivery, and a node that
 * gets a third of the calls reaches the compile thresholds later. Counted from the nodes' start,
 * compiling was the largest part of what three nodes paid beyond one (the lab log).
 */
final class ClusterRun {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterRun.class);

  /** How a run is set up. */
  record Settings(
      double rate,
      Duration window,
      int connections,
      int chunksPerImport,
      Duration leaseTimeout,
      List<String> jvmOptions,
      Duration warmUp) {}

  /** What a run measured. */
  record Result(
      int nodes,
      WarmUp warmUp,
      LiveLoad.Sent live,
      long chunksAcknowledged,
      long chunksSent,
      ClusterNodes.Counters counters,
      long deadlocks,
      double coexistCpuSeconds,
      double postgresCpuSeconds,
      Optional<AckToVisible.Outcome> sharingAnImport,
      AckToVisible.Outcome otherNumbers,
      ApplyLag applyLag,
      Optional<Failover.Times> failover,
      double drainSeconds) {

    double decodesPerEntry() {
      return counters.applied() + counters.failed() == 0
          ? Double.NaN
          : (double) counters.decodes() / (counters.applied() + counters.failed());
    }

    double cpuSecondsPerThousand() {
      final long entries = counters.applied() + counters.failed();
      return entries == 0 ? Double.NaN : (coexistCpuSeconds + postgresCpuSeconds) * 1_000 / entries;
    }
  }

  /** What the warm-up before the measured load cost: its entries and CPU seconds. */
  record WarmUp(
      Duration length, long entries, double coexistCpuSeconds, double postgresCpuSeconds) {}

  private static final long START_DELAY_NANOS = 2_000_000_000L;
  private static final double SETTLE_SECONDS = 10;
  private static final Duration DRAIN_LIMIT = Duration.ofMinutes(3);

  private ClusterRun() {}

  static Result run(
      final int nodeCount,
      final LiveDeliveries deliveries,
      final LiveDeliveries warmUpDeliveries,
      final Settings settings,
      final BenchPostgres postgres)
      throws IOException, InterruptedException, SQLException {
    final String databaseUrl = postgres.newDatabase();
    final List<String> importing = importingNumbers(deliveries);
    final Set<String> sharing = sharingNumbers(deliveries, importing);
    try (ClusterNodes nodes =
        ClusterNodes.start(
            nodeCount,
            databaseUrl,
            settings.leaseTimeout(),
            settings.jvmOptions(),
            postgres.description())) {
      final AckToVisible probe =
          new AckToVisible(nodes.get(0).endpoint().address(), ClusterNodes.API_KEY);
      // the other numbers, timed as often, in the same run: what sharing a partition costs
      final AckToVisible others =
          new AckToVisible(nodes.get(0).endpoint().address(), ClusterNodes.API_KEY);
      final int otherEvery = Math.max(1, (deliveries.numbers() - sharing.size()) / sharing.size());
      final WarmUp warmUp = warmUp(nodes, warmUpDeliveries, importing, settings, databaseUrl);
      final ClusterNodes.Counters before = nodes.counters();
      final long firstMeasured = lastJournalId(databaseUrl);
      final long start = System.nanoTime() + START_DELAY_NANOS;
      // the window's ends in the log, to line up probes taken outside (per-thread CPU, ...)
      LOG.info("{} node(s): the measured load starts", nodeCount);
      final long cpuStart = nodes.cpuNanos();
      final long postgresStart = ClusterNodes.postgresCpuNanos();
      final AtomicLong chunksAcknowledged = new AtomicLong();
      final List<Thread> imports =
          ClusterImports.start(
              nodes,
              importing,
              new ClusterImports.Pace(
                  MEASURED_PHASE, settings.chunksPerImport(), settings.window(), start),
              chunksAcknowledged);
      final LiveLoad.Sent sent;
      final AckToVisible.Outcome visible;
      final AckToVisible.Outcome otherVisible;
      try {
        sent =
            new LiveLoad(
                    deliveries,
                    nodes.endpoints(),
                    settings.connections(),
                    slot -> {
                      if (!LiveDeliveries.isInbound(slot)) {
                        return null;
                      }
                      if (sharing.contains(deliveries.numberOf(slot))) {
                        return probe;
                      }
                      return (slot / 3) % otherEvery == 0 ? others : null;
                    })
                .run(
                    start,
                    settings.window(),
                    settings.rate(),
                    probe,
                    start + (long) (SETTLE_SECONDS * 1e9));
        for (final Thread each : imports) {
          each.join();
        }
      } finally {
        visible = probe.finish();
        probe.close();
        otherVisible = others.finish();
        others.close();
      }
      final long drainStart = System.nanoTime();
      awaitDrained(databaseUrl);
      final double drainSeconds = (System.nanoTime() - drainStart) / 1e9;
      final double coexistCpu = (nodes.cpuNanos() - cpuStart) / 1e9;
      LOG.info("{} node(s): the measured load is applied", nodeCount);
      final double postgresCpu = (ClusterNodes.postgresCpuNanos() - postgresStart) / 1e9;
      final ClusterNodes.Counters counters = nodes.counters().minus(before);
      // before the failover, whose probe messages wait a lease time by design
      final ApplyLag lag = applyLag(databaseUrl, firstMeasured);
      final Optional<Failover.Times> failover =
          nodeCount >= 3 ? Optional.of(Failover.measure(nodes, databaseUrl)) : Optional.empty();
      return new Result(
          nodeCount,
          warmUp,
          sent,
          chunksAcknowledged.get(),
          (long) settings.chunksPerImport() * importing.size(),
          counters,
          deadlocks(databaseUrl),
          coexistCpu,
          postgresCpu,
          Optional.of(visible),
          otherVisible,
          lag,
          failover,
          drainSeconds);
    }
  }

  /** The two numbers that import their history: the first two live numbers. */
  static List<String> importingNumbers(final LiveDeliveries deliveries) {
    return List.of(deliveries.numberOf(0), deliveries.numberOf(LiveDeliveries.KINDS));
  }

  /** The live numbers whose partition an import shares. */
  static Set<String> sharingNumbers(final LiveDeliveries deliveries, final List<String> importing) {
    final Set<Integer> lanes = new HashSet<>();
    importing.forEach(number -> lanes.add(Lanes.ofNumber(number, Partitioning.DEFAULT)));
    final Set<String> sharing = new HashSet<>();
    for (int number = 0; number < deliveries.numbers(); number++) {
      final String id = deliveries.numberOf(number * 3L);
      if (lanes.contains(Lanes.ofNumber(id, Partitioning.DEFAULT))) {
        sharing.add(id);
      }
    }
    return sharing;
  }

  // the history phase of the measured imports' chunks; the warm-up's are of another phase, so
  // that none of its messages comes again
  private static final int MEASURED_PHASE = 0;
  private static final int WARM_UP_PHASE = 2;

  /**
   * The same load as the measured one, with other wamids, for {@link Settings#warmUp}; returns once
   * it is applied, with what it cost.
   */
  private static WarmUp warmUp(
      final ClusterNodes nodes,
      final LiveDeliveries deliveries,
      final List<String> importing,
      final Settings settings,
      final String databaseUrl)
      throws InterruptedException, SQLException {
    if (settings.warmUp().isZero()) {
      return new WarmUp(Duration.ZERO, 0, 0, 0);
    }
    final long cpuStart = nodes.cpuNanos();
    final long postgresStart = ClusterNodes.postgresCpuNanos();
    final long start = System.nanoTime() + START_DELAY_NANOS;
    final int chunks =
        (int)
            Math.max(
                1,
                settings.chunksPerImport()
                    * settings.warmUp().toMillis()
                    / settings.window().toMillis());
    final List<Thread> imports =
        ClusterImports.start(
            nodes,
            importing,
            new ClusterImports.Pace(WARM_UP_PHASE, chunks, settings.warmUp(), start),
            new AtomicLong());
    // the reads of the measured load's probes are warmed up too (their timings are not kept)
    final AckToVisible probe =
        new AckToVisible(nodes.get(0).endpoint().address(), ClusterNodes.API_KEY);
    try {
      new LiveLoad(
              deliveries,
              nodes.endpoints(),
              settings.connections(),
              slot -> LiveDeliveries.isInbound(slot) ? probe : null)
          .run(start, settings.warmUp(), settings.rate(), probe, start);
      for (final Thread each : imports) {
        each.join();
      }
    } finally {
      probe.finish();
      probe.close();
    }
    awaitDrained(databaseUrl);
    final ClusterNodes.Counters counters = nodes.counters();
    return new WarmUp(
        settings.warmUp(),
        counters.applied() + counters.failed(),
        (nodes.cpuNanos() - cpuStart) / 1e9,
        (ClusterNodes.postgresCpuNanos() - postgresStart) / 1e9);
  }

  // read from the database: a node busy enough not to answer /metrics must not pass for drained
  private static final String PENDING =
      """
      SELECT count(*) FROM processor_lanes p JOIN journal j ON j.lane = p.lane
       WHERE j.state = 'pending' AND j.id > p.applied_up_to
      """;

  // per live delivery, from its 200 (received_at, the journal's) to its apply's commit
  private static final String APPLY_LAG =
      """
      SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY o.updated_at - j.received_at),
             percentile_cont(0.99) WITHIN GROUP (ORDER BY o.updated_at - j.received_at),
             max(o.updated_at - j.received_at)
        FROM journal j JOIN entry_outcomes o ON o.journal_id = j.id
       WHERE j.route = 'whatsapp' AND j.id > ?
      """;

  /** Live deliveries from their 200 to their apply, milliseconds. */
  record ApplyLag(double p50, double p99, double max) {}

  private static void awaitDrained(final String databaseUrl)
      throws InterruptedException, SQLException {
    final long deadline = System.nanoTime() + DRAIN_LIMIT.toNanos();
    try (Connection connection = DriverManager.getConnection(databaseUrl)) {
      while (System.nanoTime() < deadline) {
        try (PreparedStatement select = connection.prepareStatement(PENDING);
            ResultSet row = select.executeQuery()) {
          row.next();
          if (row.getLong(1) == 0) {
            return;
          }
        }
        Thread.sleep(250);
      }
    }
  }

  // of the live deliveries journalled after {@code afterId} (those of the measured load)
  private static ApplyLag applyLag(final String databaseUrl, final long afterId)
      throws SQLException {
    try (Connection connection = DriverManager.getConnection(databaseUrl);
        PreparedStatement select = connection.prepareStatement(APPLY_LAG)) {
      select.setLong(1, afterId);
      try (ResultSet row = select.executeQuery()) {
        row.next();
        return new ApplyLag(row.getDouble(1), row.getDouble(2), row.getDouble(3));
      }
    }
  }

  private static long lastJournalId(final String databaseUrl) throws SQLException {
    try (Connection connection = DriverManager.getConnection(databaseUrl);
        PreparedStatement select =
            connection.prepareStatement("SELECT COALESCE(max(id), 0) FROM journal");
        ResultSet row = select.executeQuery()) {
      row.next();
      return row.getLong(1);
    }
  }

  private static long deadlocks(final String databaseUrl) throws SQLException {
    try (Connection connection = DriverManager.getConnection(databaseUrl);
        PreparedStatement select =
            connection.prepareStatement(
                "SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()");
        ResultSet row = select.executeQuery()) {
      return row.next() ? row.getLong(1) : -1;
    }
  }
}
