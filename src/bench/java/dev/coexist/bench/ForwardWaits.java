package dev.coexist.bench;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What the steps of {@code bench forward} wait for: the apply, the events, a moment. */
final class ForwardWaits {
  private static final Logger LOG = LoggerFactory.getLogger(ForwardWaits.class);
  private static final long PROGRESS_EVERY_NANOS = TimeUnit.SECONDS.toNanos(30);

  private ForwardWaits() {}

  /** Waits until the journal's entries are applied ({@code applied + failed >= entries}). */
  static boolean applied(final CoexistChildServer server, final long entries) {
    final BacklogSampler metrics = new BacklogSampler(server.endpoint().baseUrl());
    try {
      final long deadline = System.nanoTime() + ForwardSteps.APPLY_LIMIT.toNanos();
      // bounded by the deadline
      while (System.nanoTime() < deadline) {
        final Optional<BacklogSampler.Sample> sample = metrics.now();
        if (sample.isPresent() && sample.get().applied() + sample.get().failed() >= entries) {
          return true;
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(250));
      }
      LOG.warn("the journal was not applied within {}", ForwardSteps.APPLY_LIMIT);
      return false;
    } finally {
      metrics.close();
    }
  }

  /**
   * Waits until {@code target} events arrived (true), the deadline passed, or none arrived for
   * {@code stall} (null: no such limit).
   */
  static boolean events(
      final WebhookReceiver receiver,
      final long target,
      final long deadline,
      final Duration stall,
      final String what)
      throws InterruptedException {
    long seen = receiver.distinct();
    long changed = System.nanoTime();
    long report = changed + PROGRESS_EVERY_NANOS;
    // bounded by the deadline
    while (true) {
      final long now = System.nanoTime();
      final long arrived = receiver.distinct();
      if (arrived >= target) {
        return true;
      }
      if (arrived != seen) {
        seen = arrived;
        changed = now;
      }
      if (now >= deadline || (stall != null && now - changed >= stall.toNanos())) {
        LOG.warn(
            "{}: {} of {} events arrived; {}",
            what,
            arrived,
            target == Long.MAX_VALUE ? "?" : target,
            now >= deadline ? "time is up" : "none for " + stall);
        return false;
      }
      if (now >= report) {
        LOG.info(
            "{}: {} of {} events arrived, {} answered 503",
            what,
            arrived,
            target == Long.MAX_VALUE ? "?" : target,
            receiver.refused());
        report += PROGRESS_EVERY_NANOS;
      }
      Thread.sleep(20);
    }
  }

  static void sleepUntil(final long nanoTime) {
    // bounded: each park ends at the deadline at the latest; interrupts end the wait early
    for (long left = nanoTime - System.nanoTime();
        left > 0 && !Thread.currentThread().isInterrupted();
        left = nanoTime - System.nanoTime()) {
      LockSupport.parkNanos(left);
    }
  }
}
