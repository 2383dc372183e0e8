package dev.coexist.bench;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/** Renders outcomes as Markdown: printed as is, and written to {@code --out} as is. */
final class Report {

  /** CPU used by other programs during a run above which the report warns. */
  static final double NOISY_CORES = 0.25;

  private Report() {}

  /** Thousands separators for big figures, two decimals for small ones. */
  static String number(double value) {
    if (Double.isNaN(value)) {
      return "n/a";
    }
    final double magnitude = Math.abs(value);
    if (magnitude >= 100) {
      return String.format(Locale.ROOT, "%,.0f", value);
    }
    if (magnitude >= 10) {
      return String.format(Locale.ROOT, "%.1f", value);
    }
    return String.format(Locale.ROOT, "%.2f", value);
  }

  static String scenario(ScenarioOutcome outcome) {
    final Scenario scenario = outcome.scenario();
    final LoadResult coexist = outcome.coexist();
    final LoadResult ceiling = outcome.ceiling();
    final StringBuilder out = new StringBuilder();
    out.append("### ").append(scenario.name()).append("\n\n");
    out.append(
        String.format(
            Locale.ROOT,
            "%s, %s–%s bytes, `POST %s`; %s; %s.%n",
            scenario.payloads().description(),
            number(scenario.payloads().minLength()),
            number(scenario.payloads().maxLength()),
            scenario.path(),
            scenario.shape(),
            outcome.settings()));
    out.append("Coexist: ").append(outcome.coexistServer()).append(".  \n");
    out.append("Ceiling: ")
        .append(ceiling == null ? "skipped" : outcome.ceilingServer())
        .append(".\n\n");
    out.append("**Target:** ").append(scenario.target()).append(" → **");
    out.append(outcome.verdict().label()).append("**\n\n");

    final String ceilingName = ceiling == null ? "ceiling" : "ceiling (" + ceiling.server() + ")";
    out.append("| metric | coexist | ").append(ceilingName).append(" | coexist/ceiling |\n");
    out.append("|---|--:|--:|--:|\n");
    count(out, "requests", coexist, ceiling, LoadResult::requests);
    count(out, "200 acks", coexist, ceiling, LoadResult::acks);
    count(out, "non-200", coexist, ceiling, LoadResult::non200);
    count(out, "errors", coexist, ceiling, LoadResult::errors);
    if (scenario.openLoop()) {
      count(out, "unsent (server too far behind)", coexist, ceiling, LoadResult::unsent);
    }
    count(out, "answered as duplicate", coexist, ceiling, LoadResult::duplicates);
    count(out, "TCP connections opened (whole run)", coexist, ceiling, LoadResult::connects);
    row(out, "throughput (acks/s)", coexist, ceiling, LoadResult::acksPerSecond, true);
    row(out, "request bodies (MB/s)", coexist, ceiling, LoadResult::megabytesPerSecond, true);
    row(out, "p50 (ms)", coexist, ceiling, r -> r.percentileMillis(50), true);
    row(out, "p99 (ms)", coexist, ceiling, r -> r.percentileMillis(99), true);
    row(out, "p99.9 (ms)", coexist, ceiling, r -> r.percentileMillis(99.9), true);
    row(out, "max (ms)", coexist, ceiling, LoadResult::maxMillis, true);
    row(out, "over 1 s (%)", coexist, ceiling, r -> r.percentOver(1_000), false);
    row(out, "client CPU (cores)", coexist, ceiling, LoadResult::clientCores, false);
    row(out, "server CPU (cores)", coexist, ceiling, r -> orNaN(r.serverCores()), false);
    row(out, "machine CPU busy (%)", coexist, ceiling, r -> 100 * orNaN(r.machineBusy()), false);
    row(
        out,
        "other CPU: processes, kernel threads (cores)",
        coexist,
        ceiling,
        LoadResult::otherCores,
        false);
    out.append('\n');
    noise(out, coexist);
    if (ceiling != null) {
      noise(out, ceiling);
    }
    failures(out, coexist);
    if (ceiling != null) {
      failures(out, ceiling);
    }
    return out.toString();
  }

