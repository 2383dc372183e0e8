package dev.coexist.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Reads a request body with a deadline. The web server's socket read timeout does not reach its NIO
 * channels, so a client that stops sending mid-body would hold its connection forever; here an
 * alarm interrupts the reading thread instead, which closes the channel (interruptible channels
 * close on interrupt) and ends the read with an exception.
 */
final class BodyReader implements AutoCloseable {
  private final Duration deadline;
  private final ScheduledThreadPoolExecutor alarms;

  BodyReader(final Duration deadline) {
    this.deadline = deadline;
    this.alarms =
        new ScheduledThreadPoolExecutor(
            1, Thread.ofPlatform().name("body-read-deadline").daemon(true).factory());
    alarms.setRemoveOnCancelPolicy(true);
  }

  /** Thrown when the body did not arrive in time, or the client went away while sending it. */
  static final class BodyNotReceivedException extends Exception {
    private static final long serialVersionUID = 1L;

    BodyNotReceivedException(final String message, final Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * Reads at most {@code limit} bytes; a longer body is cut at {@code limit}, so the caller sees
   * that it is too large without buffering the rest.
   */
  byte[] read(final InputStream in, final int limit) throws BodyNotReceivedException {
    final Thread reader = Thread.currentThread();
    final AtomicBoolean reading = new AtomicBoolean(true);
    final ScheduledFuture<?> alarm =
        alarms.schedule(
            () -> {
              if (reading.compareAndSet(true, false)) {
                reader.interrupt();
              }
            },
            deadline.toMillis(),
            TimeUnit.MILLISECONDS);
    try {
      final byte[] body = in.readNBytes(limit);
      if (!reading.compareAndSet(true, false)) {
        // the alarm went off as the last bytes came in: the channel is closed or about to be
        throw new BodyNotReceivedException(
            "the body took longer than " + deadline.toMillis() + " ms", null);
      }
      return body;
    } catch (IOException | RuntimeException broken) {
      // IOException: the client went away; RuntimeException: the server's reader saw the channel
      // close under it (after our interrupt, or the peer's reset)
      reading.set(false);
      throw new BodyNotReceivedException(
          "the body was not received within " + deadline.toMillis() + " ms: " + broken, broken);
    } finally {
      alarm.cancel(false);
    }
  }

  @Override
  public void close() {
    alarms.shutdownNow();
  }
}
