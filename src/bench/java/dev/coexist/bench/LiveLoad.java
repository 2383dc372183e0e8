package dev.coexist.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongFunction;
import org.HdrHistogram.Histogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Open-loop live traffic at a fixed rate for a window: delivery {@code n} is due at {@code start +
 * n / rate}; a free keep-alive connection (one virtual thread each) claims the next due delivery,
 * waits for its time and posts it, as {@link LoadGenerator}'s open loop does. Sampled inbound
 * messages are handed to an {@link AckToVisible} probe after their 200.
 */
final class LiveLoad {

  private static final Logger LOG = LoggerFactory.getLogger(LiveLoad.class);

  /** A request not answered within this is an error; far beyond any acceptable webhook latency. */
  private static final int READ_TIMEOUT_MILLIS = 30_000;

  /**
   * After the window, deliveries already due may still be sent this long; then the rest count as
   * unsent. Long enough for a server a little behind to catch up, short enough that an overloaded
   * step does not run on for minutes.
   */
  static final Duration DRAIN_LIMIT = Duration.ofSeconds(10);

  /** Pause after an I/O error, so a dead server does not turn the loop into a busy spin. */
  private static final long ERROR_BACKOFF_NANOS = 20_000_000L;

  /**
   * What the window's deliveries got.
   *
   * @param due deliveries due in the window
   * @param acks answered 200
   * @param failed answered otherwise, or not at all (I/O error)
   * @param unsent never sent before the drain limit (the server was too far behind)
   * @param acksInWindow 200s that came before the window's end (the rest came during the drain)
   * @param ackMicros time from each delivery's due time to its 200, in microseconds: a client queue
   *     behind a slow server shows here, not hidden by the open loop
   */
  record Sent(
      long due,
      long acks,
      long failed,
      long unsent,
      long acksInWindow,
      Histogram ackMicros,
      long connects) {

    /** Share of the 200s slower than {@code millis} from their due time, 0..1. */
    double shareSlowerThan(final double millis) {
      final long limit = (long) (millis * 1_000);
      if (ackMicros.getTotalCount() == 0 || limit >= ackMicros.getMaxValue()) {
        return 0;
      }
      return (double) ackMicros.getCountBetweenValues(limit + 1, ackMicros.getMaxValue())
          / ackMicros.getTotalCount();
    }
  }

  private final LiveDeliveries deliveries;
  private final List<LoopbackEndpoint> endpoints;
  private final int connections;
  // the probe that times a request (inbound messages only), null when none does; null: the
  // probe given to run(), for LiveDeliveries.sampled requests
  private final LongFunction<AckToVisible> probes;

  LiveLoad(
      final LiveDeliveries deliveries, final LoopbackEndpoint endpoint, final int connections) {
    this(deliveries, List.of(endpoint), connections, null);
  }

  /**
   * @param endpoints the connections go to these in turn (the nodes of a cluster)
   * @param probes which probe times a request (inbound messages only), null for none
   */
  LiveLoad(
      final LiveDeliveries deliveries,
      final List<LoopbackEndpoint> endpoints,
      final int connections,
      final LongFunction<AckToVisible> probes) {
    this.deliveries = deliveries;
    this.endpoints = List.copyOf(endpoints);
    this.connections = connections;
    this.probes = probes;
  }

