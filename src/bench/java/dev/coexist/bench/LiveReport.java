package dev.coexist.bench;

import java.io.PrintWriter;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.HdrHistogram.Histogram;

/** Prints what {@code bench live} measured: per step, per engine, and the verdicts. */
final class LiveReport {

  /** p99 of ack → visible at the latency rate, on both engines. */
  static final double TARGET_P99_MS = 250;

  /**
   * The most Coexist acknowledged with this load in the run: the highest ack rate of any step. When
   * that step's acks fell behind its offered rate, it is the ceiling; when they kept up, the
   * ceiling is at least that.
   */
  sealed interface AckCeiling {
    String label();

    /** The step with the highest ack rate fell behind its offered rate. */
    record Reached(double acksPerSecond, double offered) implements AckCeiling {
      @Override
      public String label() {
        return String.format(
            Locale.ROOT,
            "%s acks/s (the most any step acknowledged; its acks fell behind the offered %s/s)",
            Report.number(acksPerSecond),
            Report.number(offered));
      }
    }

    /** The step with the highest ack rate kept up with its offered rate. */
    record AtLeast(double acksPerSecond, double offered) implements AckCeiling {
      @Override
      public String label() {
        return String.format(
            Locale.ROOT,
            "at least %s acks/s (the most any step acknowledged; its acks kept up with the"
                + " offered %s/s: offer more with --rates to find the ceiling)",
            Report.number(acksPerSecond),
            Report.number(offered));
      }
    }

    static AckCeiling of(final List<LiveStep.Outcome> steps) {
      final LiveStep.Outcome best =
          steps.stream().max(Comparator.comparingDouble(LiveStep.Outcome::ackRate)).orElseThrow();
      return best.keptUp()
          ? new AtLeast(best.ackRate(), best.rate())
          : new Reached(best.ackRate(), best.rate());
    }
  }

  /** One engine's steps. */
  record EngineRun(
      String engine,
      String storage,
      double targetRate,
      List<LiveStep.Outcome> steps,
      Optional<LiveStep.Outcome> latencyStep) {
    double highestSustained() {
      return steps.stream()
          .filter(step -> step.sustainment().sustained())
          .mapToDouble(LiveStep.Outcome::rate)
          .max()
          .orElse(0);
    }
  }

  private LiveReport() {}

  static void step(final PrintWriter out, final String engine, final LiveStep.Outcome step) {
    out.printf(
        Locale.ROOT,
        "%-10s %,7.0f/s: acks %,.0f/s, applied %,.0f/s, backlog at the end %,d (max %,d);"
            + " entries failed %,d, problems %,d; sustained: %s%n",
        engine,
        step.rate(),
        step.ackRate(),
        step.appliedRate(),
        step.endBacklog(),
        step.maxBacklog(),
        step.samples().isEmpty() ? -1 : step.samples().getLast().failed(),
        step.samples().isEmpty() ? -1 : step.samples().getLast().problems(),
        step.sustainment().label());
    out.flush();
  }

  static void engine(final PrintWriter out, final EngineRun run) {
    out.println();
    out.printf(
        Locale.ROOT,
        "Live deliveries applied end to end on %s (%s)%n"
            + "(target: highest sustained rate >= %s deliveries/s; sustained = every delivery"
            + " acknowledged 200, under 1%% of them (due after 5 s) over 1 s after due, and the backlog"
            + " flat: end <="
            + " baseline (after 5 s) + max(1,000, 5%% of acks), slope over the last half <="
            + " max(50, 1%% of the rate)/s)%n",
        run.engine(),
        run.storage(),
        Report.number(run.targetRate()));
    out.printf(
        Locale.ROOT,
        "%9s %9s %8s %9s %9s %9s %9s %9s %8s %8s  %s%n",
        "offered/s",
        "acks/s",
        "ack p99",
        "applied/s",
        "baseline",
        "end",
        "max",
        "slope/s",
        "server",
        "machine",
        "sustained");
    for (final LiveStep.Outcome step : run.steps()) {
      final Optional<Sustainment.Flatness> flatness =
          Optional.ofNullable(
              Sustainment.flatness(
                  step.samples(), step.windowSeconds(), step.rate(), step.sent().acks()));
      out.printf(
          Locale.ROOT,
          "%,9.0f %,9.0f %8s %,9.0f %9s %,9d %,9d %9s %8s %8s  %s%n",
          step.rate(),
          step.ackRate(),
          step.sent().ackMicros().getTotalCount() == 0
              ? "-"
              : Report.number(step.sent().ackMicros().getValueAtPercentile(99) / 1_000.0),
          step.appliedRate(),
          flatness.map(f -> String.format(Locale.ROOT, "%,d", f.baseline())).orElse("-"),
          step.endBacklog(),
          step.maxBacklog(),
          flatness.map(f -> String.format(Locale.ROOT, "%,.0f", f.slope())).orElse("-"),
          Double.isNaN(step.serverCores())
              ? "-"
              : String.format(Locale.ROOT, "%.2f", step.serverCores()),
          Double.isNaN(step.machineBusy())
              ? "-"
              : String.format(Locale.ROOT, "%.0f%%", 100 * step.machineBusy()),
          step.sustainment().label());
    }
    out.println(
        "(acks/s: 200s received during the window; ack p99: ms from the delivery's due time to"
            + " its 200; baseline, end, max: journal backlog; server: Coexist's CPU in cores;"
            + " machine: all cores busy, this client and PostgreSQL included)");
    final double highest = run.highestSustained();
    final double offered = run.steps().stream().mapToDouble(LiveStep.Outcome::rate).max().orElse(0);
    out.printf(
        Locale.ROOT,
        "%s: highest sustained rate %s%n",
        run.engine(),
        highest == 0
            ? "none: no rate offered was sustained"
            : Report.number(highest)
                + " deliveries/s"
                + (highest >= offered ? " (the highest offered: try higher --rates)" : ""));
    out.printf(
        Locale.ROOT, "%s: ack ceiling %s%n", run.engine(), AckCeiling.of(run.steps()).label());
    out.printf(
        Locale.ROOT,
        "%s: sustained rate %s%n",
        run.engine(),
        (highest == 0
                ? new Verdict(
                    false,
                    "no rate sustained, target "
                        + Report.number(run.targetRate())
                        + " deliveries/s")
                : Verdict.atLeast(
                    "highest sustained rate", highest, run.targetRate(), "deliveries/s"))
            .label());
    out.flush();
  }

