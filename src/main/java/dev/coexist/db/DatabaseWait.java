package dev.coexist.db;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Start-up's wait for a PostgreSQL that does not answer yet (it starts after Coexist, restarts, or
 * the network is not up): connects again with backoff instead of exiting. A refused login or a
 * missing database will not heal by waiting, so those fail at once. SQLite is a local file: no
 * wait.
 */
public final class DatabaseWait {
  private static final Logger LOG = LoggerFactory.getLogger(DatabaseWait.class);
  // a database that restarts is back within a second or two; one that is down for long is asked
  // every ten seconds, which costs it nothing
  private static final Duration FIRST_PAUSE = Duration.ofMillis(500);
  private static final Duration LONGEST_PAUSE = Duration.ofSeconds(10);
  // one line every few seconds tells an operator why start-up waits without flooding the log
  private static final Duration LOG_EVERY = Duration.ofSeconds(5);
  // a connect to a host that drops packets gives up after this (PostgreSQL JDBC counts seconds)
  private static final String CONNECT_TIMEOUT_SECONDS = "5";

  private DatabaseWait() {}

  /**
   * Returns once the database at {@code jdbcUrl} accepts a connection.
   *
   * @param longest how long to wait at most; zero tries once
   * @throws IllegalStateException with a one-line reason when the database refuses the login or
   *     does not exist, or is still unreachable after {@code longest}
   */
  public static void untilReachable(final String jdbcUrl, final Duration longest) {
    if (Engine.of(jdbcUrl) != Engine.POSTGRESQL) {
      return;
    }
    final long started = System.nanoTime();
    Duration pause = FIRST_PAUSE;
    long loggedAt = 0;
    int attempts = 0;
    while (true) {
      attempts++;
      final SQLException refused = connectOnce(jdbcUrl);
      if (refused == null) {
        if (attempts > 1) {
          LOG.info("PostgreSQL answers after {} attempts", attempts);
        }
        return;
      }
      final String reason = oneLine(refused.getMessage());
      final String state = String.valueOf(refused.getSQLState());
      if (state.startsWith("28") || state.equals("3D000")) {
        // 28: invalid authorization (wrong user or password, no pg_hba entry); 3D000: no database
        throw new IllegalStateException(
            "PostgreSQL at " + Database.redacted(jdbcUrl) + " refused: " + reason);
      }
      final Duration waited = Duration.ofNanos(System.nanoTime() - started);
      if (waited.plus(pause).compareTo(longest) > 0) {
        throw new IllegalStateException(
            "PostgreSQL at "
                + Database.redacted(jdbcUrl)
                + " still unreachable after "
                + waited.toSeconds()
                + " s (--db-start-wait "
                + longest.toSeconds()
                + " s): "
                + reason);
      }
      if (loggedAt == 0 || System.nanoTime() - loggedAt >= LOG_EVERY.toNanos()) {
        loggedAt = System.nanoTime();
        LOG.warn(
            "PostgreSQL at {} unreachable ({}), waited {} s, trying again in {} ms: {}",
            Database.redacted(jdbcUrl),
            state,
            waited.toSeconds(),
            pause.toMillis(),
            reason);
      }
      try {
        Thread.sleep(pause);
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for PostgreSQL", interrupted);
      }
      pause =
          pause.multipliedBy(2).compareTo(LONGEST_PAUSE) > 0
              ? LONGEST_PAUSE
              : pause.multipliedBy(2);
    }
  }

  /** Null when a connection opened, else why not. */
  private static SQLException connectOnce(final String jdbcUrl) {
    final Properties properties = new Properties();
    properties.setProperty("connectTimeout", CONNECT_TIMEOUT_SECONDS);
    properties.setProperty("loginTimeout", CONNECT_TIMEOUT_SECONDS);
    try (Connection connection = DriverManager.getConnection(jdbcUrl, properties)) {
      return null;
    } catch (SQLException refused) {
      return refused;
    }
  }

  static String oneLine(final String message) {
    return message == null ? "no reason given" : message.replaceAll("\\s*\\R\\s*", " ").trim();
  }
}
