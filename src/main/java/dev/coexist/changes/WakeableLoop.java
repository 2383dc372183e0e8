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

  /** An Error in this many rounds in a row ends the loop (see run). */
  static final int ERRORS_MAX = 5;

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
    // Supervision: a failed round (the database, a bug, an Error such as OutOfMemoryError) is
    // logged and the loop goes on after a pause; an Error in ERRORS_MAX rounds in a row will not
    // heal: the thread ends, running() turns false and readiness fails, so that a supervisor
    // restarts Coexist. A half-alive feed (acknowledging, never publishing) is never left behind.
    int errors = 0;
    while (!closed) {
      try {
        wakes.poll(interval.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException stopping) {
        return;
      }
      try {
        round.run();
        errors = 0;
      } catch (SQLException | RuntimeException failed) {
        errors = 0;
        if (!closed) {
          LOG.warn("{} failed, trying again: {}", name, failed.getMessage());
          if (!pause()) {
            return;
          }
        }
      } catch (Error crashed) {
        if (closed) {
          return;
        }
        if (++errors >= ERRORS_MAX) {
          LOG.error(
              "{} stopped after {} failures in a row; restart Coexist", name, errors, crashed);
          return;
        }
        LOG.error("{} failed, trying again: {}", name, crashed, crashed);
        if (!pause()) {
          return;
        }
      }
    }
  }

  private boolean pause() {
    try {
      Thread.sleep(interval);
      return true;
    } catch (InterruptedException stopping) {
      return false;
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
