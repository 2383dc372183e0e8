package dev.coexist.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * Times sampled messages from their 200 until {@code GET /api/v1/messages/{wamid}} finds them, by
 * polling the API on a virtual thread per sample (nothing blocks the sender).
 *
 * <p>Not through the live feed, as the store benchmark's live scenario waits: a feed subscriber
 * makes Coexist serialise and send every change of every number, work that competes with applying
 * on a small machine. Polling costs a few GETs per sample instead: every {@link #FIRST_POLLS} for
 * the first {@link #FIRST_PHASE}, then every tenth of the time waited so far (a figure is at most 5
 * ms or a tenth late), at most every {@link #LONGEST_POLL}.
 */
final class AckToVisible implements AutoCloseable {

  /**
   * A message not visible this long after its 200 counts as not visible in time: twelve times the
   * target, so that p50 and p90 still show how far off a missed target is, while a step whose
   * backlog grows does not keep thousands of samples polling.
   */
  static final Duration LIMIT = Duration.ofSeconds(3);

  /** Polling interval while a message is young: the resolution of fast samples. */
  private static final long FIRST_POLLS = TimeUnit.MILLISECONDS.toNanos(5);

  private static final long FIRST_PHASE = TimeUnit.MILLISECONDS.toNanos(50);

  /** Past the target, the exact figure matters less than the GETs polling costs the server. */
  private static final long LONGEST_POLL = TimeUnit.MILLISECONDS.toNanos(250);

  /**
   * Samples followed at once, at most: a sample arrives every 30 ms at 2,000/s, so more than this
   * only happens when they take longer than the limit, and one beyond it counts as not visible in
   * time rather than add to the polling.
   */
  private static final int MOST_FOLLOWED = 128;

  /** Latencies in microseconds, up to a minute, three significant digits. */
  private static final long HIGHEST_MICROS = TimeUnit.MINUTES.toMicros(1);

  /**
   * What the samples showed.
   *
   * @param micros ack → visible of the messages that showed within {@link #LIMIT}
   * @param notVisible acknowledged but not visible within the limit
   * @param notAcknowledged sampled messages whose delivery did not get a 200 (not timed)
   * @param gets GET requests the polling sent
   */
  record Outcome(Histogram micros, long notVisible, long notAcknowledged, long gets) {
    long samples() {
      return micros.getTotalCount() + notVisible;
    }
  }

  // Kept-alive connections of the harness's own lean client, as the load uses: the JDK HttpClient
  // took a tenth of a core at these rates, on the two cores the measured server shares with it
  private final ConcurrentLinkedQueue<HttpConnection> connections = new ConcurrentLinkedQueue<>();
  private final ExecutorService pollers = Executors.newVirtualThreadPerTaskExecutor();
  private final InetSocketAddress address;
  private final String apiKey;
  private final Histogram micros = new Histogram(HIGHEST_MICROS, 3);
  private final AtomicLong notVisible = new AtomicLong();
  private final AtomicLong notAcknowledged = new AtomicLong();
  private final AtomicLong outstanding = new AtomicLong();
  private final AtomicLong gets = new AtomicLong();

  AckToVisible(final InetSocketAddress address, final String apiKey) {
    this.address = address;
    this.apiKey = apiKey;
  }

  /**
   * A sampled message got its answer.
   *
   * @param status the delivery's HTTP status, -1 for an I/O error
   * @param at when the answer came, in {@link System#nanoTime()}
   */
  void acknowledged(final String wamid, final int status, final long at) {
    if (status != 200) {
      notAcknowledged.incrementAndGet();
      return;
    }
    if (outstanding.incrementAndGet() > MOST_FOLLOWED) {
      outstanding.decrementAndGet();
      notVisible.incrementAndGet();
      return;
    }
    pollers.execute(
        () -> {
          try {
            follow(wamid, at);
          } finally {
            outstanding.decrementAndGet();
          }
        });
  }

  private void follow(final String wamid, final long acknowledgedAt) {
    final byte[] get =
        ("GET /api/v1/messages/"
                + wamid
                + " HTTP/1.1\r\nHost: "
                + address.getHostString()
                + ":"
                + address.getPort()
                + "\r\nAuthorization: Bearer "
                + apiKey
                + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    final long deadline = acknowledgedAt + LIMIT.toNanos();
    // bounded: ends at the limit, each turn waits at least FIRST_POLLS
    while (!Thread.currentThread().isInterrupted()) {
      final long waited = System.nanoTime() - acknowledgedAt;
      final long pause =
          waited < FIRST_PHASE
              ? FIRST_POLLS
              : Math.min(LONGEST_POLL, Math.max(FIRST_POLLS, waited / 10));
      LockSupport.parkNanos(pause);
      if (System.nanoTime() > deadline) {
        break;
      }
      if (found(get)) {
        record(Math.max(1, (System.nanoTime() - acknowledgedAt) / 1_000));
        return;
      }
    }
    notVisible.incrementAndGet();
  }

  private boolean found(final byte[] get) {
    gets.incrementAndGet();
    HttpConnection connection = connections.poll();
    if (connection == null) {
      connection = new HttpConnection(address, (int) LIMIT.toMillis());
    }
    try {
      final boolean visible = connection.send(get) == 200;
      connections.add(connection);
      return visible;
    } catch (IOException failed) {
      connection.close(); // a new one next time
      return false;
    }
  }

  private void record(final long value) {
    synchronized (micros) {
      micros.recordValue(Math.min(HIGHEST_MICROS, value));
    }
  }

  /** Waits (at most the limit and a little) for the samples still followed, then tells. */
  Outcome finish() {
    final long deadline = System.nanoTime() + LIMIT.toNanos() + TimeUnit.SECONDS.toNanos(5);
    while (outstanding.get() > 0 && System.nanoTime() < deadline) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }
    synchronized (micros) {
      // still followed after the deadline: not visible in time either
      return new Outcome(
          micros.copy(), notVisible.get() + outstanding.get(), notAcknowledged.get(), gets.get());
    }
  }

  @Override
  public void close() {
    pollers.shutdownNow();
    HttpConnection connection;
    while ((connection = connections.poll()) != null) {
      connection.close();
    }
  }
}
