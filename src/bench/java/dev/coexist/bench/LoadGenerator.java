package dev.coexist.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives one scenario against one server: one virtual thread per keep-alive connection.
 *
 * <p>Closed loop: each connection sends its next request as soon as the previous one is answered;
 * latency is send-to-answer. Open loop: request {@code n} is due at {@code start + n / rate}; a
 * free connection claims the next due request, waits for its time and sends it. When every
 * connection is busy, due requests queue up and their latency, measured from the due time, grows: a
 * slow server cannot hide behind the client's back-off (no coordinated omission).
 */
final class LoadGenerator {

  private static final Logger LOG = LoggerFactory.getLogger(LoadGenerator.class);

  /** A request not answered within this is an error; far beyond any acceptable webhook latency. */
  private static final int READ_TIMEOUT_MILLIS = 30_000;

  /** After the window, in-flight requests get this long to finish before workers are abandoned. */
  private static final Duration DRAIN_LIMIT = Duration.ofSeconds(40);

  /** Pause after an I/O error, so a dead server does not turn the loop into a busy spin. */
  private static final long ERROR_BACKOFF_NANOS = 20_000_000L;

  private static final byte[] DUPLICATE_MARKER = "duplicate".getBytes(StandardCharsets.US_ASCII);

  private final Scenario scenario;
  private final LoopbackEndpoint endpoint;
  private final Duration warmup;
  private final Duration duration;
  private final Supplier<OptionalLong> serverCpuNanos;
  private final AtomicLong sequence;

  /** Every 200 of the run, warm-up and drain included: what the server must apply in the end. */
  private final AtomicLong acknowledged = new AtomicLong();

  /**
   * @param sequence shared across runs so that no two requests of a benchmark carry the same body
   */
  LoadGenerator(
      Scenario scenario,
      LoopbackEndpoint endpoint,
      Duration warmup,
      Duration duration,
      Supplier<OptionalLong> serverCpuNanos,
      AtomicLong sequence) {
    this.scenario = scenario;
    this.endpoint = endpoint;
    this.warmup = warmup;
    this.duration = duration;
    this.serverCpuNanos = serverCpuNanos;
    this.sequence = sequence;
  }

  LoadResult run() throws InterruptedException {
    final byte[] headPrefix = endpoint.postHeadPrefix(scenario.path());
    final long start = System.nanoTime() + 50_000_000L; // let every worker start first
    final long measureFrom = start + warmup.toNanos();
    final long measureUntil = measureFrom + duration.toNanos();
    final long hardDeadline = measureUntil + DRAIN_LIMIT.toNanos();
    final AtomicLong dueSlots = new AtomicLong();
    final double intervalNanos = scenario.openLoop() ? 1e9 / scenario.ratePerSecond() : 0;

    final List<WorkerStats> stats = new ArrayList<>();
    final List<Thread> workers = new ArrayList<>();
    for (int i = 0; i < scenario.connections(); i++) {
      final WorkerStats own = new WorkerStats();
      stats.add(own);
      final Runnable loop =
          scenario.openLoop()
              ? () ->
                  openLoop(
                      own,
                      headPrefix,
                      start,
                      intervalNanos,
                      dueSlots,
                      measureFrom,
                      measureUntil,
                      hardDeadline)
              : () -> closedLoop(own, headPrefix, start, measureFrom, measureUntil);
      workers.add(Thread.ofVirtual().name("bench-" + scenario.name() + "-" + i).start(loop));
    }

    sleepUntil(measureFrom);
    final long clientCpuStart = CpuClock.selfNanos();
    final OptionalLong serverCpuStart = serverCpuNanos.get();
    final CpuClock.MachineTicks machineStart = CpuClock.MachineTicks.read();
    sleepUntil(measureUntil);
    final long clientCpuEnd = CpuClock.selfNanos();
    final OptionalLong serverCpuEnd = serverCpuNanos.get();
    final CpuClock.MachineTicks machineEnd = CpuClock.MachineTicks.read();

    for (final Thread worker : workers) {
      final long left = Math.max(1, (hardDeadline - System.nanoTime()) / 1_000_000);
      if (!worker.join(Duration.ofMillis(left))) {
        LOG.warn("worker {} still busy after the drain limit; interrupting it", worker.getName());
        worker.interrupt();
      }
    }

    final WorkerStats total = new WorkerStats();
    for (final WorkerStats one : stats) {
      synchronized (one) {
        total.merge(one);
      }
    }
    final double windowNanos = measureUntil - measureFrom;
    final double busy = machineEnd.busySince(machineStart);
    return new LoadResult(
        endpoint.label(),
        duration,
        total.requests,
        total.acks,
        total.duplicates,
        total.errors,
        total.unsent,
        total.bytesSent,
        total.connects,
        total.statuses,
        total.errorKinds,
        total.ackMicros,
        (clientCpuEnd - clientCpuStart) / windowNanos,
        serverCpuStart.isPresent() && serverCpuEnd.isPresent()
            ? OptionalDouble.of(
                (serverCpuEnd.getAsLong() - serverCpuStart.getAsLong()) / windowNanos)
            : OptionalDouble.empty(),
        busy < 0 ? OptionalDouble.empty() : OptionalDouble.of(busy));
  }

