package dev.coexist.bench;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.HdrHistogram.Histogram;

/** Prints what {@code bench forward} measured: each step as it ends, then per engine, verdicts. */
final class ForwardReport {

  /** Events delivered per second, summed over the subscriptions, on SQLite. */
  static final double TARGET_EVENTS_PER_SECOND = 5_000;

  /** p99 of commit → received at the latency rate. */
  static final double TARGET_P99_MS = 100;

  /** One engine's steps. */
  record EngineRun(
      String engine,
      String storage,
      List<ForwardSteps.Throughput> throughput,
      List<ForwardSteps.Latency> latency,
      Optional<ForwardSteps.Outage> outage) {}

  private ForwardReport() {}

  static void ceiling(final PrintWriter out, final ReceiverCeiling.Outcome ceiling) {
    out.printf(
        Locale.ROOT,
        "Receiver ceiling: %s events/s (the receiver fed signed events directly over %d keep-alive"
            + " connections for %s s, closed loop; %,d failed, %,d bad signatures)%n",
        Report.number(ceiling.eventsPerSecond()),
        ceiling.connections(),
        Report.number(ceiling.seconds()),
        ceiling.failed(),
        ceiling.badSignatures());
    out.flush();
  }

  static void step(final PrintWriter out, final String engine, final ForwardSteps.Throughput t) {
    out.printf(
        Locale.ROOT,
        "%-10s throughput, %d subscription(s): %,d events (%s) from %,d deliveries (%s s at %s/s,"
            + " %,d acks); drained in %s s (first after %s s): %s events/s; %s%n",
        engine,
        t.subscriptions(),
        t.delivered(),
        t.expected() < 0 ? "expected unknown" : String.format(Locale.ROOT, "of %,d", t.expected()),
        t.fill().due(),
        Report.number(t.fillSeconds()),
        Report.number(t.fillRate()),
        t.fill().acks(),
        Report.number(t.drainSeconds()),
        Report.number(t.firstEventSeconds()),
        Report.number(t.eventsPerSecond()),
        t.complete() ? "complete" : "INCOMPLETE");
    out.flush();
  }

  static void step(final PrintWriter out, final String engine, final ForwardSteps.Latency l) {
    out.printf(
        Locale.ROOT,
        "%-10s latency at %s/s: %,d events (%s), %s events/s received in the window; commit ->"
            + " received p50 %s ms, p99 %s ms; %s%n",
        engine,
        Report.number(l.rate()),
        l.delivered(),
        l.expected() < 0 ? "expected unknown" : String.format(Locale.ROOT, "of %,d", l.expected()),
        Report.number(l.eventsPerSecond()),
        millis(l.latencyMicros(), 50),
        millis(l.latencyMicros(), 99),
        l.complete() ? "complete" : "INCOMPLETE");
    out.flush();
  }

  static void step(final PrintWriter out, final String engine, final ForwardSteps.Outage o) {
    out.printf(
        Locale.ROOT,
        "%-10s outage of %s s at %s/s: %,d events (%s), %,d answered 503, last one %s s after the"
            + " receiver came back; %s%n",
        engine,
        Report.number(o.outage().toMillis() / 1_000.0),
        Report.number(o.rate()),
        o.delivered(),
        o.expected() < 0 ? "expected unknown" : String.format(Locale.ROOT, "of %,d", o.expected()),
        o.refused(),
        Report.number(o.lastAfterBackSeconds()),
        o.complete() ? "complete" : "INCOMPLETE");
    out.flush();
  }

  static void throughput(
      final PrintWriter out, final EngineRun run, final ReceiverCeiling.Outcome ceiling) {
    out.println();
    out.printf(
        Locale.ROOT,
        "Throughput on %s (%s): message.created changes made by live deliveries while the"
            + " subscriptions were paused, then every subscription resumed at once; events/s ="
            + " events accepted (summed over the subscriptions) / seconds from the resume to the"
            + " last one%n"
            + "(target: >= %s events/s delivered on SQLite)%n",
        run.engine(),
        run.storage(),
        Report.number(TARGET_EVENTS_PER_SECOND));
    out.printf(
        Locale.ROOT,
        "%5s %10s %10s %8s %8s %9s %9s %6s %5s %5s %7s %8s %8s  %s%n",
        "subs",
        "events",
        "expected",
        "first s",
        "drain s",
        "events/s",
        "ceiling",
        "ratio",
        "dup",
        "order",
        "retries",
        "server",
        "machine",
        "verdict");
    for (final ForwardSteps.Throughput t : run.throughput()) {
      final long retries =
          t.figures().stream().mapToLong(SubscriptionClient.Figures::failedAttempts).sum();
      out.printf(
          Locale.ROOT,
          "%5d %,10d %10s %8s %8s %9s %9s %6s %,5d %,5d %,7d %8s %8s  %s%n",
          t.subscriptions(),
          t.delivered(),
          t.expected() < 0 ? "?" : String.format(Locale.ROOT, "%,d", t.expected()),
          Report.number(t.firstEventSeconds()),
          Report.number(t.drainSeconds()),
          Report.number(t.eventsPerSecond()),
          ceiling == null ? "-" : Report.number(ceiling.eventsPerSecond()),
          ceiling == null ? "-" : Report.ratio(t.eventsPerSecond(), ceiling.eventsPerSecond()),
          t.duplicates(),
          t.outOfOrder(),
          retries,
          cores(t.usage().serverCores()),
          busy(t.usage().machineBusy()),
          throughputVerdict(run.engine(), t));
    }
    out.println(
        "(first s: resume -> first event; drain s: resume -> last event, queueing the backlog"
            + " included; dup: events accepted twice; order: events that arrived after a later one"
            + " of their thread; retries: failed attempts the API counts; server: Coexist's CPU in"
            + " cores over the drain; machine: all cores busy, the receiver in this JVM included)");
    out.flush();
  }

