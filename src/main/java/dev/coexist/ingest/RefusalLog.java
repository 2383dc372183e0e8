package dev.coexist.ingest;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs refused deliveries with their detail, at most one line per reason per interval, saying how
 * many of that reason were left out since its previous line. A sender with a wrong secret retries
 * fast and an attacker sends as fast as it can; the counters ({@code
 * coexist_deliveries_unauthorized_total}, {@code coexist_ingest_memory_refused_total}) have every
 * refusal, the log a sample to diagnose from.
 */
final class RefusalLog {
  private static final Logger LOG = LoggerFactory.getLogger(RefusalLog.class);

  private final long intervalNanos;
  private final LongSupplier nanoClock;
  private final Map<String, Window> windows = new ConcurrentHashMap<>();

  RefusalLog(final Duration interval) {
    this(interval, System::nanoTime);
  }

  RefusalLog(final Duration interval, final LongSupplier nanoClock) {
    this.intervalNanos = interval.toNanos();
    this.nanoClock = nanoClock;
  }

  /** One reason's last line and what was left out since. */
  private static final class Window {
    private final AtomicLong lastLoggedAt;
    private final AtomicLong leftOut = new AtomicLong();

    Window(final long lastLoggedAt) {
      this.lastLoggedAt = new AtomicLong(lastLoggedAt);
    }
  }

  /** Logs a 503 for want of ingest memory, as sparingly as a 401 (the key is its own reason). */
  boolean overBudget(final String route, final long wanted, final long inUse, final long limit) {
    final long leftOut = admit("ingest_memory");
    if (leftOut < 0) {
      return false;
    }
    LOG.warn(
        "Delivery on {} refused with 503: {} more bytes do not fit, {} of {} held (--ingest-memory);"
            + " {} more refused so since the last such line",
        route,
        wanted,
        inUse,
        limit,
        leftOut);
    return true;
  }

  /**
   * Logs this refusal unless its reason was logged less than an interval ago.
   *
   * @return whether a line was written
   */
  boolean refused(
      final String route, final Object peer, final WebhookAuthenticator.Refusal refusal) {
    final long leftOut = admit(refusal.reason());
    if (leftOut < 0) {
      return false;
    }
    LOG.warn(
        "Delivery on {} from {} refused with 401 ({}): {}; {} more refused for this reason since"
            + " its last line",
        route,
        peer,
        refusal.reason(),
        refusal.message(),
        leftOut);
    return true;
  }

  /** How many of this key were left out since its last line, or -1 when this one is too. */
  private long admit(final String key) {
    final long now = nanoClock.getAsLong();
    Window window = windows.get(key);
    if (window == null) {
      window = windows.putIfAbsent(key, new Window(now));
      if (window == null) {
        return 0;
      }
    }
    final long last = window.lastLoggedAt.get();
    if (now - last < intervalNanos || !window.lastLoggedAt.compareAndSet(last, now)) {
      window.leftOut.incrementAndGet();
      return -1;
    }
    return window.leftOut.getAndSet(0);
  }
}
