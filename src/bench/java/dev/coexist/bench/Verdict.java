package dev.coexist.bench;

import java.util.Locale;

/** Whether a result meets its target, and by how much it is over or under. */
record Verdict(boolean met, String detail) {

  String label() {
    return (met ? "MET" : "MISSED") + " (" + detail + ")";
  }

  /** A lower-is-better figure against its limit. */
  static Verdict atMost(String what, double value, double limit, String unit) {
    final double margin = (limit - value) / limit * 100.0;
    final boolean met = value <= limit;
    return new Verdict(
        met,
        String.format(
            Locale.ROOT,
            "%s %s %s %s %s %s: %s by %.1f %%",
            what,
            Report.number(value),
            unit,
            met ? "≤" : ">",
            Report.number(limit),
            unit,
            met ? "under" : "over",
            Math.abs(margin)));
  }

  /** A higher-is-better figure against its floor. */
  static Verdict atLeast(String what, double value, double floor, String unit) {
    final double margin = (value - floor) / floor * 100.0;
    final boolean met = value >= floor;
    return new Verdict(
        met,
        String.format(
            Locale.ROOT,
            "%s %s %s %s %s %s: %s by %.1f %%",
            what,
            Report.number(value),
            unit,
            met ? "≥" : "<",
            Report.number(floor),
            unit,
            met ? "above" : "short",
            Math.abs(margin)));
  }

  static Verdict all(Verdict... parts) {
    boolean met = true;
    final StringBuilder detail = new StringBuilder();
    for (final Verdict part : parts) {
      met &= part.met();
      if (!detail.isEmpty()) {
        detail.append("; ");
      }
      detail.append(part.detail());
    }
    return new Verdict(met, detail.toString());
  }
}
