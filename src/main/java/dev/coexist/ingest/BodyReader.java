package dev.coexist.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Reads a request body with a deadline, and only into memory reserved from the {@link IngestMemory}
 * budget first. The web server's socket read timeout does not reach its NIO channels, so a client
 * that stops sending mid-body would hold its connection forever; here an alarm interrupts the
 * reading thread instead, which closes the channel (interruptible channels close on interrupt) and
 * ends the read with an exception.
 */
final class BodyReader implements AutoCloseable {
  /**
   * A body without Content-Length (chunked) is read in parts of this size, each reserved before it
   * is allocated: small enough that a tiny chunked delivery holds little, large enough that a 3 MB
   * one takes fifty parts, not thousands.
   */
  private static final int PART_BYTES = 64 * 1024;

  /**
   * Discarding a refused body goes through a buffer this small, taken from no budget: a thousand
   * refused uploads at once cost 8 MB at most.
   */
  private static final int DISCARD_BYTES = 8 * 1024;

  private final Duration deadline;
  private final ScheduledThreadPoolExecutor alarms;

  BodyReader(final Duration deadline) {
    this.deadline = deadline;
    this.alarms =
        new ScheduledThreadPoolExecutor(
            1, Thread.ofPlatform().name("body-read-deadline").daemon(true).factory());
    alarms.setRemoveOnCancelPolicy(true);
  }

  /** What came of reading a body. */
  sealed interface Read {}

  /** What came of reading a refused body into nothing. */
  sealed interface Discard {}

  /** The whole body, held by the caller's reservation. */
  record Received(byte[] body) implements Read {}

  /** More than the limit arrived (or was announced); the rest was not read. */
  record TooLarge(long bytesSeen) implements Read, Discard {}

  /**
   * The budget had no room for {@code bytesWanted} more bytes; the rest of the body was not read.
   */
  record OverBudget(long bytesWanted) implements Read {}

  /** The body did not arrive in time, or the client went away while sending it. */
  record NotReceived(String why) implements Read, Discard {}

  /** The body was read and thrown away, {@code bytes} of it. */
  record Discarded(long bytes) implements Discard {}

  /**
   * Reads at most {@code limit} bytes into memory reserved in {@code hold}. A body announced with
   * Content-Length is reserved whole before any of it is read; a chunked one part by part as it
   * arrives. A longer body is cut at {@code limit}, so the caller sees that it is too large without
   * buffering the rest.
   */
  Read read(
      final InputStream in,
      final OptionalLong declaredLength,
      final long limit,
      final IngestMemory.Hold hold) {
    return withDeadline(
        (NotReceived notReceived) -> notReceived,
        () -> {
          if (declaredLength.isPresent()) {
            return readDeclared(in, declaredLength.getAsLong(), limit, hold);
          }
          return readChunked(in, limit, hold);
        });
  }

  /**
   * Reads and forgets up to {@code limit} bytes of a body that is refused anyway, so that the
   * client, still sending, reads its answer instead of a connection reset.
   */
  Discard discard(final InputStream in, final long limit) {
    return withDeadline(
        (NotReceived notReceived) -> notReceived,
        () -> {
          final byte[] sink = new byte[DISCARD_BYTES];
          long total = 0;
          while (total <= limit) {
            final int read = in.read(sink);
            if (read < 0) {
              return new Discarded(total);
            }
            total += read;
          }
          return new TooLarge(total);
        });
  }

  private static Read readDeclared(
      final InputStream in, final long length, final long limit, final IngestMemory.Hold hold)
      throws IOException {
    if (length > limit) {
      return new TooLarge(length);
    }
    if (!hold.grow(length)) {
      return new OverBudget(length);
    }
    final byte[] body = new byte[(int) length];
    final int read = in.readNBytes(body, 0, body.length);
    if (read < body.length) {
      return new NotReceived("the body ended after " + read + " of " + length + " bytes");
    }
    return new Received(body);
  }

  /**
   * Reads a body of unknown length in parts, each reserved before it is allocated. The parts never
   * add up to more than {@code limit}, so the parts and the joined body together never hold more
   * than twice the limit: the reason --ingest-memory must be at least twice --max-body.
   */
  private static Read readChunked(
      final InputStream in, final long limit, final IngestMemory.Hold hold) throws IOException {
    final List<byte[]> parts = new ArrayList<>();
    long total = 0;
    byte[] part = null;
    int fill = 0;
    while (true) {
      if (part == null || fill == part.length) {
        final long room = limit - total;
        if (room == 0) {
          // the body has reached the limit: one byte more makes it too large, and needs no buffer
          if (in.read() < 0) {
            break;
          }
          return new TooLarge(total + 1);
        }
        final int size = (int) Math.min(PART_BYTES, room);
        if (!hold.grow(size)) {
          return new OverBudget(size);
        }
        part = new byte[size];
        parts.add(part);
        fill = 0;
      }
      final int read = in.read(part, fill, part.length - fill);
      if (read < 0) {
        break;
      }
      fill += read;
      total += read;
    }
    if (parts.size() == 1 && fill == part.length) {
      return new Received(part);
    }
    // the parts and the joined body live together for a moment: both are reserved
    if (!hold.grow(total)) {
      return new OverBudget(total);
    }
    final byte[] body = new byte[(int) total];
    int offset = 0;
    for (final byte[] each : parts) {
      final int length = (int) Math.min(each.length, total - offset);
      System.arraycopy(each, 0, body, offset, length);
      offset += length;
    }
    parts.clear();
    hold.shrink(hold.held() - total);
    return new Received(body);
  }

  /** A reading step that may be cut short by the deadline. */
  @FunctionalInterface
  private interface Step<T> {
    T run() throws IOException;
  }

  private <T> T withDeadline(
      final java.util.function.Function<NotReceived, T> failed, final Step<T> step) {
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
      final T read = step.run();
      if (!reading.compareAndSet(true, false)) {
        // the alarm went off as the last bytes came in: the channel is closed or about to be
        Thread.interrupted();
        return failed.apply(
            new NotReceived("the body took longer than " + deadline.toMillis() + " ms"));
      }
      return read;
    } catch (IOException | RuntimeException broken) {
      // IOException: the client went away; RuntimeException: the server's reader saw the channel
      // close under it (after our interrupt, or the peer's reset)
      if (reading.compareAndSet(true, false)) {
        return failed.apply(new NotReceived("the client went away mid-body: " + broken));
      }
      // our alarm interrupted this thread: clear the flag so it does not fail later work
      Thread.interrupted();
      return failed.apply(
          new NotReceived(
              "the body was not received within " + deadline.toMillis() + " ms: " + broken));
    } finally {
      alarm.cancel(false);
    }
  }

  @Override
  public void close() {
    alarms.shutdownNow();
  }
}
