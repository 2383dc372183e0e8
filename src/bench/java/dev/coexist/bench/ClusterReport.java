package dev.coexist.bench;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.HdrHistogram.Histogram;

/** The cluster benchmark's report: one block per run, then each target with its verdict. */
final class ClusterReport {
  static final double DECODES_PER_ENTRY_TARGET = 1.05;
  static final double CPU_RATIO_TARGET = 1.25;
  static final Duration FAILOVER_TARGET = Duration.ofSeconds(15);
  static final double SHARING_P99_TARGET_MILLIS = 500;

  private ClusterReport() {}

  private static String count(final long value) {
    return String.format(Locale.ROOT, "%,d", value);
  }

  static void run(final PrintWriter out, final ClusterRun.Result result) {
    final ClusterNodes.Counters counters = result.counters();
    out.printf(
        Locale.ROOT,
        "%n%d node%s: live acks %s of %s due (%s failed, %s unsent), history chunks %s of %s;"
            + " applied %s entries (%s failed), drained %s s after the load%n",
        result.nodes(),
        result.nodes() == 1 ? "" : "s",
        count(result.live().acks()),
        count(result.live().due()),
        count(result.live().failed()),
        count(result.live().unsent()),
        count(result.chunksAcknowledged()),
        count(result.chunksSent()),
        count(counters.applied()),
        count(counters.failed()),
        Report.number(result.drainSeconds()));
    out.printf(
        Locale.ROOT,
        "  decodes per entry %.3f (%s decodes); entries written and rolled back: %s history"
            + " chunks, %s live; lanes found held by another node %s; deadlocks %s%n",
        result.decodesPerEntry(),
        count(counters.decodes()),
        count(counters.undoneBig()),
        count(counters.undoneSmall()),
        count(counters.lanesBusy()),
        count(result.deadlocks()));
    final ClusterRun.WarmUp warmUp = result.warmUp();
    if (!warmUp.length().isZero()) {
      out.printf(
          Locale.ROOT,
          "  warm-up (%s s, not counted below): %s entries applied, CPU: Coexist %.1f s +"
              + " PostgreSQL %.1f s%n",
          Report.number(warmUp.length().toSeconds()),
          count(warmUp.entries()),
          warmUp.coexistCpuSeconds(),
          warmUp.postgresCpuSeconds());
    }
    out.printf(
        Locale.ROOT,
        "  CPU: Coexist %.1f s + PostgreSQL %.1f s = %.1f s, %.2f s per 1,000 applied entries;"
            + " live deliveries from 200 to applied (the journal's times): p50 %s ms, p99 %s ms,"
            + " max %s ms%n",
        result.coexistCpuSeconds(),
        result.postgresCpuSeconds(),
        result.coexistCpuSeconds() + result.postgresCpuSeconds(),
        result.cpuSecondsPerThousand(),
        Report.number(result.applyLag().p50()),
        Report.number(result.applyLag().p99()),
        Report.number(result.applyLag().max()));
    result
        .sharingAnImport()
        .ifPresent(
            visible ->
                out.printf(
                    Locale.ROOT,
                    "  ack -> visible, live numbers sharing a partition with an import: %s;"
                        + " the other numbers: %s%n",
                    latency(visible),
                    latency(result.otherNumbers())));
    result
        .failover()
        .ifPresent(
            times ->
                out.printf(
                    Locale.ROOT,
                    "  failover: SIGKILL of a node holding %d partitions -> all applied again in"
                        + " %.1f s; SIGSTOP of a node holding %d -> %.1f s%n",
                    times.killedLanes(),
                    times.killed().toMillis() / 1000.0,
                    times.frozenLanes(),
                    times.frozen().toMillis() / 1000.0));
  }

  private static String latency(final AckToVisible.Outcome visible) {
    final Histogram micros = visible.micros();
    if (micros.getTotalCount() == 0) {
      return "no samples visible (" + visible.notVisible() + " not visible within the limit)";
    }
    return String.format(
        Locale.ROOT,
        "p50 %s ms, p99 %s ms, max %s ms (%s samples, %s not visible within %s s)",
        Report.number(micros.getValueAtPercentile(50) / 1000.0),
        Report.number(micros.getValueAtPercentile(99) / 1000.0),
        Report.number(micros.getMaxValue() / 1000.0),
        count(micros.getTotalCount()),
        count(visible.notVisible()),
        Report.number(AckToVisible.LIMIT.toSeconds()));
  }

  static void summary(final PrintWriter out, final List<ClusterRun.Result> results) {
    out.println();
    out.println("Targets (the run with the most nodes, against the run with one):");
    final ClusterRun.Result most =
        results.stream().max((a, b) -> Integer.compare(a.nodes(), b.nodes())).orElseThrow();
    final Optional<ClusterRun.Result> one =
        results.stream().filter(result -> result.nodes() == 1).findFirst();
    verdict(
        out,
        "decodes per entry <= " + DECODES_PER_ENTRY_TARGET,
        String.format(Locale.ROOT, "%.3f", most.decodesPerEntry()),
        most.decodesPerEntry() <= DECODES_PER_ENTRY_TARGET);
    verdict(
        out,
        "history chunks written twice 0",
        count(most.counters().undoneBig()),
        most.counters().undoneBig() == 0);
    verdict(out, "deadlocks 0", count(most.deadlocks()), most.deadlocks() == 0);
    one.ifPresent(
        single -> {
          final double ratio = most.cpuSecondsPerThousand() / single.cpuSecondsPerThousand();
          verdict(
              out,
              "CPU per 1,000 applied entries, " + most.nodes() + " nodes <= 1.25x one node's",
              String.format(
                  Locale.ROOT,
                  "%.2fx (%.2f s against %.2f s)",
                  ratio,
                  most.cpuSecondsPerThousand(),
                  single.cpuSecondsPerThousand()),
              ratio <= CPU_RATIO_TARGET);
        });
    most.failover()
        .ifPresent(
            times -> {
              verdict(
                  out,
                  "failover after SIGKILL <= 15 s",
                  String.format(Locale.ROOT, "%.1f s", times.killed().toMillis() / 1000.0),
                  times.killedLanes() > 0 && times.killed().compareTo(FAILOVER_TARGET) <= 0);
              verdict(
                  out,
                  "failover after SIGSTOP <= 15 s",
                  String.format(Locale.ROOT, "%.1f s", times.frozen().toMillis() / 1000.0),
                  times.frozenLanes() > 0 && times.frozen().compareTo(FAILOVER_TARGET) <= 0);
            });
    most.sharingAnImport()
        .ifPresent(
            visible -> {
              final double p99 =
                  visible.micros().getTotalCount() == 0
                      ? Double.NaN
                      : visible.micros().getValueAtPercentile(99) / 1000.0;
              verdict(
                  out,
                  "ack -> visible p99, numbers sharing a partition with an import <= 500 ms",
                  Report.number(p99) + " ms, " + visible.notVisible() + " not visible",
                  p99 <= SHARING_P99_TARGET_MILLIS && visible.notVisible() == 0);
            });
  }

  private static void verdict(
      final PrintWriter out, final String target, final String figure, final boolean met) {
    out.printf(Locale.ROOT, "  %-80s %-32s %s%n", target, figure, met ? "MET" : "MISSED");
  }
}
