package dev.coexist.cli.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * Times sampled messages from their 200 until {@code GET /api/v1/messages/{wamid}} finds them, as
 * the store benchmark's live scenario does: the live feed says when a message was applied (so the
 * API is not polled a thousand times a second on the machine being measured), then one GET must
 * find it; its time counts too. Nothing blocks the sender: the wait runs on virtual threads.
 */
final class AckToVisible implements AutoCloseable {

  /**
   * A message not visible this long after its 200 counts as not visible: the rate is then far from
   * sustained, and following every late message would only load the server further.
   */
  static final Duration LIMIT = Duration.ofSeconds(10);

  /** Latencies in microseconds, up to the limit, three significant digits. */
  private static final long HIGHEST_MICROS = TimeUnit.MINUTES.toMicros(1);

  /**
   * What the samples showed.
   *
   * @param micros ack → visible of the messages that showed within {@link #LIMIT}
   * @param notVisible acknowledged but not visible within the limit (or the API did not find it)
   * @param notAcknowledged sampled messages whose delivery did not get a 200 (not timed)
   */
  record Outcome(Histogram micros, long notVisible, long notAcknowledged) {
    long samples() {
      return micros.getTotalCount() + notVisible;
    }
  }

  private final FeedWatcher feed;
  private final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private final ExecutorService waiters = Executors.newVirtualThreadPerTaskExecutor();
  private final String baseUrl;
  private final String apiKey;
  private final Histogram micros = new Histogram(HIGHEST_MICROS, 3);
  private final AtomicLong notVisible = new AtomicLong();
  private final AtomicLong notAcknowledged = new AtomicLong();
  private final AtomicLong outstanding = new AtomicLong();

  AckToVisible(final String baseUrl, final String apiKey) throws IOException, InterruptedException {
    this.baseUrl = baseUrl;
    this.apiKey = apiKey;
    this.feed = new FeedWatcher(URI.create(baseUrl + "/api/v1/events"), apiKey);
  }

  /** Call before the message is sent, so that the feed cannot announce it before anyone waits. */
  Pending expect(final String wamid) {
    return new Pending(wamid, feed.await(wamid));
  }

  /** One sampled message between its send and its 200. */
  final class Pending {
    private final String wamid;
    private final CompletableFuture<Void> applied;

    private Pending(final String wamid, final CompletableFuture<Void> applied) {
      this.wamid = wamid;
      this.applied = applied;
    }

    /**
     * @param status the delivery's HTTP status, -1 for an I/O error
     * @param at when the answer came, in {@link System#nanoTime()}
     */
    void acknowledged(final int status, final long at) {
      if (status != 200) {
        notAcknowledged.incrementAndGet();
        return;
      }
      outstanding.incrementAndGet();
      applied
          .orTimeout(LIMIT.toMillis(), TimeUnit.MILLISECONDS)
          .whenCompleteAsync(
              (ignored, failure) -> {
                try {
                  if (failure == null && found(wamid)) {
                    record(Math.max(1, (System.nanoTime() - at) / 1_000));
                  } else {
                    notVisible.incrementAndGet();
                  }
                } finally {
                  outstanding.decrementAndGet();
                }
              },
              waiters);
    }
  }

  private boolean found(final String wamid) {
    final HttpRequest request =
        HttpRequest.newBuilder(URI.create(baseUrl + "/api/v1/messages/" + wamid))
            .timeout(LIMIT)
            .header("Authorization", "Bearer " + apiKey)
            .GET()
            .build();
    try {
      return client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (IOException failed) {
      return false;
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private void record(final long value) {
    synchronized (micros) {
      micros.recordValue(Math.min(HIGHEST_MICROS, value));
    }
  }

  /** Waits (at most the limit and a little) for the samples still in flight, then tells. */
  Outcome finish() {
    final long deadline = System.nanoTime() + LIMIT.toNanos() + TimeUnit.SECONDS.toNanos(5);
    while (outstanding.get() > 0 && System.nanoTime() < deadline) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }
    synchronized (micros) {
      // still waiting after the deadline: not visible in time either
      return new Outcome(
          micros.copy(), notVisible.get() + outstanding.get(), notAcknowledged.get());
    }
  }

  @Override
  public void close() {
    waiters.shutdownNow();
    feed.close();
    client.shutdownNow();
  }
}