  static void latency(final PrintWriter out, final List<EngineRun> runs) {
    out.println();
    out.printf(
        Locale.ROOT,
        "Ack -> visible in GET /api/v1/messages/{wamid}, every %dth inbound message due after the"
            + " first %s s (the fresh server's warm-up), in a step of its own after the others"
            + " (target: p99 <= %s ms)%n",
        LiveDeliveries.SAMPLE_EVERY,
        Report.number(LiveStep.LATENCY_WARM_UP_SECONDS),
        Report.number(TARGET_P99_MS));
    out.printf(
        Locale.ROOT,
        "%-11s %9s %8s %9s %7s %6s %8s %8s %8s %8s %11s  %s%n",
        "engine",
        "offered/s",
        "acks/s",
        "applied/s",
        "samples",
        "GETs/s",
        "p50 ms",
        "p90 ms",
        "p99 ms",
        "max ms",
        "not visible",
        "verdict");
    for (final EngineRun run : runs) {
      final Optional<LiveStep.Outcome> step = run.latencyStep();
      if (step.isEmpty()) {
        continue;
      }
      final AckToVisible.Outcome latency = step.get().latency().orElseThrow();
      final Histogram micros = latency.micros();
      out.printf(
          Locale.ROOT,
          "%-11s %,9.0f %,8.0f %,9.0f %7d %6.0f %8s %8s %8s %8s %11d  %s%n",
          run.engine(),
          step.get().rate(),
          step.get().ackRate(),
          step.get().appliedRate(),
          latency.samples(),
          latency.gets() / step.get().windowSeconds(),
          millis(micros, 50),
          millis(micros, 90),
          millis(micros, 99),
          micros.getTotalCount() == 0 ? "-" : Report.number(micros.getMaxValue() / 1_000.0),
          latency.notVisible(),
          p99Verdict(latency).label());
    }
    out.printf(
        Locale.ROOT,
        "(polled: the first 50 ms every 5 ms, then every tenth of the wait so far, at most every"
            + " 250 ms; not visible: acknowledged but not shown within %d s, counted as slower than"
            + " any timed one)%n",
        AckToVisible.LIMIT.toSeconds());
    out.flush();
  }

  /** The p99 of all samples, the ones not visible within the limit counted as the slowest. */
  static Verdict p99Verdict(final AckToVisible.Outcome latency) {
    final long samples = latency.samples();
    if (samples == 0) {
      return new Verdict(false, "no samples");
    }
    final double visibleShare = (double) latency.micros().getTotalCount() / samples;
    if (visibleShare < 0.99) {
      return new Verdict(
          false,
          String.format(
              Locale.ROOT,
              "p99 > %d s: %,d of %,d samples not visible in time",
              AckToVisible.LIMIT.toSeconds(),
              latency.notVisible(),
              samples));
    }
    // the 99th percentile of all samples is this percentile of the visible ones
    final double percentile = Math.min(100, 99 / visibleShare);
    return Verdict.atMost(
        "p99", latency.micros().getValueAtPercentile(percentile) / 1_000.0, TARGET_P99_MS, "ms");
  }

  private static String millis(final Histogram micros, final double percentile) {
    return micros.getTotalCount() == 0
        ? "-"
        : Report.number(micros.getValueAtPercentile(percentile) / 1_000.0);
  }
}
