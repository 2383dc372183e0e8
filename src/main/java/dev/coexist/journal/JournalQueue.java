package dev.coexist.journal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The processor's side of the journal: the pending entries in id order, and the state changes it
 * makes inside its own apply transaction (so an entry is marked applied exactly when its effects
 * are committed).
 */
public final class JournalQueue {
  private static final String PENDING =
      """
      SELECT id, received_at, body
        FROM journal
       WHERE state = 'pending' AND lane = ? AND id > ?
       ORDER BY id
       LIMIT ?
      """;

  private static final String STATE = "SELECT state FROM journal WHERE id = ?";

  private static final String APPLIED =
      """
      UPDATE journal
         SET state = 'applied', error = NULL, attempts = attempts + 1, updated_at = ?
       WHERE id = ? AND state = 'pending'
      """;

  private static final String FAILED =
      """
      UPDATE journal
         SET state = 'failed', error = ?, attempts = attempts + 1, updated_at = ?
       WHERE id = ? AND state = 'pending'
      """;

  /** Errors are for operators; a stack of causes can be long, the column need not be. */
  private static final int ERROR_MAX_CHARS = 4_000;

  /**
   * Up to {@code limit} pending entries of {@code lane} after {@code afterId}, oldest first,
   * stopping early once {@code maxBytes} of bodies are read (at least one entry is always returned
   * when there is one).
   */
  public List<PendingEntry> pending(
      final Connection connection,
      final int lane,
      final long afterId,
      final int limit,
      final long maxBytes)
      throws SQLException {
    final List<PendingEntry> entries = new ArrayList<>();
    long bytes = 0;
    try (PreparedStatement select = connection.prepareStatement(PENDING)) {
      select.setInt(1, lane);
      select.setLong(2, afterId);
      select.setInt(3, limit);
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next() && (entries.isEmpty() || bytes < maxBytes)) {
          final byte[] body = rows.getBytes(3);
          bytes += body.length;
          entries.add(new PendingEntry(rows.getLong(1), rows.getLong(2), body, lane));
        }
      }
    }
    return entries;
  }

  /** Whether the entry is still pending (a replay or another node may have changed it). */
  public boolean isPending(final Connection connection, final long id) throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(STATE)) {
      select.setLong(1, id);
      try (ResultSet row = select.executeQuery()) {
        return row.next() && "pending".equals(row.getString(1));
      }
    }
  }

  public boolean markApplied(final Connection connection, final long id) throws SQLException {
    try (PreparedStatement update = connection.prepareStatement(APPLIED)) {
      update.setLong(1, System.currentTimeMillis());
      update.setLong(2, id);
      return update.executeUpdate() == 1;
    }
  }

  public boolean markFailed(final Connection connection, final long id, final String error)
      throws SQLException {
    try (PreparedStatement update = connection.prepareStatement(FAILED)) {
      update.setString(
          1,
          error == null || error.length() <= ERROR_MAX_CHARS
              ? error
              : error.substring(0, ERROR_MAX_CHARS));
      update.setLong(2, System.currentTimeMillis());
      update.setLong(3, id);
      return update.executeUpdate() == 1;
    }
  }
}
