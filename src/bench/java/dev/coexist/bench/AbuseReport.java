package dev.coexist.bench;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Renders the {@code abuse} scenario as Markdown: the valid senders alone and under abuse side by
 * side, the server's memory and health, what the abusers did, and one verdict line per target.
 */
final class AbuseReport {

  /** Under abuse, the valid senders' p99 may be at most this many times their p99 alone. */
  static final double P99_FACTOR = 2;

  private AbuseReport() {}

  /** The verdicts, in the order they are printed. */
  static List<Verdict> verdicts(AbuseRun.Outcome outcome) {
    final AbuseRun.Phase alone = outcome.alone();
    final AbuseRun.Phase abused = outcome.underAbuse();
    final long failed = abused.load().non200() + abused.load().errors() + abused.load().unsent();
    final long heapBudget =
        alone.samples().heapUsedPeak()
            + AbuseRun.INGEST_MEMORY_BYTES
            + AbuseRun.JOURNAL_QUEUE_BYTES;
    return List.of(
        new Verdict(
            failed == 0,
            String.format(
                Locale.ROOT,
                "valid senders under abuse: %d non-200, %d errors, %d unsent (target 0)",
                abused.load().non200(),
                abused.load().errors(),
                abused.load().unsent())),
        Verdict.atMost(
            "valid senders' p99 under abuse, against twice their p99 alone:",
            abused.load().percentileMillis(99),
            P99_FACTOR * alone.load().percentileMillis(99),
            "ms"),
        Verdict.atMost(
            "heap used peak under abuse, against the peak alone + --ingest-memory +"
                + " --journal-queue-bytes:",
            abused.samples().heapUsedPeak() / 1e6,
            heapBudget / 1e6,
            "MB"),
        alive(alone),
        alive(abused),
        applied(alone),
        applied(abused));
  }

  private static Verdict alive(AbuseRun.Phase phase) {
    final ServerSampler.Samples samples = phase.samples();
    return new Verdict(
        samples.alwaysAlive(),
        String.format(
            Locale.ROOT,
            "%s: /health/live and /health/ready 200 at %d of %d samples%s",
            phase.name(),
            samples.count() - Math.max(samples.liveFailures(), samples.readyFailures()),
            samples.count(),
            samples.firstFailure() == null ? "" : "; first failure: " + samples.firstFailure()));
  }

  private static Verdict applied(AbuseRun.Phase phase) {
    final AbuseRun.Drain drain = phase.drain();
    final boolean met =
        drain.backlog() == 0 && drain.failed() == 0 && drain.applied() == phase.acknowledged();
    return new Verdict(
        met,
        String.format(
            Locale.ROOT,
            "%s: %,d deliveries acknowledged (warm-up included), %,d applied, %d failed, backlog"
                + " %d after %s s",
            phase.name(),
            phase.acknowledged(),
            drain.applied(),
            drain.failed(),
            drain.backlog(),
            Report.number(drain.waited().toMillis() / 1_000.0)));
  }

