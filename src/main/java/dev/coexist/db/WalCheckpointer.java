package dev.coexist.db;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies SQLite's write-ahead log back into the database file on a thread of its own (SQLite only).
 *
 * <p>By default the writer whose commit crosses 1,000 WAL pages runs the checkpoint inside that
 * commit: it writes the pages to the database file and fsyncs it while a sender waits for its
 * acknowledgement, or while a history chunk holds the write lock. The writer connections turn that
 * off ({@code wal_autocheckpoint = 0}) and this thread does the same work next to them: a PASSIVE
 * checkpoint never waits for, nor blocks, a writer. When the log still grows past {@link
 * #RESTART_PAGES} (writers never pause, so a passive checkpoint never catches up), one checkpoint
 * runs inside a write turn, after which the next writer starts the log from its beginning again.
 */
final class WalCheckpointer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WalCheckpointer.class);
  private static final Duration EVERY = Duration.ofMillis(100);
  private static final int PASSIVE_PAGES = 1_000;
  static final int RESTART_PAGES = 16_384;

  private final DataSource writers;
  private final Supplier<AutoCloseable> writeTurn;
  private final Path databaseFile;
  private final ScheduledExecutorService thread =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().name("wal-checkpoint").daemon(true).factory());
  private Connection connection;
  private long checkpointedUpTo;

  /**
   * @param writeTurn takes this process's write turn; closing the result gives it back
   * @param databaseFile the database file, flushed before a restart's turn; null when in memory
   */
  WalCheckpointer(
      final DataSource writers, final Supplier<AutoCloseable> writeTurn, final Path databaseFile) {
    this.writers = writers;
    this.writeTurn = writeTurn;
    this.databaseFile = databaseFile;
  }

  void start() {
    thread.scheduleWithFixedDelay(
        this::checkpointIfDue, EVERY.toMillis(), EVERY.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void checkpointIfDue() {
    try {
      final long[] log = checkpoint("PASSIVE");
      final long frames = log[0];
      final long backfilled = log[1];
      if (frames - checkpointedUpTo < PASSIVE_PAGES && frames < RESTART_PAGES) {
        return;
      }
      checkpointedUpTo = backfilled;
      if (frames >= RESTART_PAGES) {
        flushDatabaseFile();
        try (AutoCloseable turn = writeTurn.get()) {
          checkpoint("PASSIVE");
        }
      }
    } catch (Exception | Error failed) {
      // the writers' commits are unaffected; the log just waits for the next try. An Error too:
      // escaping, it would cancel the schedule silently and the log would grow without end
      LOG.warn("WAL checkpoint failed, retrying: {}", failed.toString());
      closeConnection();
    }
  }

  /**
   * SQLite syncs the database file only at the end of a checkpoint that copied the whole log, and
   * under the passive mode that is only the one inside the restart's write turn: its fsync then
   * wrote every page the passive checkpoints had copied since the last one, up to 64 MB, while both
   * writers waited (about 90 ms a restart in an import, every 100 chunks). Flushing the file here
   * first, next to the writers, leaves that fsync the pages of the last few commits.
   */
  private void flushDatabaseFile() {
    if (databaseFile == null) {
      return;
    }
    try (FileChannel file = FileChannel.open(databaseFile, StandardOpenOption.READ)) {
      file.force(false);
    } catch (IOException failed) {
      // only a shorter turn is lost: the checkpoint in the turn syncs the file all the same
      LOG.debug("Flushing {} before a WAL restart failed: {}", databaseFile, failed.toString());
    }
  }

  /** Runs a checkpoint; returns the frames in the log and the frames copied back. */
  private long[] checkpoint(final String mode) throws SQLException {
    if (connection == null) {
      connection = writers.getConnection();
      connection.setAutoCommit(true);
    }
    try (Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery("PRAGMA wal_checkpoint(" + mode + ")")) {
      result.next();
      final long frames = result.getLong(2);
      final long backfilled = result.getLong(3);
      if (frames < checkpointedUpTo) {
        checkpointedUpTo = 0; // the log started over
      }
      return new long[] {frames, backfilled};
    }
  }

  private void closeConnection() {
    Database.closeQuietly(connection);
    connection = null;
  }

  /** Stops, and empties the log into the database file (it is not needed at the next start). */
  @Override
  public void close() {
    thread.shutdown();
    try {
      if (!thread.awaitTermination(10, TimeUnit.SECONDS)) {
        LOG.warn("WAL checkpoint still running at shutdown");
      }
      checkpoint("TRUNCATE");
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
    } catch (SQLException failed) {
      LOG.warn("Final WAL checkpoint failed: {}", failed.getMessage());
    } finally {
      closeConnection();
    }
  }
}
