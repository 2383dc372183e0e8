package dev.coexist.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Samples a Coexist child every {@value #PERIOD_MILLIS} ms on a platform thread of its own: heap in
 * use and live data after the last collection (from {@code /metrics}), resident memory (from {@code
 * /proc/PID/status}), and whether {@code /health/live} and {@code /health/ready} answer 200. Keeps
 * the peaks and the first failure.
 */
final class ServerSampler implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ServerSampler.class);

  /** Often enough to catch a heap peak between two young collections of a busy server. */
  static final long PERIOD_MILLIS = 250;

  /** A health answer slower than this counts as a failure: a supervisor would give up too. */
  private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(5);

  /** What the samples showed. */
  record Samples(
      long count,
      long heapUsedPeak,
      long liveDataPeak,
      long heapMax,
      long rssPeak,
      long liveFailures,
      long readyFailures,
      String firstFailure) {

    boolean alwaysAlive() {
      return count > 0 && liveFailures == 0 && readyFailures == 0;
    }
  }

  private final long pid;
  private final String base;
  private final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(ANSWER_TIMEOUT)
          .build();
  private final Thread thread;
  private volatile boolean stopping;
  private long count;
  private long heapUsedPeak;
  private long liveDataPeak;
  private long heapMax;
  private long rssPeak;
  private long liveFailures;
  private long readyFailures;
  private String firstFailure;

  ServerSampler(long pid, LoopbackEndpoint endpoint) {
    this.pid = pid;
    this.base = endpoint.baseUrl();
    this.thread = Thread.ofPlatform().name("bench-sampler").daemon().unstarted(this::run);
  }

  void start() {
    thread.start();
  }

  /** Stops sampling (after the sample in progress) and returns what was seen. */
  Samples finish() throws InterruptedException {
    stopping = true;
    thread.join(ANSWER_TIMEOUT.multipliedBy(4).toMillis());
    synchronized (this) {
      return new Samples(
          count,
          heapUsedPeak,
          liveDataPeak,
          heapMax,
          rssPeak,
          liveFailures,
          readyFailures,
          firstFailure);
    }
  }

  private void run() {
    long next = System.nanoTime();
    while (!stopping) {
      sample();
      next += PERIOD_MILLIS * 1_000_000L;
      final long left = next - System.nanoTime();
      if (left > 0) {
        LockSupport.parkNanos(left);
      } else {
        // a slow answer: the next sample starts now, not in a burst of missed ones
        next = System.nanoTime();
      }
    }
  }

  private void sample() {
    final HttpResponse<String> live = get("/health/live");
    final HttpResponse<String> ready = get("/health/ready");
    final HttpResponse<String> metrics = get("/metrics");
    final OptionalLong rss = residentBytes();
    synchronized (this) {
      count++;
      if (live == null || live.statusCode() != 200) {
        liveFailures++;
        failed("/health/live", live);
      }
      if (ready == null || ready.statusCode() != 200) {
        readyFailures++;
        failed("/health/ready", ready);
      }
      if (metrics != null && metrics.statusCode() == 200) {
        final PrometheusText text = new PrometheusText(metrics.body());
        heapUsedPeak = Math.max(heapUsedPeak, text.sum("jvm_memory_used_bytes", "area=\"heap\""));
        liveDataPeak = Math.max(liveDataPeak, text.sum("jvm_gc_live_data_size_bytes", ""));
        heapMax = Math.max(heapMax, text.sumPositive("jvm_memory_max_bytes", "area=\"heap\""));
      }
      if (rss.isPresent()) {
        rssPeak = Math.max(rssPeak, rss.getAsLong());
      }
    }
  }

  private void failed(String path, HttpResponse<String> answer) {
    if (firstFailure == null) {
      firstFailure =
          path
              + (answer == null
                  ? " did not answer within " + ANSWER_TIMEOUT.toSeconds() + " s"
                  : " answered " + answer.statusCode() + " " + answer.body())
              + " at sample "
              + count;
      LOG.warn("sampler: {}", firstFailure);
    }
  }

  /** The answer, or null when there was none in time. */
  private HttpResponse<String> get(String path) {
    try {
      return client.send(
          HttpRequest.newBuilder(URI.create(base + path)).timeout(ANSWER_TIMEOUT).GET().build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException noAnswer) {
      return null;
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      stopping = true;
      return null;
    }
  }

  /** VmRSS of the child, in bytes. */
  private OptionalLong residentBytes() {
    try {
      for (final String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          final String kilobytes = line.substring(6).trim().split("\\s+")[0];
          return OptionalLong.of(Long.parseLong(kilobytes) * 1024);
        }
      }
    } catch (IOException | RuntimeException unreadable) {
      // not Linux, or the process is gone: no figure rather than a wrong one
    }
    return OptionalLong.empty();
  }

  @Override
  public void close() {
    stopping = true;
    client.close();
  }
}
