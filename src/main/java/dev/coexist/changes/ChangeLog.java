package dev.coexist.changes;

import dev.coexist.db.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the change log ({@code changes}) that apply transactions write, and keeps it within its
 * retention. {@code change_log_horizon} records up to which sequence number rows were deleted, so a
 * client's {@code Last-Event-ID} can be told apart: resumable, or older than what is kept.
 */
public final class ChangeLog {
  private static final String AFTER =
      """
      SELECT seq, committed_at, type, phone_number_id, thread_id, data, location
        FROM changes WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?
      """;

  private static final String NEWEST = "SELECT COALESCE(max(seq), 0) FROM changes";

  // a change still waiting to reach a subscription is kept whatever its age: its delivery needs it
  private static final String OLDEST_UNDELIVERED =
      "SELECT COALESCE(min(seq), 0) FROM outbound_events WHERE state = 'pending'";

  private static final String HORIZON = "SELECT deleted_up_to FROM change_log_horizon";

  // the first row young enough to keep; its predecessors are walked along the key, and they are
  // exactly the rows deleted next
  private static final String FIRST_KEPT =
      "SELECT seq FROM changes WHERE committed_at >= ? ORDER BY seq LIMIT 1";

  private static final String DELETE_UP_TO = "DELETE FROM changes WHERE seq > ? AND seq <= ?";

  private static final String MOVE_HORIZON =
      "UPDATE change_log_horizon SET deleted_up_to = ? WHERE deleted_up_to < ?";

  private final Database database;

  public ChangeLog(final Database database) {
    this.database = database;
  }

  /** The store the log is in, for what outbound webhooks read next to it. */
  Database database() {
    return database;
  }

  /** Up to {@code limit} changes after {@code seq} and up to {@code upTo}, in sequence order. */
  public List<ChangeRecord> after(final long seq, final long upTo, final int limit)
      throws SQLException {
    try (Connection connection = database.pool().getConnection();
        PreparedStatement select = connection.prepareStatement(AFTER)) {
      select.setLong(1, seq);
      select.setLong(2, upTo);
      select.setInt(3, limit);
      final List<ChangeRecord> changes = new ArrayList<>();
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          changes.add(record(rows));
        }
      }
      return changes;
    }
  }

  /** The changes of these sequence numbers that the log still holds, by sequence number. */
  public Map<Long, ChangeRecord> bySeq(final List<Long> seqs) throws SQLException {
    final Map<Long, ChangeRecord> found = new HashMap<>();
    if (seqs.isEmpty()) {
      return found;
    }
    final String sql =
        """
        SELECT seq, committed_at, type, phone_number_id, thread_id, data, location
          FROM changes WHERE seq IN (%s)
        """
            .formatted(String.join(", ", Collections.nCopies(seqs.size(), "?")));
    try (Connection connection = database.pool().getConnection();
        PreparedStatement select = connection.prepareStatement(sql)) {
      for (int index = 0; index < seqs.size(); index++) {
        select.setLong(index + 1, seqs.get(index));
      }
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          final ChangeRecord change = record(rows);
          found.put(change.seq(), change);
        }
      }
    }
    return found;
  }

  /** The newest sequence number given out that is still known or was deleted; 0 when none. */
  public long newest() throws SQLException {
    return Math.max(single(NEWEST), single(HORIZON));
  }

  /** Every change up to this sequence number was deleted by the retention. */
  public long horizon() throws SQLException {
    return single(HORIZON);
  }

  /**
   * Deletes changes committed before {@code cutoff}, at most {@code most} rows per transaction so
   * that applies never wait long for it, and none from the oldest change still waiting to reach a
   * subscription on. Returns how many were deleted.
   */
  public long deleteBefore(final Instant cutoff, final int most) throws SQLException {
    long deleted = 0;
    while (true) {
      final long horizon = single(HORIZON);
      final long undelivered = single(OLDEST_UNDELIVERED);
      final long upTo =
          Math.min(
              Math.min(firstKept(cutoff) - 1, single(NEWEST)),
              Math.min(horizon + most, undelivered > 0 ? undelivered - 1 : Long.MAX_VALUE));
      if (upTo <= horizon) {
        return deleted;
      }
      final long[] count = new long[1];
      Transactions.run(
          database,
          connection -> {
            try (PreparedStatement delete = connection.prepareStatement(DELETE_UP_TO);
                PreparedStatement move = connection.prepareStatement(MOVE_HORIZON)) {
              delete.setLong(1, horizon);
              delete.setLong(2, upTo);
              count[0] = delete.executeUpdate();
              move.setLong(1, upTo);
              move.setLong(2, upTo);
              move.executeUpdate();
            }
          });
      deleted += count[0];
    }
  }

  /** The first change committed at or after {@code cutoff}; none: beyond every change. */
  private long firstKept(final Instant cutoff) throws SQLException {
    try (Connection connection = database.pool().getConnection();
        PreparedStatement first = connection.prepareStatement(FIRST_KEPT)) {
      first.setLong(1, cutoff.toEpochMilli());
      try (ResultSet row = first.executeQuery()) {
        return row.next() ? row.getLong(1) : Long.MAX_VALUE;
      }
    }
  }

  private static ChangeRecord record(final ResultSet rows) throws SQLException {
    final long thread = rows.getLong(5);
    final Long threadId = rows.wasNull() ? null : thread;
    return new ChangeRecord(
        rows.getLong(1),
        Instant.ofEpochMilli(rows.getLong(2)),
        rows.getString(3),
        rows.getString(4),
        threadId,
        rows.getString(6),
        rows.getString(7));
  }

  private long single(final String sql) throws SQLException {
    try (Connection connection = database.pool().getConnection();
        PreparedStatement select = connection.prepareStatement(sql);
        ResultSet row = select.executeQuery()) {
      return row.next() ? row.getLong(1) : 0;
    }
  }
}