  static void latency(final PrintWriter out, final List<EngineRun> runs) {
    out.println();
    out.printf(
        Locale.ROOT,
        "Commit -> received, one subscription, while live deliveries arrive: the change's"
            + " timestamp (the commit time the change log recorded, in ms) to its arrival at the"
            + " receiver (same clock), events committed after the first seconds (target: p99 <= %s"
            + " ms)%n",
        Report.number(TARGET_P99_MS));
    out.printf(
        Locale.ROOT,
        "%-11s %9s %8s %9s %9s %7s %8s %8s %8s %8s %7s %5s %5s %7s %8s  %s%n",
        "engine",
        "offered/s",
        "acks/s",
        "events/s",
        "recvd/s",
        "samples",
        "p50 ms",
        "p90 ms",
        "p99 ms",
        "max ms",
        "missing",
        "dup",
        "order",
        "server",
        "machine",
        "verdict");
    for (final EngineRun run : runs) {
      for (final ForwardSteps.Latency l : run.latency()) {
        out.printf(
            Locale.ROOT,
            "%-11s %,9.0f %,8.0f %9s %9s %7d %8s %8s %8s %8s %,7d %,5d %,5d %7s %8s  %s%n",
            run.engine(),
            l.rate(),
            l.sent().acksInWindow() / l.windowSeconds(),
            Report.number(l.offeredEventsPerSecond()),
            Report.number(l.eventsPerSecond()),
            l.latencyMicros().getTotalCount(),
            millis(l.latencyMicros(), 50),
            millis(l.latencyMicros(), 90),
            millis(l.latencyMicros(), 99),
            l.latencyMicros().getTotalCount() == 0
                ? "-"
                : Report.number(l.latencyMicros().getMaxValue() / 1_000.0),
            l.missing(),
            l.duplicates(),
            l.outOfOrder(),
            cores(l.usage().serverCores()),
            busy(l.usage().machineBusy()),
            latencyVerdict(l.latencyMicros(), l.missing()).label());
      }
    }
    out.printf(
        Locale.ROOT,
        "(events/s: message.created made per second; recvd/s: events that arrived during the"
            + " window; missing: not arrived %d s after the load, counted as slower than any timed"
            + " one; server, machine: over the load)%n",
        ForwardSteps.LATENCY_WAIT.toSeconds());
    out.flush();
  }

  static void outage(final PrintWriter out, final EngineRun run) {
    final ForwardSteps.Outage o = run.outage().orElseThrow();
    out.println();
    out.printf(
        Locale.ROOT,
        "Outage on %s: the receiver answered 503 for %s s while live deliveries arrived at %s/s"
            + " (%s s of load before the outage and %s s after it), one subscription%n",
        run.engine(),
        Report.number(o.outage().toMillis() / 1_000.0),
        Report.number(o.rate()),
        Report.number(o.leadSeconds()),
        Report.number(o.leadSeconds()));
    out.printf(
        Locale.ROOT,
        "  deliveries %,d (acks %,d, failed %,d, unsent %,d); events expected %s, arrived %,d"
            + " distinct, %,d duplicates; %,d threads; %,d requests answered 503%s%n",
        o.sent().due(),
        o.sent().acks(),
        o.sent().failed(),
        o.sent().unsent(),
        o.expected() < 0 ? "unknown" : String.format(Locale.ROOT, "%,d", o.expected()),
        o.delivered(),
        o.duplicates(),
        o.threads(),
        o.refused(),
        o.figures()
            .map(
                f ->
                    String.format(
                        Locale.ROOT,
                        "; the API counts %,d failed attempts, %,d dead letters, lag %s s",
                        f.failedAttempts(),
                        f.deadLetters(),
                        Report.number(f.lagSeconds())))
            .orElse(""));
    final Histogram catchUp = o.catchUpMicros();
    out.printf(
        Locale.ROOT,
        "  when the receiver came back, %,d events committed before then had not arrived yet (%,d"
            + " of the events that arrived were committed during the outage); they arrived within"
            + " p50 %s s, p90 %s s, p99 %s s, the last %s s after it came back; the last event of"
            + " the run arrived %s s after it%n",
        catchUp.getTotalCount(),
        o.committedDuringOutage(),
        seconds(catchUp, 50),
        seconds(catchUp, 90),
        seconds(catchUp, 99),
        catchUp.getTotalCount() == 0 ? "0" : Report.number(catchUp.getMaxValue() / 1e6),
        Report.number(o.lastAfterBackSeconds()));
    out.printf(
        Locale.ROOT,
        "  time to catch up: %s%n",
        o.complete()
            ? Report.number(Math.max(0, catchUp.getMaxValue()) / 1e6)
                + " s (every event in; the last one committed before the receiver came back"
                + " arrived then)"
            : String.format(
                Locale.ROOT,
                "more than %s s: %s events still missing when the wait ended (--catch-up-limit)",
                Report.number(o.waitedSeconds()),
                o.expected() < 0
                    ? "?"
                    : String.format(Locale.ROOT, "%,d", o.expected() - o.delivered())));
    out.printf(Locale.ROOT, "  everything delivered: %s%n", everythingDelivered(o).label());
    out.printf(
        Locale.ROOT,
        "  per-thread order kept: %s%n",
        orderKept(o.outOfOrder(), o.delivered()).label());
    out.println(
        "  (retries: immediately, after 5 s, 5 min, 30 min, 2 h ... each +-10 %, per thread in"
            + " order; after an outage of over a minute the first 2xx brings every waiting retry"
            + " forward, after a shorter one a thread whose head failed three times waits ~5 min)");
    out.flush();
  }

