package dev.coexist.journal;

import dev.coexist.store.Database;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The durable raw log of deliveries: appends go through the group-commit writer, reads through the
 * pool. Later stages (decoding, the store) read pending entries from here and mark them done.
 */
public final class Journal implements AutoCloseable {
  private static final long BACKLOG_REFRESH_MILLIS = 1_000;

  private static final String FIND =
      """
      SELECT id, received_at, route, headers, body, body_sha256, event_id, state, error, attempts,
             duplicate_of
        FROM journal
       WHERE id = ?
      """;

  private static final String COUNT_PENDING =
      "SELECT count(*) FROM journal WHERE state = 'pending'";

  private final Database database;
  private final GroupCommitWriter writer;
  private final AtomicLong backlog = new AtomicLong();
  private volatile long backlogReadAt;

  public Journal(
      final Database database,
      final int batchMax,
      final Duration batchWait,
      final long queueBytesMax,
      final MeterRegistry meters) {
    this.database = database;
    this.writer = new GroupCommitWriter(database, batchMax, batchWait, queueBytesMax, meters);
    Gauge.builder("coexist.journal.backlog", this, Journal::pendingEntries)
        .description("Journal entries waiting to be applied")
        .register(meters);
  }

  /**
   * Makes a delivery durable. The future completes with the receipt after the commit that holds the
   * delivery, or fails with {@link JournalUnavailableException}.
   */
  public CompletableFuture<Receipt> append(final Delivery delivery) {
    return writer.submit(delivery);
  }

  public Availability availability() {
    return writer.availability();
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

  /** Entries waiting to be applied; read at most once a second, so scrapes stay cheap. */
  public long pendingEntries() {
    final long now = System.currentTimeMillis();
    if (now - backlogReadAt >= BACKLOG_REFRESH_MILLIS) {
      backlogReadAt = now;
      try (Connection connection = database.pool().getConnection();
          PreparedStatement count = connection.prepareStatement(COUNT_PENDING);
          ResultSet row = count.executeQuery()) {
        row.next();
        backlog.set(row.getLong(1));
      } catch (SQLException unreadable) {
        // the last known figure stays; availability() says what is wrong
      }
    }
    return backlog.get();
  }

  /** Stops taking deliveries and commits the ones already queued. */
  @Override
  public void close() {
    writer.close();
  }
}