  private void closedLoop(
      WorkerStats stats, byte[] headPrefix, long start, long measureFrom, long measureUntil) {
    final byte[] body = scenario.payloads().newBuffer();
    sleepUntil(start);
    final HttpConnection connection = new HttpConnection(endpoint.address(), READ_TIMEOUT_MILLIS);
    try (connection) {
      while (!Thread.currentThread().isInterrupted()) {
        final long sent = System.nanoTime();
        if (sent >= measureUntil) {
          return;
        }
        exchange(connection, headPrefix, body, sent, sent >= measureFrom ? stats : null);
      }
    } finally {
      countConnects(stats, connection);
    }
  }

  private void openLoop(
      WorkerStats stats,
      byte[] headPrefix,
      long start,
      double intervalNanos,
      AtomicLong dueSlots,
      long measureFrom,
      long measureUntil,
      long hardDeadline) {
    final byte[] body = scenario.payloads().newBuffer();
    final HttpConnection connection = new HttpConnection(endpoint.address(), READ_TIMEOUT_MILLIS);
    try (connection) {
      while (!Thread.currentThread().isInterrupted()) {
        final long slot = dueSlots.getAndIncrement();
        final long due = start + (long) (slot * intervalNanos);
        if (due >= measureUntil) {
          return;
        }
        final boolean measured = due >= measureFrom;
        if (System.nanoTime() >= hardDeadline) {
          // the server fell so far behind that this request was never sent: count, do not hide
          if (measured) {
            synchronized (stats) {
              stats.unsent++;
            }
          }
          continue;
        }
        sleepUntil(due);
        exchange(connection, headPrefix, body, due, measured ? stats : null);
      }
    } finally {
      countConnects(stats, connection);
    }
  }

  /** Sends one request; records it when {@code stats} is not null (inside the window). */
  private void exchange(
      HttpConnection connection,
      byte[] headPrefix,
      byte[] body,
      long startedAt,
      WorkerStats stats) {
    final long seq = sequence.getAndIncrement();
    final int length = scenario.payloads().renderInto(seq, body);
    try {
      final int status = connection.post(headPrefix, body, length);
      final long latency = System.nanoTime() - startedAt;
      if (status == 200) {
        acknowledged.incrementAndGet();
      }
      if (stats != null) {
        final boolean duplicate = connection.response().bodyContains(DUPLICATE_MARKER);
        synchronized (stats) {
          stats.response(status, latency, length, duplicate);
        }
      }
    } catch (IOException e) {
      if (stats != null) {
        synchronized (stats) {
          stats.error(e);
        }
      }
      LockSupport.parkNanos(ERROR_BACKOFF_NANOS);
    }
  }

  /** The 200s of the whole run so far, measured or not. */
  long acknowledged() {
    return acknowledged.get();
  }

  /** Keep-alive should hold: more opened connections than workers means the server closed some. */
  private static void countConnects(WorkerStats stats, HttpConnection connection) {
    synchronized (stats) {
      stats.connects += connection.connects();
    }
  }

  private static void sleepUntil(long nanoTime) {
    // bounded: each park ends at the deadline at the latest; interrupts end the wait early
    for (long left = nanoTime - System.nanoTime();
        left > 0 && !Thread.currentThread().isInterrupted();
        left = nanoTime - System.nanoTime()) {
      LockSupport.parkNanos(left);
    }
  }
}
