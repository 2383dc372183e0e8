package dev.coexist.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code abuse} scenario: {@code small-2000} alone on a fresh Coexist child, then the same load
 * on another fresh child while {@link Abusers} attack it; each child sampled throughout by a {@link
 * ServerSampler}, and each run followed by a check that every acknowledged delivery was applied.
 */
final class AbuseRun {

  private static final Logger LOG = LoggerFactory.getLogger(AbuseRun.class);

  /**
   * The children's connection cap: the abusers' 2,250 connections, the valid senders and the
   * sampler fit with room for reconnects, so the cap never refuses a valid sender; the default
   * (derived from the file-descriptor limit) would be as good on a machine with a high limit, but a
   * fixed figure makes runs comparable between machines.
   */
  static final int MAX_CONNECTIONS = 4_096;

  /** File descriptors each process needs beyond its connections (JVM, database, journal, logs). */
  private static final int DESCRIPTOR_RESERVE = 512;

  /** The memory budgets the children run with, passed explicitly so the report can name them. */
  static final String INGEST_MEMORY = "64MB";

  static final long INGEST_MEMORY_BYTES = 64L * 1024 * 1024;
  static final String JOURNAL_QUEUE = "256MB";
  static final long JOURNAL_QUEUE_BYTES = 256L * 1024 * 1024;

  /**
   * The children's heap when no -Xmx is given: a fixed heap, so that heap figures compare between
   * runs and machines (the JVM's default is a quarter of the machine's memory).
   */
  static final String DEFAULT_HEAP = "-Xmx1g";

  /** After the load, the processor gets this long to apply what was acknowledged. */
  private static final Duration DRAIN_LIMIT = Duration.ofMinutes(3);

  /** The abusers connect over this long before the valid senders start. */
  private static final Duration RAMP = Duration.ofSeconds(3);

  /** The abusers go on this long past the measured window, so that they cover all of it. */
  private static final Duration ABUSE_PAST_WINDOW = Duration.ofSeconds(1);

  /** One run on one child. */
  record Phase(
      String name,
      String server,
      LoadResult load,
      long acknowledged,
      ServerSampler.Samples samples,
      Drain drain,
      AbuserProcess.Result abuse,
      long descriptorLimit) {}

  /**
   * How the journal ended: the backlog when the wait ended, and the entries applied and failed
   * since the child started; with what the server counted of the abuse by then.
   */
  record Drain(
      long backlog,
      long applied,
      long failed,
      Duration waited,
      long connectionsTimedOut,
      long connectionsRefused,
      long unauthorized) {}

  /** Both runs. */
  record Outcome(
      Phase alone, Phase underAbuse, List<String> jvmOptions, List<String> serveOptions) {}

  private final Scenario valid;
  private final Abusers.Shape shape;
  private final int abusersNice;
  private final Duration warmup;
  private final Duration duration;
  private final List<String> jvmOptions;
  private final List<String> serveOptions;
  private final boolean keepData;
  private final AtomicLong sequence;

  AbuseRun(
      Scenario valid,
      Abusers.Shape shape,
      int abusersNice,
      Duration warmup,
      Duration duration,
      List<String> serverJvmOptions,
      boolean keepData,
      AtomicLong sequence) {
    this.valid = valid;
    this.shape = shape;
    this.abusersNice = abusersNice;
    this.warmup = warmup;
    this.duration = duration;
    final List<String> jvm = new ArrayList<>(serverJvmOptions);
    if (jvm.stream().noneMatch(option -> option.startsWith("-Xmx"))) {
      jvm.add(DEFAULT_HEAP);
    }
    this.jvmOptions = List.copyOf(jvm);
    this.serveOptions =
        List.of(
            "--max-connections",
            Integer.toString(MAX_CONNECTIONS),
            "--ingest-memory",
            INGEST_MEMORY,
            "--journal-queue-bytes",
            JOURNAL_QUEUE);
    this.keepData = keepData;
    this.sequence = sequence;
  }

  Outcome run() throws IOException, InterruptedException {
    checkDescriptors(selfDescriptorLimit());
    final Phase alone = phase(false);
    final Phase abused = phase(true);
    return new Outcome(alone, abused, jvmOptions, serveOptions);
  }

