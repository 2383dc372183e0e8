package dev.coexist.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Readiness's look at the database: a small read on a connection of its own (never the pool, whose
 * borrowers wait up to seconds for a connection when the database is gone), answered within {@link
 * #ANSWER_WITHIN} whatever the database does, and asked at most once per {@link #FRESH_FOR}.
 */
public final class DatabaseProbe implements AutoCloseable {
  // reads the database file on SQLite too, where SELECT 1 would not; a table of the store on both
  // engines (on SQLite write_probe lives in the journal's own file, which this connection lacks)
  private static final String PROBE = "SELECT applied_up_to FROM processor_lanes LIMIT 1";

  /** Readiness must tell the truth within a second; the rest of the request needs some too. */
  static final Duration ANSWER_WITHIN = Duration.ofMillis(800);

  /** A load balancer may ask readiness many times a second; the database is asked at most 4. */
  static final Duration FRESH_FOR = Duration.ofMillis(250);

  /** Whether the database answered. */
  public sealed interface Reachability {}

  /** It answered the probe. */
  public record Reachable() implements Reachability {}

  /** It did not, and why. */
  public record Unreachable(String reason) implements Reachability {}

  private static final Reachability REACHABLE = new Reachable();

  private final Database database;
  // one probe at a time, on a thread of its own, so that a request waits for it with a deadline
  private final ExecutorService prober =
      Executors.newSingleThreadExecutor(
          Thread.ofPlatform().name("database-probe").daemon(true).factory());
  private final Object lock = new Object();
  // only the prober thread touches it
  private Connection connection;
  private CompletableFuture<Reachability> inFlight;
  private Reachability last;
  private long lastAtNanos;

  public DatabaseProbe(final Database database) {
    this.database = database;
  }

  /** The database's reachability, probed now unless a probe finished within {@link #FRESH_FOR}. */
  public Reachability check() {
    final CompletableFuture<Reachability> probe;
    synchronized (lock) {
      if (last != null && System.nanoTime() - lastAtNanos < FRESH_FOR.toNanos()) {
        return last;
      }
      if (inFlight == null) {
        final CompletableFuture<Reachability> started;
        try {
          started = CompletableFuture.supplyAsync(this::probeNow, prober);
        } catch (java.util.concurrent.RejectedExecutionException closed) {
          return new Unreachable("Coexist is stopping");
        }
        inFlight = started;
        started.whenComplete(
            (result, failed) -> {
              synchronized (lock) {
                last = result != null ? result : new Unreachable(String.valueOf(failed));
                lastAtNanos = System.nanoTime();
                inFlight = null;
              }
            });
      }
      probe = inFlight != null ? inFlight : CompletableFuture.completedFuture(last);
    }
    try {
      return probe.get(ANSWER_WITHIN.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException slow) {
      return new Unreachable(
          "the database did not answer within " + ANSWER_WITHIN.toMillis() + " ms");
    } catch (ExecutionException failed) {
      return new Unreachable(String.valueOf(failed.getCause()));
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      return new Unreachable("interrupted");
    }
  }

  private Reachability probeNow() {
    try {
      if (connection == null) {
        connection = database.openProbeConnection();
      }
      try (PreparedStatement probe = connection.prepareStatement(PROBE)) {
        probe.setQueryTimeout(1);
        try (ResultSet row = probe.executeQuery()) {
          row.next();
        }
      }
      return REACHABLE;
    } catch (SQLException | RuntimeException failed) {
      closeConnection();
      return new Unreachable("the database did not answer: " + oneLine(failed.getMessage()));
    }
  }

  private static String oneLine(final String message) {
    return message == null ? "no reason given" : message.replaceAll("\\s*\\R\\s*", " ").trim();
  }

  private void closeConnection() {
    Database.closeQuietly(connection);
    connection = null;
  }

  @Override
  public void close() {
    prober.shutdown();
    try {
      // a probe in flight ends within its timeouts (about a second)
      if (prober.awaitTermination(3, TimeUnit.SECONDS)) {
        closeConnection();
      }
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