  static String render(AbuseRun.Outcome outcome, Scenario valid, String settings) {
    final AbuseRun.Phase alone = outcome.alone();
    final AbuseRun.Phase abused = outcome.underAbuse();
    final AbuserProcess.Result abusers = abused.abuse();
    final Abusers.Tally tally = abusers.tally();
    final Abusers.Shape shape = tally.shape();
    final StringBuilder out = new StringBuilder();
    out.append("### abuse\n\n");
    out.append(
        String.format(
            Locale.ROOT,
            "The valid load of %s (%s, `POST %s`; %s), first alone on a fresh Coexist, then on"
                + " another fresh one while %,d slowloris connections send their headers 1 byte/s,"
                + " %,d unsigned %,d-byte uploads are sent again as they are refused, and %,d"
                + " connections open and send nothing; %s. Each server sampled every %d ms.%n",
            valid.name(),
            valid.payloads().description(),
            valid.path(),
            valid.shape(),
            shape.slowloris(),
            shape.uploads(),
            shape.uploadBytes(),
            shape.stalled(),
            settings,
            ServerSampler.PERIOD_MILLIS));
    out.append("Children: ")
        .append(abused.server())
        .append("; JVM options `")
        .append(String.join(" ", outcome.jvmOptions()))
        .append("`, serve options `")
        .append(String.join(" ", outcome.serveOptions()))
        .append("`; file-descriptor limit ")
        .append(abused.descriptorLimit() < 0 ? "unknown" : abused.descriptorLimit())
        .append(" (ulimit -n, inherited from the benchmark).\n\n");

    final List<Verdict> verdicts = verdicts(outcome);
    final boolean met = verdicts.stream().allMatch(Verdict::met);
    out.append("**Targets** → **").append(met ? "MET" : "MISSED").append("**\n\n");
    for (final Verdict verdict : verdicts) {
      out.append("- ").append(verdict.label()).append('\n');
    }
    out.append('\n');

    out.append("| metric | ").append(alone.name()).append(" | ").append(abused.name());
    out.append(" |\n|---|--:|--:|\n");
    row(out, "requests (measured)", alone, abused, p -> count(p.load().requests()));
    row(out, "200 acks (measured)", alone, abused, p -> count(p.load().acks()));
    row(out, "non-200", alone, abused, p -> count(p.load().non200()));
    row(out, "errors", alone, abused, p -> count(p.load().errors()));
    row(out, "unsent (server too far behind)", alone, abused, p -> count(p.load().unsent()));
    row(out, "throughput (acks/s)", alone, abused, p -> Report.number(p.load().acksPerSecond()));
    row(out, "p50 (ms)", alone, abused, p -> Report.number(p.load().percentileMillis(50)));
    row(out, "p99 (ms)", alone, abused, p -> Report.number(p.load().percentileMillis(99)));
    row(out, "p99.9 (ms)", alone, abused, p -> Report.number(p.load().percentileMillis(99.9)));
    row(out, "max (ms)", alone, abused, p -> Report.number(p.load().maxMillis()));
    row(out, "heap used, peak (MB)", alone, abused, p -> mb(p.samples().heapUsedPeak()));
    row(out, "live data after GC, peak (MB)", alone, abused, p -> mb(p.samples().liveDataPeak()));
    row(out, "max heap (MB)", alone, abused, p -> mb(p.samples().heapMax()));
    row(out, "RSS, peak (MB)", alone, abused, p -> mb(p.samples().rssPeak()));
    row(out, "samples", alone, abused, p -> count(p.samples().count()));
    row(
        out,
        "connections the server timed out",
        alone,
        abused,
        p -> count(p.drain().connectionsTimedOut()));
    row(
        out,
        "connections refused at the cap",
        alone,
        abused,
        p -> count(p.drain().connectionsRefused()));
    row(out, "deliveries answered 401", alone, abused, p -> count(p.drain().unauthorized()));
    row(out, "benchmark CPU (cores)", alone, abused, p -> Report.number(p.load().clientCores()));
    row(
        out,
        "abusers' JVM CPU (cores)",
        alone,
        abused,
        p -> p.abuse() == null ? "–" : Report.number(p.abuse().cores()));
    row(
        out,
        "server CPU (cores)",
        alone,
        abused,
        p -> Report.number(p.load().serverCores().orElse(Double.NaN)));
    row(
        out,
        "machine CPU busy (%)",
        alone,
        abused,
        p -> Report.number(100 * p.load().machineBusy().orElse(Double.NaN)));
    out.append('\n');
    out.append(
        String.format(
            Locale.ROOT,
            "Budgets: --ingest-memory %s, --journal-queue-bytes %s; heap used counts garbage not yet"
                + " collected, live data after GC is what survived the last collection. The abusers"
                + " run in a JVM of their own (pid %d, nice %d), not in the benchmark's, whose"
                + " virtual-thread carriers the valid senders need to themselves; but on the same"
                + " CPUs as the valid senders and the server: on a small machine their uploads"
                + " take CPU from both%s (abusers' JVM CPU is measured over their whole run,"
                + " benchmark and server CPU over the measured window).%n%n",
            AbuseRun.INGEST_MEMORY,
            AbuseRun.JOURNAL_QUEUE,
            abusers.pid(),
            abusers.nice(),
            abusers.nice() == 0
                ? ""
                : ", though at nice "
                    + abusers.nice()
                    + " they get only what the others leave, and may attack less for it"));
    out.append(
        String.format(
            Locale.ROOT,
            "Abusers: %,d connections opened (%,d connects failed); slowloris closed by the server"
                + " %,d times, stalled connections %,d times; %,d uploads answered (%s), %,d cut"
                + " off or failed.%n%n",
            tally.connectsOpened(),
            tally.connectsFailed(),
            tally.slowlorisClosedByServer(),
            tally.stalledClosedByServer(),
            tally.uploadsSent(),
            statuses(tally.uploadStatuses()),
            tally.uploadErrors()));
    return out.toString();
  }

  private static void row(
      StringBuilder out,
      String name,
      AbuseRun.Phase alone,
      AbuseRun.Phase abused,
      Function<AbuseRun.Phase, String> value) {
    out.append("| ")
        .append(name)
        .append(" | ")
        .append(value.apply(alone))
        .append(" | ")
        .append(value.apply(abused))
        .append(" |\n");
  }

  private static String count(long value) {
    return String.format(Locale.ROOT, "%,d", value);
  }

  private static String mb(long bytes) {
    return bytes <= 0 ? "n/a" : Report.number(bytes / 1e6);
  }

  private static String statuses(Map<Integer, Long> statuses) {
    if (statuses.isEmpty()) {
      return "none";
    }
    final StringBuilder out = new StringBuilder();
    statuses.forEach(
        (status, count) -> {
          if (!out.isEmpty()) {
            out.append(", ");
          }
          out.append("HTTP ").append(status).append(" ×").append(count);
        });
    return out.toString();
  }
}