  private Phase phase(boolean abuse) throws IOException, InterruptedException {
    final String name = abuse ? valid.name() + " under abuse" : valid.name() + " alone";
    try (CoexistChildServer server = CoexistChildServer.start(jvmOptions, serveOptions, keepData);
        ServerSampler sampler = new ServerSampler(server.pid(), server.endpoint())) {
      final long limit = descriptorLimit(server.pid());
      checkDescriptors(limit);
      sampler.start();
      AbuserProcess abusers = null;
      try {
        if (abuse) {
          // in a JVM of their own: in this one they queued the valid senders behind them
          abusers =
              AbuserProcess.start(
                  shape,
                  server.endpoint(),
                  RAMP.plus(warmup).plus(duration).plus(ABUSE_PAST_WINDOW),
                  abusersNice);
          LockSupport.parkNanos(RAMP.toNanos());
        }
        LOG.info("{}: {} s warm-up, then {} s measured", name, seconds(warmup), seconds(duration));
        final LoadGenerator load =
            new LoadGenerator(
                valid, server.endpoint(), warmup, duration, server::cpuNanos, sequence);
        final LoadResult result = load.run();
        final AbuserProcess.Result tally = abusers == null ? null : abusers.stop();
        final Drain drain = drain(server.endpoint(), load.acknowledged());
        final ServerSampler.Samples samples = sampler.finish();
        LOG.info(
            "{}: p99 {} ms, {} non-200, {} errors; heap peak {} MB; {} of {} acknowledged applied",
            name,
            Report.number(result.percentileMillis(99)),
            result.non200(),
            result.errors(),
            samples.heapUsedPeak() / 1_000_000,
            drain.applied(),
            load.acknowledged());
        return new Phase(
            name, server.description(), result, load.acknowledged(), samples, drain, tally, limit);
      } finally {
        if (abusers != null) {
          abusers.close();
        }
      }
    }
  }

  /** Waits until the journal has no pending entry and everything acknowledged was applied. */
  private static Drain drain(LoopbackEndpoint endpoint, long acknowledged)
      throws InterruptedException {
    final long start = System.nanoTime();
    final long until = start + DRAIN_LIMIT.toNanos();
    try (HttpClient client =
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
      Drain last = new Drain(-1, 0, 0, Duration.ZERO, 0, 0, 0);
      while (System.nanoTime() < until) {
        final PrometheusText metrics = metrics(client, endpoint);
        if (metrics != null) {
          last =
              new Drain(
                  metrics.sum("coexist_journal_backlog", ""),
                  metrics.sum("coexist_store_entries_total", "outcome=\"applied\""),
                  metrics.sum("coexist_store_entries_total", "outcome=\"failed\""),
                  Duration.ofNanos(System.nanoTime() - start),
                  metrics.sum("coexist_http_connections_timed_out_total", ""),
                  metrics.sum("coexist_http_connections_refused_total", ""),
                  metrics.sum("coexist_deliveries_unauthorized_total", ""));
          if (last.backlog() == 0 && last.applied() + last.failed() >= acknowledged) {
            return last;
          }
        }
        Thread.sleep(250);
      }
      return last;
    }
  }

  private static PrometheusText metrics(HttpClient client, LoopbackEndpoint endpoint)
      throws InterruptedException {
    try {
      final HttpResponse<String> answer =
          client.send(
              HttpRequest.newBuilder(URI.create(endpoint.baseUrl() + "/metrics"))
                  .timeout(Duration.ofSeconds(5))
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return answer.statusCode() == 200 ? new PrometheusText(answer.body()) : null;
    } catch (IOException noAnswer) {
      return null;
    }
  }

  /** The child would refuse valid senders for want of descriptors: better not to measure at all. */
  private void checkDescriptors(long limit) throws IOException {
    final long needed = MAX_CONNECTIONS + DESCRIPTOR_RESERVE;
    if (limit >= 0 && limit < needed) {
      throw new IOException(
          "the abuse scenario needs "
              + needed
              + " file descriptors per process (--max-connections "
              + MAX_CONNECTIONS
              + " and a reserve), the limit is "
              + limit
              + ": raise it with ulimit -n");
    }
  }

  private static long selfDescriptorLimit() {
    return descriptorLimit(ProcessHandle.current().pid());
  }

  /** The soft "Max open files" of a process, from /proc; -1 when unknown. */
  static long descriptorLimit(long pid) {
    try {
      for (final String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "limits"))) {
        if (line.startsWith("Max open files")) {
          return Long.parseLong(line.substring("Max open files".length()).trim().split("\\s+")[0]);
        }
      }
    } catch (IOException | RuntimeException unknown) {
      // not Linux: the child finds out for itself (and logs its cap)
    }
    return -1;
  }

  private static String seconds(Duration duration) {
    return Report.number(duration.toMillis() / 1_000.0);
  }
}