  static String summary(List<ScenarioOutcome> outcomes) {
    final StringBuilder out = new StringBuilder();
    out.append("### Summary\n\n");
    out.append(
        "| scenario | target | coexist acks/s | p50 ms | p99 ms | p99.9 ms | errors+non-200 |"
            + " ceiling acks/s | ceiling p99 ms | acks/s ratio | verdict |\n");
    out.append("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|---|\n");
    for (final ScenarioOutcome outcome : outcomes) {
      final LoadResult coexist = outcome.coexist();
      final LoadResult ceiling = outcome.ceiling();
      out.append("| ")
          .append(outcome.scenario().name())
          .append(" | ")
          .append(outcome.scenario().target())
          .append(" | ")
          .append(number(coexist.acksPerSecond()))
          .append(" | ")
          .append(number(coexist.percentileMillis(50)))
          .append(" | ")
          .append(number(coexist.percentileMillis(99)))
          .append(" | ")
          .append(number(coexist.percentileMillis(99.9)))
          .append(" | ")
          .append(coexist.errors() + coexist.non200() + coexist.unsent())
          .append(" | ")
          .append(ceiling == null ? "–" : number(ceiling.acksPerSecond()))
          .append(" | ")
          .append(ceiling == null ? "–" : number(ceiling.percentileMillis(99)))
          .append(" | ")
          .append(ceiling == null ? "–" : ratio(coexist.acksPerSecond(), ceiling.acksPerSecond()))
          .append(" | ")
          .append(outcome.verdict().met() ? "MET" : "MISSED")
          .append(" |\n");
    }
    return out.toString();
  }

  private static void count(
      StringBuilder out,
      String name,
      LoadResult coexist,
      LoadResult ceiling,
      ToLongFunction<LoadResult> metric) {
    out.append("| ")
        .append(name)
        .append(" | ")
        .append(String.format(Locale.ROOT, "%,d", metric.applyAsLong(coexist)))
        .append(" | ")
        .append(
            ceiling == null ? "–" : String.format(Locale.ROOT, "%,d", metric.applyAsLong(ceiling)))
        .append(" | |\n");
  }

  private static void row(
      StringBuilder out,
      String name,
      LoadResult coexist,
      LoadResult ceiling,
      ToDoubleFunction<LoadResult> metric,
      boolean withRatio) {
    final double mine = metric.applyAsDouble(coexist);
    out.append("| ").append(name).append(" | ").append(number(mine)).append(" | ");
    if (ceiling == null) {
      out.append("– | – |\n");
      return;
    }
    final double theirs = metric.applyAsDouble(ceiling);
    out.append(number(theirs))
        .append(" | ")
        .append(withRatio ? ratio(mine, theirs) : "")
        .append(" |\n");
  }

  static String ratio(double mine, double theirs) {
    if (Double.isNaN(mine) || Double.isNaN(theirs) || theirs == 0) {
      return "n/a";
    }
    return String.format(Locale.ROOT, "%.2f×", mine / theirs);
  }

  private static double orNaN(OptionalDouble value) {
    return value.isPresent() ? value.getAsDouble() : Double.NaN;
  }

  /** Other programs on the machine during a run make its figures unreliable: say so. */
  private static void noise(StringBuilder out, LoadResult result) {
    final double other = result.otherCores();
    if (other > NOISY_CORES) {
      out.append(
          String.format(
              Locale.ROOT,
              "**Warning:** other processes or kernel threads used %.2f cores during the %s run: its"
                  + " figures may be disturbed.%n%n",
              other,
              result.server()));
    }
  }

  private static void failures(StringBuilder out, LoadResult result) {
    final StringBuilder detail = new StringBuilder();
    for (final Map.Entry<Integer, Long> status : result.statuses().entrySet()) {
      if (status.getKey() != 200) {
        detail.append(" HTTP ").append(status.getKey()).append(" ×").append(status.getValue());
        detail.append(';');
      }
    }
    for (final Map.Entry<String, Long> error : result.errorKinds().entrySet()) {
      detail.append(" `").append(error.getKey()).append("` ×").append(error.getValue());
      detail.append(';');
    }
    if (!detail.isEmpty()) {
      out.append("Failures against ").append(result.server()).append(':').append(detail);
      out.append("\n\n");
    }
  }
}
