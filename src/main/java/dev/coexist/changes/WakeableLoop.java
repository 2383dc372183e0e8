package dev.coexist.changes;

import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A thread of its own that does one round of work whenever it is woken, and at least once every
 * interval; a round that fails is logged and tried again after the interval, so the loop only ends
 * when it is closed (its supervisor sees it alive until then).
 */
final class WakeableLoop implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WakeableLoop.class);

  /** One round of work. */
  @FunctionalInterface
  interface Round {
    void run() throws SQLException;
  }

  private final String name;
  private final Duration interval;
  private final Round round;
  private final ArrayBlockingQueue<Boolean> wakes = new ArrayBlockingQueue<>(1);
  private volatile boolean closed;
  private Thread thread;

  WakeableLoop(final String name, final Duration interval, final Round round) {
    this.name = name;
    this.interval = interval;
    this.round = round;
  }

  void start() {
    thread = Thread.ofPlatform().name(name).daemon().start(this::run);
  }

  /** Does a round now (or right after the current one). Never blocks. */
  void wake() {
    wakes.offer(Boolean.TRUE);
  }

  boolean running() {
    return thread != null && thread.isAlive();
  }

  boolean closed() {
    return closed;
  }

  private void run() {
    while (!closed) {
      try {
        wakes.poll(interval.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException stopping) {
        return;
      }
      try {
        round.run();
      } catch (SQLException | RuntimeException failed) {
        if (!closed) {
          LOG.warn("{} failed, trying again: {}", name, failed.getMessage());
          try {
            Thread.sleep(interval);
          } catch (InterruptedException stopping) {
            return;
          }
        }
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    if (thread != null) {
      thread.interrupt();
      try {
        thread.join(Duration.ofSeconds(5));
      } catch (InterruptedException stopping) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
