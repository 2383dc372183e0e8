package dev.coexist.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.locks.LockSupport;

/**
 * Reads Coexist's {@code /metrics} once a second during a window: the journal backlog ({@code
 * coexist_journal_backlog}, entries waiting to be applied; Coexist counts it at most once a second)
 * and the entries applied so far ({@code coexist_store_entries_total{outcome="applied"}}).
 */
final class BacklogSampler {

  static final Duration PERIOD = Duration.ofSeconds(1);

  /** A scrape slower than this is skipped: a second's sample must not stall the next. */
  private static final Duration SCRAPE_TIMEOUT = Duration.ofMillis(900);

  /**
   * One reading.
   *
   * @param seconds since the window started
   * @param backlog journal entries waiting to be applied
   * @param applied journal entries applied since Coexist started
   * @param failed journal entries that could not be applied since Coexist started
   * @param problems items recorded as problems instead of being applied (a status that could not
   *     attach, an unreadable change) since Coexist started
   */
  record Sample(double seconds, long backlog, long applied, long failed, long problems) {}

  private final URI metrics;
  private final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();

  BacklogSampler(final String baseUrl) {
    this.metrics = URI.create(baseUrl + "/metrics");
  }

  /** Samples at {@code start}, every second after, and at {@code start + window}; then returns. */
  List<Sample> run(final long start, final Duration window) {
    final List<Sample> samples = new ArrayList<>();
    final long end = start + window.toNanos();
    // bounded: one turn per second of the window, plus the last reading
    for (long at = start; ; at = Math.min(end, at + PERIOD.toNanos())) {
      sleepUntil(at);
      read((at - start) / 1e9).ifPresent(samples::add);
      if (at >= end) {
        return samples;
      }
    }
  }

  /** One reading now, if {@code /metrics} answered ({@code seconds} 0). */
  Optional<Sample> now() {
    return read(0);
  }

  private Optional<Sample> read(final double seconds) {
    final HttpRequest request =
        HttpRequest.newBuilder(metrics).timeout(SCRAPE_TIMEOUT).GET().build();
    try {
      final HttpResponse<String> response =
          client.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        return Optional.empty();
      }
      final String text = response.body();
      final OptionalDouble backlog = value(text, "coexist_journal_backlog", "");
      final OptionalDouble applied =
          value(text, "coexist_store_entries_total", "outcome=\"applied\"");
      final OptionalDouble failed =
          value(text, "coexist_store_entries_total", "outcome=\"failed\"");
      final OptionalDouble problems = value(text, "coexist_store_problems_total", "");
      if (backlog.isEmpty() || applied.isEmpty()) {
        return Optional.empty();
      }
      return Optional.of(
          new Sample(
              seconds,
              (long) backlog.getAsDouble(),
              (long) applied.getAsDouble(),
              (long) failed.orElse(0),
              (long) problems.orElse(0)));
    } catch (IOException unreadable) {
      // a missed second is a gap in the series, not a failed run
      return Optional.empty();
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  /**
   * The value of the first sample of {@code name} whose labels contain {@code label} (any labels
   * when empty), in the Prometheus text format: {@code name{labels} value}.
   */
  static OptionalDouble value(final String text, final String name, final String label) {
    for (final String line : text.split("\n")) {
      if (!line.startsWith(name)) {
        continue;
      }
      final int rest = name.length();
      if (rest >= line.length() || (line.charAt(rest) != '{' && line.charAt(rest) != ' ')) {
        continue;
      }
      final int space = line.lastIndexOf(' ');
      final String labels = line.substring(rest, space);
      if (!labels.contains(label)) {
        continue;
      }
      try {
        return OptionalDouble.of(Double.parseDouble(line.substring(space + 1).trim()));
      } catch (NumberFormatException notANumber) {
        return OptionalDouble.empty();
      }
    }
    return OptionalDouble.empty();
  }

  private static void sleepUntil(final long nanoTime) {
    // bounded: each park ends at the deadline at the latest; interrupts end the wait early
    for (long left = nanoTime - System.nanoTime();
        left > 0 && !Thread.currentThread().isInterrupted();
        left = nanoTime - System.nanoTime()) {
      LockSupport.parkNanos(left);
    }
  }

  void close() {
    client.shutdownNow();
  }
}
