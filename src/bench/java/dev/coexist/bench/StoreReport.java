package dev.coexist.bench;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * The tables {@code bench store} prints: import, live during an import, reads; each with its
 * verdict.
 */
final class StoreReport {
  private StoreReport() {}

  private static double millis(final Histogram histogram, final double percentile) {
    return histogram.getValueAtPercentile(percentile) / 1_000.0;
  }

  static void lives(final PrintWriter out, final List<LiveScenario.Outcome> outcomes) {
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

  static void reads(final PrintWriter out, final List<ReadScenario.Outcome> outcomes) {
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

  static void imports(final PrintWriter out, final List<ImportScenario.Outcome> outcomes) {
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
