package dev.coexist.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The three ingest scenarios and their targets. Targets come from the delivery rules (spec §4):
 * Meta and 360dialog ask for a median ≤ 250 ms and under 1 % above 1 s; the throughput and p99
 * figures are Coexist's own goals.
 */
final class Scenarios {

  static final String SMALL_MAX = "small-max";
  static final String SMALL_RATE = "small-2000";
  static final String HISTORY = "history-20";
  static final String ABUSE = "abuse";

  /** Every scenario {@code --scenario} knows. */
  static final List<String> NAMES = List.of(SMALL_MAX, SMALL_RATE, HISTORY, ABUSE);

  /**
   * What runs without {@code --scenario}: abuse is asked for by name, as it runs two servers of its
   * own and loads the machine far beyond the others.
   */
  static final List<String> DEFAULTS = List.of(SMALL_MAX, SMALL_RATE, HISTORY);

  static final double SMALL_MAX_TARGET_ACKS = 10_000;
  static final double SMALL_RATE_TARGET_P99_MS = 25;
  static final double HISTORY_TARGET_P50_MS = 250;
  static final double HISTORY_TARGET_OVER_1S_PERCENT = 1;

  /**
   * The open loop must deliver its rate: anything under 99 % of it means the server fell behind.
   */
  private static final double RATE_TOLERANCE = 0.99;

  private Scenarios() {}

  static List<Scenario> select(
      List<String> names,
      WebhookPayloads payloads,
      int connections,
      int historyConnections,
      double smallRate,
      double historyRate) {
    final List<Scenario> selected = new ArrayList<>();
    for (final String name : NAMES) {
      if (!names.contains(name) || ABUSE.equals(name)) {
        // abuse is not one load against one server: AbuseRun runs it
        continue;
      }
      selected.add(
          switch (name) {
            case SMALL_MAX -> smallMax(payloads.small(), connections);
            case SMALL_RATE -> smallAtRate(payloads.small(), connections, smallRate);
            case HISTORY -> history(payloads.history(), historyConnections, historyRate);
            default -> throw new IllegalStateException(name);
          });
    }
    return selected;
  }

  static Scenario smallMax(PayloadSet small, int connections) {
    return new Scenario(
        SMALL_MAX,
        "/webhooks/whatsapp",
        small,
        connections,
        0,
        "≥ " + Report.number(SMALL_MAX_TARGET_ACKS) + " durable acks/s",
        result ->
            Verdict.atLeast("throughput", result.acksPerSecond(), SMALL_MAX_TARGET_ACKS, "acks/s"));
  }

  static Scenario smallAtRate(PayloadSet small, int connections, double rate) {
    return new Scenario(
        SMALL_RATE,
        "/webhooks/whatsapp",
        small,
        connections,
        rate,
        String.format(
            Locale.ROOT,
            "p99 ≤ %s ms at %s/s",
            Report.number(SMALL_RATE_TARGET_P99_MS),
            Report.number(rate)),
        result ->
            Verdict.all(
                Verdict.atMost("p99", result.percentileMillis(99), SMALL_RATE_TARGET_P99_MS, "ms"),
                Verdict.atLeast(
                    "delivered rate", result.acksPerSecond(), rate * RATE_TOLERANCE, "acks/s")));
  }

  static Scenario history(PayloadSet history, int connections, double rate) {
    return new Scenario(
        HISTORY,
        "/webhooks/360dialog",
        history,
        connections,
        rate,
        String.format(
            Locale.ROOT,
            "median ≤ %s ms and < %s %% over 1 s at %s/s",
            Report.number(HISTORY_TARGET_P50_MS),
            Report.number(HISTORY_TARGET_OVER_1S_PERCENT),
            Report.number(rate)),
        result -> {
          final double over = result.percentOver(1_000);
          return Verdict.all(
              Verdict.atMost("median", result.percentileMillis(50), HISTORY_TARGET_P50_MS, "ms"),
              new Verdict(
                  over < HISTORY_TARGET_OVER_1S_PERCENT,
                  String.format(
                      Locale.ROOT,
                      "over 1 s: %s %% (limit < %s %%)",
                      Report.number(over),
                      Report.number(HISTORY_TARGET_OVER_1S_PERCENT))),
              Verdict.atLeast(
                  "delivered rate", result.acksPerSecond(), rate * RATE_TOLERANCE, "acks/s"));
        });
  }
}