  /**
   * Sends from {@code start} for {@code window} at {@code rate}/s and returns once every due
   * delivery was answered or the drain limit passed.
   *
   * @param settledAt the end of the first seconds (a cold JVM's): only deliveries due from then on
   *     count in {@link Sent#ackMicros} and are timed by {@code probe}
   * @param probe times sampled inbound messages that are due at or after {@code settledAt}; null
   *     for none
   */
  Sent run(
      final long start,
      final Duration window,
      final double rate,
      final AckToVisible probe,
      final long settledAt)
      throws InterruptedException {
    final long until = start + window.toNanos();
    final long hardDeadline = until + DRAIN_LIMIT.toNanos();
    final double interval = 1e9 / rate;
    final AtomicLong slots = new AtomicLong();
    final List<Counts> counts = new ArrayList<>();
    final List<Thread> workers = new ArrayList<>();
    for (int worker = 0; worker < connections; worker++) {
      final Counts own = new Counts();
      counts.add(own);
      final LoopbackEndpoint endpoint = endpoints.get(worker % endpoints.size());
      final byte[] headPrefix = endpoint.postHeadPrefix("/webhooks/whatsapp");
      workers.add(
          Thread.ofVirtual()
              .name("bench-live-" + worker)
              .start(
                  () ->
                      loop(
                          own,
                          endpoint,
                          headPrefix,
                          start,
                          interval,
                          slots,
                          until,
                          hardDeadline,
                          probe,
                          settledAt)));
    }
    for (final Thread worker : workers) {
      final long left =
          Math.max(1, (hardDeadline + 5_000_000_000L - System.nanoTime()) / 1_000_000);
      if (!worker.join(Duration.ofMillis(left))) {
        LOG.warn("worker {} still busy after the drain limit; interrupting it", worker.getName());
        worker.interrupt();
      }
    }
    long due = 0;
    long acks = 0;
    long failed = 0;
    long unsent = 0;
    long acksInWindow = 0;
    final Histogram ackMicros = new Histogram(WorkerStats.HIGHEST_MICROS, 3);
    long connects = 0;
    for (final Counts one : counts) {
      synchronized (one) {
        due += one.due;
        acks += one.acks;
        failed += one.failed;
        unsent += one.unsent;
        acksInWindow += one.acksInWindow;
        ackMicros.add(one.ackMicros);
        connects += one.connects;
      }
    }
    return new Sent(due, acks, failed, unsent, acksInWindow, ackMicros, connects);
  }

  private void loop(
      final Counts counts,
      final LoopbackEndpoint endpoint,
      final byte[] headPrefix,
      final long start,
      final double interval,
      final AtomicLong slots,
      final long until,
      final long hardDeadline,
      final AckToVisible probe,
      final long settledAt) {
    final byte[] body = new byte[deliveries.maxLength()];
    final HttpConnection connection = new HttpConnection(endpoint.address(), READ_TIMEOUT_MILLIS);
    try (connection) {
      // bounded: the slots run out at the window's end, and each turn claims one
      while (!Thread.currentThread().isInterrupted()) {
        final long slot = slots.getAndIncrement();
        final long due = start + (long) (slot * interval);
        if (due >= until) {
          return;
        }
        synchronized (counts) {
          counts.due++;
        }
        if (System.nanoTime() >= hardDeadline) {
          // the server fell so far behind that this delivery was never sent: count, do not hide
          synchronized (counts) {
            counts.unsent++;
          }
          continue;
        }
        sleepUntil(due);
        final int length = deliveries.renderInto(slot, body);
        final AckToVisible timing =
            due < settledAt
                ? null
                : probes != null
                    ? probes.apply(slot)
                    : probe != null && LiveDeliveries.sampled(slot) ? probe : null;
        try {
          final int status = connection.post(headPrefix, body, length);
          final long answered = System.nanoTime();
          synchronized (counts) {
            if (status == 200) {
              counts.acks++;
              if (answered < until) {
                counts.acksInWindow++;
              }
              if (due >= settledAt) {
                counts.ackMicros.recordValue(
                    Math.min(WorkerStats.HIGHEST_MICROS, Math.max(0, (answered - due) / 1_000)));
              }
            } else {
              counts.failed++;
            }
          }
          if (timing != null) {
            timing.acknowledged(deliveries.inboundWamid(slot), status, answered);
          }
        } catch (IOException e) {
          synchronized (counts) {
            counts.failed++;
          }
          if (timing != null) {
            timing.acknowledged(deliveries.inboundWamid(slot), -1, System.nanoTime());
          }
          LockSupport.parkNanos(ERROR_BACKOFF_NANOS);
        }
      }
    } finally {
      synchronized (counts) {
        counts.connects += connection.connects();
      }
    }
  }

  private static void sleepUntil(final long nanoTime) {
    // bounded: each park ends at the deadline at the latest; interrupts end the wait early
    for (long left = nanoTime - System.nanoTime();
        left > 0 && !Thread.currentThread().isInterrupted();
        left = nanoTime - System.nanoTime()) {
      LockSupport.parkNanos(left);
    }
  }

  /** One worker's counts; merged after the workers have stopped. */
  private static final class Counts {
    long due;
    long acks;
    long failed;
    long unsent;
    long acksInWindow;
    final Histogram ackMicros = new Histogram(WorkerStats.HIGHEST_MICROS, 3);
    long connects;
  }
}
