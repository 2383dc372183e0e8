package dev.coexist.apply;

import java.time.Duration;

/**
 * How the processor learns of new entries without polling hard: each journal commit calls {@link
 * #wake()}; the processor waits on it between steps, and a wait ends early when woken. Also when
 * entries last arrived, which tells whether senders are active.
 */
final class Wakeups {
  private final Object signal = new Object();
  private boolean woken;
  private volatile long lastWakeNanos = System.nanoTime();
  private volatile boolean interrupted;

  /** New entries are waiting. Cheap, never blocks. */
  void wake() {
    lastWakeNanos = System.nanoTime();
    synchronized (signal) {
      woken = true;
      signal.notifyAll();
    }
  }

  /** Ends a wait without saying new entries arrived (a big read is decoded). */
  void signal() {
    synchronized (signal) {
      signal.notifyAll();
    }
  }

  /** Whether entries were journalled within {@code window}: senders are active. */
  boolean wokenWithin(final Duration window) {
    return System.nanoTime() - lastWakeNanos < window.toNanos();
  }

  /** Whether a wait was interrupted: the processor's thread is being stopped. */
  boolean interrupted() {
    return interrupted;
  }

  /** Waits up to {@code millis} unless woken since the last wait; the wake is used up. */
  void idle(final long millis) {
    synchronized (signal) {
      if (!woken) {
        await(millis);
      }
      woken = false;
    }
  }

  /** Waits up to {@code millis} for {@link #wake()}; whether it came (the wake is used up). */
  boolean awaitWake(final long millis) {
    synchronized (signal) {
      if (!woken) {
        await(millis);
      }
      final boolean wokenMeanwhile = woken;
      woken = false;
      return wokenMeanwhile;
    }
  }

  /** Waits {@code millis}, or until woken or signalled. */
  void pause(final long millis) {
    synchronized (signal) {
      await(millis);
    }
  }

  private void await(final long millis) {
    try {
      signal.wait(Math.max(1, millis));
    } catch (InterruptedException stopping) {
      Thread.currentThread().interrupt();
      interrupted = true;
    }
  }
}
