package dev.coexist.journal;

import dev.coexist.db.Database;
import dev.coexist.db.Engine;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * How the journal is partitioned by phone number, the one row of {@code journal_partitions}:
 * entries after {@code sinceId} went to one of {@code partitions} lanes, entries up to it to one of
 * {@code previousPartitions}. The journal writer reads it in every batch's transaction, after its
 * turn to commit, so a change applies exactly from the entry after {@code sinceId}; the processor
 * applies no entry after {@code sinceId} before every entry up to it is applied, so the entries of
 * a number that moved to another lane still apply in journal order.
 *
 * @param partitions the lanes new entries go to
 * @param previousPartitions the lanes of the entries up to {@code sinceId}
 * @param sinceId the last entry journalled before the count changed (0: never changed)
 */
public record Partitioning(int partitions, int previousPartitions, long sinceId) {
  /** The most partitions a journal may have. */
  public static final int MAX = 1024;

  /** The most lanes: each partition has a live lane and a history lane (see {@link Lanes}). */
  public static final int MAX_LANES = 2 * MAX;

  /** The count of a new store, and of a store made before the count could be changed. */
  public static final int DEFAULT = 64;

  /** The row; read with {@link #read(PreparedStatement)} from a statement prepared once. */
  public static final String READ =
      "SELECT partitions, previous_partitions, since_id FROM journal_partitions WHERE id = 1";

  public Partitioning {
    if (partitions < 1 || partitions > MAX || previousPartitions < 1 || previousPartitions > MAX) {
      throw new IllegalArgumentException(
          "partitions must be 1 to " + MAX + ": " + partitions + ", " + previousPartitions);
    }
  }

  /** The lanes an entry may be in: two per partition, of the larger of the two counts. */
  public int lanes() {
    return 2 * Math.max(partitions, previousPartitions);
  }

  private static final String CHANGE =
      """
      UPDATE journal_partitions
         SET previous_partitions = partitions, partitions = ?,
             since_id = (SELECT COALESCE(max(id), 0) FROM journal)
       WHERE id = 1 AND since_id = ?
      """;

  /**
   * Changes the count for the entries journalled from now on, in the journal writers' turn (so that
   * no batch commits with the old count after an entry numbered past the change); empty when the
   * row no longer shows the change {@code expectedSinceId} (another change came first). The caller
   * has made sure every entry up to {@code expectedSinceId} is applied, and that the store has a
   * row per lane.
   */
  public static Optional<Partitioning> change(
      final Database journal, final int partitions, final long expectedSinceId)
      throws SQLException {
    new Partitioning(partitions, partitions, 0); // the range check
    try (Connection writer = journal.openWriterConnection()) {
      try {
        try (PreparedStatement turn =
            writer.prepareStatement(
                journal.engine() == Engine.POSTGRESQL
                    ? JournalInserts.COMMIT_ORDER
                    : JournalInserts.WRITE_LOCK_SQLITE)) {
          turn.execute();
        }
        final int changed;
        try (PreparedStatement change = writer.prepareStatement(CHANGE)) {
          change.setInt(1, partitions);
          change.setLong(2, expectedSinceId);
          changed = change.executeUpdate();
        }
        final Partitioning now = read(writer);
        writer.commit();
        return changed == 1 ? Optional.of(now) : Optional.empty();
      } catch (SQLException failed) {
        writer.rollback();
        throw failed;
      }
    }
  }

  /** The row as the connection's transaction sees it. */
  public static Partitioning read(final Connection connection) throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(READ)) {
      return read(select);
    }
  }

  /** The row, from {@link #READ} prepared by the caller (the writer and the processor keep it). */
  public static Partitioning read(final PreparedStatement select) throws SQLException {
    try (ResultSet row = select.executeQuery()) {
      if (!row.next()) {
        throw new SQLException("journal_partitions has no row: the journal's schema is incomplete");
      }
      return new Partitioning(row.getInt(1), row.getInt(2), row.getLong(3));
    }
  }
}
