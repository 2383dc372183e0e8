package dev.coexist.ingest;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes of request bodies the webhook routes may hold at once (--ingest-memory): bodies that
 * are not authenticated yet, or not yet in the journal. Every request reserves what it buffers
 * before it allocates it, so a crowd of large uploads, signed or not, is refused with 503 instead
 * of filling the heap. Nothing here waits: a reservation is granted at once or refused at once.
 */
public final class IngestMemory {
  private final long limit;
  private final AtomicLong inUse = new AtomicLong();

  public IngestMemory(final long limit, final MeterRegistry meters) {
    if (limit <= 0) {
      throw new IllegalArgumentException("the ingest memory limit must be positive: " + limit);
    }
    this.limit = limit;
    Gauge.builder("coexist.ingest.memory.in.use", inUse, AtomicLong::get)
        .description("Bytes of webhook bodies held before they are authenticated and journalled")
        .baseUnit("bytes")
        .register(meters);
    Gauge.builder("coexist.ingest.memory.limit", () -> this.limit)
        .description("Most bytes of webhook bodies held at once (--ingest-memory)")
        .baseUnit("bytes")
        .register(meters);
  }

  public long limit() {
    return limit;
  }

  public long inUse() {
    return inUse.get();
  }

  /** A new, empty reservation for one request; close it when the request is answered. */
  public Hold hold() {
    return new Hold();
  }

  private boolean tryTake(final long bytes) {
    while (true) {
      final long current = inUse.get();
      if (current + bytes > limit) {
        return false;
      }
      if (inUse.compareAndSet(current, current + bytes)) {
        return true;
      }
    }
  }

  /**
   * What one request holds. It grows as the body arrives and is given back whole by {@link
   * #close()}, which may run any number of times. Used by the one thread that serves the request.
   */
  public final class Hold implements AutoCloseable {
    private long held;

    private Hold() {}

    /** Reserves {@code bytes} more; false, and nothing reserved, when the budget has no room. */
    public boolean grow(final long bytes) {
      if (bytes < 0) {
        throw new IllegalArgumentException("cannot reserve a negative size: " + bytes);
      }
      if (!tryTake(bytes)) {
        return false;
      }
      held += bytes;
      return true;
    }

    /** Gives back {@code bytes} of this hold, e.g. the parts of a body once they are joined. */
    public void shrink(final long bytes) {
      final long given = Math.min(bytes, held);
      held -= given;
      inUse.addAndGet(-given);
    }

    public long held() {
      return held;
    }

    @Override
    public void close() {
      shrink(held);
    }
  }
}
