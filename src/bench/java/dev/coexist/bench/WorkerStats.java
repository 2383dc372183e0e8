package dev.coexist.bench;

import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * What one load worker saw in the measured window. Owned by one thread while it runs, merged after
 * all workers have stopped, so it needs no synchronisation.
 */
final class WorkerStats {

  /** Latencies are recorded in microseconds, up to ten minutes, to three significant digits. */
  static final long HIGHEST_MICROS = 600_000_000L;

  final Histogram ackMicros = new Histogram(HIGHEST_MICROS, 3);
  final Map<Integer, Long> statuses = new TreeMap<>();
  final Map<String, Long> errorKinds = new TreeMap<>();
  long requests;
  long acks;
  long duplicates;
  long errors;
  long unsent;
  long bytesSent;
  long connects;

  void response(int status, long latencyNanos, int bodyBytes, boolean duplicate) {
    requests++;
    bytesSent += bodyBytes;
    statuses.merge(status, 1L, Long::sum);
    if (status == 200) {
      acks++;
      ackMicros.recordValue(Math.min(HIGHEST_MICROS, Math.max(0, latencyNanos / 1_000)));
      if (duplicate) {
        duplicates++;
      }
    }
  }

  void error(Exception e) {
    requests++;
    errors++;
    final String message = e.getMessage() == null ? "" : ": " + e.getMessage();
    final String kind = e.getClass().getSimpleName() + message;
    errorKinds.merge(kind.length() > 120 ? kind.substring(0, 120) : kind, 1L, Long::sum);
  }

  void merge(WorkerStats other) {
    ackMicros.add(other.ackMicros);
    other.statuses.forEach((status, count) -> statuses.merge(status, count, Long::sum));
    other.errorKinds.forEach((kind, count) -> errorKinds.merge(kind, count, Long::sum));
    requests += other.requests;
    acks += other.acks;
    duplicates += other.duplicates;
    errors += other.errors;
    unsent += other.unsent;
    bytesSent += other.bytesSent;
    connects += other.connects;
  }
}