  /**
   * At least the target and every expected event on SQLite; on PostgreSQL, which has no target,
   * only whether every event came.
   */
  static String throughputVerdict(final String engine, final ForwardSteps.Throughput t) {
    final Verdict complete =
        t.complete()
            ? new Verdict(true, "every event delivered")
            : new Verdict(
                false,
                String.format(
                    Locale.ROOT,
                    "incomplete: %,d of %s events",
                    t.delivered(),
                    t.expected() < 0 ? "?" : String.format(Locale.ROOT, "%,d", t.expected())));
    if (!"sqlite".equals(engine)) {
      return "no target on " + engine + " (" + complete.detail() + ")";
    }
    return Verdict.all(
            Verdict.atLeast("delivered", t.eventsPerSecond(), TARGET_EVENTS_PER_SECOND, "events/s"),
            complete)
        .label();
  }

  /**
   * The p99 of commit → received, the events that never arrived counted as the slowest: when they
   * are 1 % or more of all, p99 is beyond any timed figure.
   */
  static Verdict latencyVerdict(final Histogram micros, final long missing) {
    final long timed = micros.getTotalCount();
    final long all = timed + missing;
    if (all == 0) {
      return new Verdict(false, "no events");
    }
    final double arrivedShare = (double) timed / all;
    if (arrivedShare < 0.99) {
      return new Verdict(
          false,
          String.format(
              Locale.ROOT, "p99 beyond the wait: %,d of %,d events did not arrive", missing, all));
    }
    final double percentile = Math.min(100, 99 / arrivedShare);
    return Verdict.atMost(
        "p99", micros.getValueAtPercentile(percentile) / 1_000.0, TARGET_P99_MS, "ms");
  }

  static Verdict everythingDelivered(final ForwardSteps.Outage o) {
    if (o.expected() < 0) {
      return new Verdict(
          false,
          String.format(
              Locale.ROOT,
              "%,d distinct events arrived; expected unknown (%,d deliveries not acknowledged)",
              o.delivered(),
              o.sent().due() - o.sent().acks()));
    }
    final ForwardSteps.WamidCheck wamids = o.wamids();
    final boolean met =
        o.delivered() == o.expected() && wamids.missing() == 0 && wamids.unexpected() == 0;
    return new Verdict(
        met,
        String.format(
            Locale.ROOT,
            "%,d of %,d events by distinct webhook-id, %,d distinct wamids: %,d of the messages"
                + " sent missing, %,d not sent",
            o.delivered(),
            o.expected(),
            wamids.arrived(),
            wamids.missing(),
            wamids.unexpected()));
  }

  static Verdict orderKept(final long outOfOrder, final long delivered) {
    return new Verdict(
        outOfOrder == 0,
        String.format(
            Locale.ROOT,
            "%,d of %,d events arrived after a later event of their thread",
            outOfOrder,
            delivered));
  }

  private static String millis(final Histogram micros, final double percentile) {
    return micros.getTotalCount() == 0
        ? "-"
        : Report.number(micros.getValueAtPercentile(percentile) / 1_000.0);
  }

  private static String seconds(final Histogram micros, final double percentile) {
    return micros.getTotalCount() == 0
        ? "-"
        : Report.number(micros.getValueAtPercentile(percentile) / 1e6);
  }

  private static String cores(final double cores) {
    return Double.isNaN(cores) ? "-" : String.format(Locale.ROOT, "%.2f", cores);
  }

  private static String busy(final double share) {
    return Double.isNaN(share) ? "-" : String.format(Locale.ROOT, "%.0f%%", 100 * share);
  }
}
