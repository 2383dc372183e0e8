package dev.coexist.journal;

import dev.coexist.store.Database;
import io.micrometer.core.instrument.Gauge;
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

  private static final String LIST =
      """
      SELECT id, received_at, route, event_id, body_sha256, length(body) AS body_bytes, state,
             error, attempts, duplicate_of, updated_at
        FROM journal
       WHERE state = ? AND id > ?
       ORDER BY id
       LIMIT ?
      """;

  // Only entries that were (or were meant to be) applied go back: duplicates and rejected bodies
  // have nothing of their own to apply. The store is idempotent, so applying again is harmless.
  private static final String REPLAY_RANGE =
      """
      UPDATE journal SET state = 'pending', error = NULL, updated_at = ?
       WHERE id BETWEEN ? AND ? AND state IN ('applied', 'failed')
      """;

  private static final String REPLAY_FAILED =
      "UPDATE journal SET state = 'pending', error = NULL, updated_at = ? WHERE state = 'failed'";

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
    Gauge.builder("coexist.journal.backlog", this, Journal::pendingEntries)
        .description("Journal entries waiting to be applied")
        .register(meters);
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

  /**
   * Entries in one state ({@code pending|applied|duplicate|failed|rejected}), oldest first, after
   * the id {@code afterId} (0 for the start): keyset pagination by id.
   */
  public List<JournalSummary> entries(final String state, final long afterId, final int limit)
      throws SQLException {
    try (Connection connection = database.pool().getConnection();
        PreparedStatement list = connection.prepareStatement(LIST)) {
      list.setString(1, state);
      list.setLong(2, afterId);
      list.setInt(3, limit);
      final List<JournalSummary> entries = new ArrayList<>();
      try (ResultSet rows = list.executeQuery()) {
        while (rows.next()) {
          final long duplicateOf = rows.getLong("duplicate_of");
          final boolean original = rows.wasNull();
          entries.add(
              new JournalSummary(
                  rows.getLong("id"),
                  rows.getLong("received_at"),
                  rows.getString("route"),
                  rows.getString("event_id"),
                  rows.getString("body_sha256"),
                  rows.getLong("body_bytes"),
                  rows.getString("state"),
                  rows.getString("error"),
                  rows.getInt("attempts"),
                  original ? null : duplicateOf,
                  rows.getLong("updated_at")));
        }
      }
      return entries;
    }
  }

  /**
   * Sets one applied or failed entry back to pending, so the processor applies it again (call the
   * processor's {@code wake()} afterwards). Returns whether the entry was replayable.
   */
  public boolean replay(final long id) throws SQLException {
    return replayRange(id, id) == 1;
  }

  /** Sets the applied and failed entries with ids in {@code [fromId, toId]} back to pending. */
  public int replayRange(final long fromId, final long toId) throws SQLException {
    try (Connection connection = database.pool().getConnection();
        PreparedStatement replay = connection.prepareStatement(REPLAY_RANGE)) {
      replay.setLong(1, System.currentTimeMillis());
      replay.setLong(2, fromId);
      replay.setLong(3, toId);
      return commit(connection, replay.executeUpdate());
    }
  }

  /** Sets every failed entry back to pending; returns how many. */
  public int replayFailed() throws SQLException {
    try (Connection connection = database.pool().getConnection();
        PreparedStatement replay = connection.prepareStatement(REPLAY_FAILED)) {
      replay.setLong(1, System.currentTimeMillis());
      return commit(connection, replay.executeUpdate());
    }
  }

  private static int commit(final Connection connection, final int changed) throws SQLException {
    if (!connection.getAutoCommit()) {
      connection.commit();
    }
    return changed;
  }

  /** Entries waiting to be applied; read at most once a second, so scrapes stay cheap. */
  public long pendingEntries() {
    final long now = System.currentTimeMillis();
    if (now - backlogReadAt >= BACKLOG_REFRESH_MILLIS) {
      backlogReadAt = now;
      try {
        backlog.set(pendingEntriesNow());
      } catch (SQLException unreadable) {
        // the last known figure stays; availability() says what is wrong
      }
    }
    return backlog.get();
  }

  /** Entries waiting to be applied, counted now. */
  public long pendingEntriesNow() throws SQLException {
    try (Connection connection = database.pool().getConnection();
        PreparedStatement count = connection.prepareStatement(COUNT_PENDING);
        ResultSet row = count.executeQuery()) {
      row.next();
      return row.getLong(1);
    }
  }

  /** Stops taking deliveries and commits the ones already queued. */
  @Override
  public void close() {
    writer.close();
  }
}
