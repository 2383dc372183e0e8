package dev.coexist.journal;

import dev.coexist.db.Database;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The durable raw log of deliveries: appends go through the group-commit writer, reads through the
 * pool. Rows never change once written; how far the store has applied them is the store's to record
 * (on SQLite the journal is a database file of its own).
 */
public final class Journal implements AutoCloseable {
  private static final String ROWS =
      """
      SELECT id, received_at, route, headers, body, body_sha256, event_id, state, error, attempts,
             duplicate_of
        FROM journal
      """;

  private static final String FIND = ROWS + " WHERE id = ?";

  private static final String EXISTS = "SELECT 1 FROM journal WHERE id = ?";

  private static final String RANGE = ROWS + " WHERE id > ? AND id <= ? ORDER BY id LIMIT ?";

  private final Database database;
  private final GroupCommitWriter writer;

  public Journal(
      final Database database,
      final int batchMax,
      final Duration batchWait,
      final long queueBytesMax,
      final MeterRegistry meters) {
    this(database, batchMax, batchWait, queueBytesMax, meters, () -> {});
  }

  /**
   * @param afterAcceptedCommit runs on the writer thread after each commit that holds at least one
   *     delivery to process (e.g. to wake the processor); it must be quick and must not block
   */
  public Journal(
      final Database database,
      final int batchMax,
      final Duration batchWait,
      final long queueBytesMax,
      final MeterRegistry meters,
      final Runnable afterAcceptedCommit) {
    this.database = database;
    this.writer =
        new GroupCommitWriter(
            database, batchMax, batchWait, queueBytesMax, meters, afterAcceptedCommit);
  }

  /**
   * Makes a delivery durable. The future completes with the receipt after the commit that holds the
   * delivery, or fails with {@link JournalUnavailableException} (retry later) or {@link
   * DeliveryRefusedException} (the database refused even to keep it as rejected). A delivery whose
   * envelope id cannot be a deduplication key (see {@link EnvelopeIds}) is journalled as rejected.
   */
  public CompletableFuture<Receipt> append(final Delivery delivery) {
    return writer.submit(EnvelopeIds.checked(delivery));
  }

  public Availability availability() {
    return writer.availability();
  }

  /** False once the journal writer's thread stopped for good: only a restart brings it back. */
  public boolean writerRunning() {
    return writer.running();
  }

  public Optional<JournalEntry> find(final long id) throws SQLException {
    try (Connection connection = database.pool().getConnection();
        PreparedStatement find = connection.prepareStatement(FIND)) {
      find.setLong(1, id);
      try (ResultSet row = find.executeQuery()) {
        return row.next() ? Optional.of(JournalEntry.from(row)) : Optional.empty();
      }
    }
  }

  /** Whether there is an entry with this id (its body is not read). */
  public boolean exists(final long id) throws SQLException {
    try (Connection connection = database.pool().getConnection();
        PreparedStatement find = connection.prepareStatement(EXISTS)) {
      find.setLong(1, id);
      try (ResultSet row = find.executeQuery()) {
        return row.next();
      }
    }
  }

  /**
   * Rows with their bodies, oldest first, with ids after {@code afterId} and up to {@code toId}:
   * keyset pagination by id, for an export.
   */
  public List<JournalEntry> entries(final long afterId, final long toId, final int limit)
      throws SQLException {
    try (Connection connection = database.pool().getConnection();
        PreparedStatement select = connection.prepareStatement(RANGE)) {
      select.setLong(1, afterId);
      select.setLong(2, toId);
      select.setInt(3, limit);
      final List<JournalEntry> entries = new ArrayList<>();
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          entries.add(JournalEntry.from(rows));
        }
      }
      return entries;
    }
  }

  /** Stops taking deliveries and commits the ones already queued. */
  @Override
  public void close() {
    writer.close();
  }
}
