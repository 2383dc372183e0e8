package dev.coexist.bench;

import java.time.Duration;
import java.util.Map;
import java.util.OptionalDouble;
import org.HdrHistogram.Histogram;

/**
 * What one scenario measured against one server, over the measured window only (warm-up excluded).
 *
 * @param requests requests whose (intended) start fell in the window, answered or failed
 * @param acks 200 responses
 * @param duplicates 200 responses the server reported as duplicates (should be 0: bodies are
 *     unique)
 * @param errors I/O failures: refused, reset, timed out, closed mid-response
 * @param unsent open-loop requests that were due in the window but never sent before the deadline
 * @param connects TCP connections opened over the whole run, warm-up included (keep-alive: one per
 *     worker)
 * @param ackMicros latency of the 200s in microseconds (open loop: from the intended send time)
 * @param clientCores CPU used by this benchmark process, in cores, over the window
 * @param serverCores CPU used by the server processes, in cores, if they are known
 * @param machineBusy the whole machine's CPU busy fraction (0..1), if {@code /proc/stat} is
 *     readable
 */
record LoadResult(
    String server,
    Duration window,
    long requests,
    long acks,
    long duplicates,
    long errors,
    long unsent,
    long bytesSent,
    long connects,
    Map<Integer, Long> statuses,
    Map<String, Long> errorKinds,
    Histogram ackMicros,
    double clientCores,
    OptionalDouble serverCores,
    OptionalDouble machineBusy) {

  LoadResult {
    statuses = Map.copyOf(statuses);
    errorKinds = Map.copyOf(errorKinds);
  }

  /**
   * CPU the rest of the machine used meanwhile, in cores: anything well above zero means another
   * program competed for the CPU and the figures are not clean.
   */
  double otherCores() {
    if (machineBusy.isEmpty() || serverCores.isEmpty()) {
      // a server whose CPU is not seen (--url, the in-process ceiling) would count as "other"
      return Double.NaN;
    }
    final double all = machineBusy.getAsDouble() * Runtime.getRuntime().availableProcessors();
    return Math.max(0, all - clientCores - serverCores.getAsDouble());
  }

  long non200() {
    return requests - errors - acks;
  }

  double windowSeconds() {
    return window.toNanos() / 1e9;
  }

  double acksPerSecond() {
    return acks / windowSeconds();
  }

  double megabytesPerSecond() {
    return bytesSent / windowSeconds() / 1e6;
  }

  /** A latency percentile of the 200s in milliseconds; NaN when there were none. */
  double percentileMillis(double percentile) {
    return ackMicros.getTotalCount() == 0
        ? Double.NaN
        : ackMicros.getValueAtPercentile(percentile) / 1_000.0;
  }

  double maxMillis() {
    return ackMicros.getTotalCount() == 0 ? Double.NaN : ackMicros.getMaxValue() / 1_000.0;
  }

  /** Share of the 200s slower than {@code millis}, in percent. */
  double percentOver(double millis) {
    if (ackMicros.getTotalCount() == 0) {
      return Double.NaN;
    }
    final long limitMicros = (long) (millis * 1_000);
    final long slower =
        limitMicros >= ackMicros.getMaxValue()
            ? 0
            : ackMicros.getCountBetweenValues(limitMicros + 1, ackMicros.getMaxValue());
    return 100.0 * slower / ackMicros.getTotalCount();
  }
}
