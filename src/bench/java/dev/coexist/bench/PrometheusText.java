package dev.coexist.bench;

/**
 * Sums of series in Prometheus's text exposition format, the way {@code /metrics} serves it: enough
 * for the benchmark to read a few gauges and counters, without a client library.
 */
final class PrometheusText {

  private final String text;

  PrometheusText(String text) {
    this.text = text;
  }

  /**
   * The sum of every series named {@code name} whose labels contain {@code labelPart} (e.g. {@code
   * area="heap"}; empty for all), as a whole number; 0 when there is none.
   */
  long sum(String name, String labelPart) {
    return (long) total(name, labelPart, false);
  }

  /** The same, counting only positive values (a max of -1 means "no limit" for a memory pool). */
  long sumPositive(String name, String labelPart) {
    return (long) total(name, labelPart, true);
  }

  private double total(String name, String labelPart, boolean positiveOnly) {
    double total = 0;
    for (final String line : text.split("\n")) {
      if (!line.startsWith(name)) {
        continue;
      }
      final String rest = line.substring(name.length());
      final String labels;
      final String value;
      if (rest.startsWith("{")) {
        final int end = rest.indexOf('}');
        if (end < 0) {
          continue;
        }
        labels = rest.substring(1, end);
        value = rest.substring(end + 1).trim();
      } else if (rest.startsWith(" ")) {
        labels = "";
        value = rest.trim();
      } else {
        continue; // another metric whose name starts with this one
      }
      if (!labels.contains(labelPart)) {
        continue;
      }
      try {
        final double parsed = Double.parseDouble(value.split("\\s+")[0]);
        if (!Double.isNaN(parsed) && (!positiveOnly || parsed > 0)) {
          total += parsed;
        }
      } catch (NumberFormatException notANumber) {
        // NaN or a malformed line: not part of the sum
      }
    }
    return total;
  }
}
