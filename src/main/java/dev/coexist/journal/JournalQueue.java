package dev.coexist.journal;

import dev.coexist.store.Engine;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The processor's side of the journal: the pending entries in id order, and the state changes it
 * makes inside its own apply transaction (so an entry is marked applied exactly when its effects
 * are committed). One per processor: it keeps its prepared statements, so it is not shared between
 * threads.
 */
public final class JournalQueue {
  // SQLite steps through the result as the loop asks, so the loop stops reading at the budget.
  private static final String PENDING =
      """
      SELECT id, received_at, body
        FROM journal
       WHERE state = 'pending' AND lane = ? AND id > ?
       ORDER BY id
       LIMIT ?
      """;

  // PostgreSQL sends every row of a result, each body unpacked from TOAST, so stopping early on
  // the client still read up to LIMIT history chunks to apply one: about 15 per read over an
  // import, 3.2 ms a chunk against 12 ms for its messages' insert. So the database applies the
  // budget, from the bodies' lengths, which it knows without unpacking them.
  private static final String PENDING_WITHIN_BYTES =
      """
      SELECT id, received_at, body
        FROM (SELECT id, received_at, body,
                     sum(octet_length(body)) OVER (ORDER BY id) - octet_length(body) AS before
                FROM journal
               WHERE state = 'pending' AND lane = ? AND id > ?
               ORDER BY id
               LIMIT ?) AS next
       WHERE before < GREATEST(?, 1)
       ORDER BY id
      """;

  private static final String STATE = "SELECT state FROM journal WHERE id = ?";

  // One probe of the partial index journal_pending_by_lane per lane. SELECT DISTINCT lane over
  // the pending entries read each entry's row instead, and lane, added last, sits behind the body:
  // 12 ms for 300 pending history chunks against 0.02 ms for this.
  private static final String LANES_WITH_WORK =
      """
      SELECT p.lane FROM processor_lanes p
       WHERE EXISTS (SELECT 1 FROM journal j WHERE j.state = 'pending' AND j.lane = p.lane)
      """;

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

  private final boolean budgetInDatabase;

  public JournalQueue(final Engine engine) {
    this.budgetInDatabase = engine == Engine.POSTGRESQL;
  }

  // the processor calls these for every entry: prepared once per connection, not per call
  private Connection preparedFor;
  private final Map<String, PreparedStatement> statements = new HashMap<>();

  private PreparedStatement statement(final Connection connection, final String sql)
      throws SQLException {
    if (connection != preparedFor) {
      statements.clear(); // the old connection was closed, and its statements with it
      preparedFor = connection;
    }
    PreparedStatement statement = statements.get(sql);
    if (statement == null) {
      statement = connection.prepareStatement(sql);
      statements.put(sql, statement);
    }
    return statement;
  }

  /** The lanes that have pending entries, in no particular order. */
  public Set<Integer> lanesWithWork(final Connection connection) throws SQLException {
    final Set<Integer> lanes = new HashSet<>();
    try (ResultSet rows = statement(connection, LANES_WITH_WORK).executeQuery()) {
      while (rows.next()) {
        lanes.add(rows.getInt(1));
      }
    }
    return lanes;
  }

  /** Errors are for operators; a stack of causes can be long, the column need not be. */
  private static final int ERROR_MAX_CHARS = 4_000;

  /**
   * Up to {@code limit} pending entries of {@code lane} after {@code afterId}, oldest first, as
   * long as the bodies before an entry total less than {@code maxBytes} (so the first entry, when
   * there is one, is always returned, however big).
   */
  public List<PendingEntry> pending(
      final Connection connection,
      final int lane,
      final long afterId,
      final int limit,
      final long maxBytes)
      throws SQLException {
    final List<PendingEntry> entries = new ArrayList<>();
    final PreparedStatement select =
        statement(connection, budgetInDatabase ? PENDING_WITHIN_BYTES : PENDING);
    select.setInt(1, lane);
    select.setLong(2, afterId);
    select.setInt(3, limit);
    if (budgetInDatabase) {
      select.setLong(4, maxBytes);
    }
    long bytes = 0;
    try (ResultSet rows = select.executeQuery()) {
      while (rows.next() && (entries.isEmpty() || bytes < maxBytes)) {
        final byte[] body = rows.getBytes(3);
        bytes += body.length;
        entries.add(new PendingEntry(rows.getLong(1), rows.getLong(2), body, lane));
      }
    }
    return entries;
  }

  /** Whether the entry is still pending (a replay or another node may have changed it). */
  public boolean isPending(final Connection connection, final long id) throws SQLException {
    final PreparedStatement select = statement(connection, STATE);
    select.setLong(1, id);
    try (ResultSet row = select.executeQuery()) {
      return row.next() && "pending".equals(row.getString(1));
    }
  }

  public boolean markApplied(final Connection connection, final long id) throws SQLException {
    final PreparedStatement update = statement(connection, APPLIED);
    update.setLong(1, System.currentTimeMillis());
    update.setLong(2, id);
    return update.executeUpdate() == 1;
  }

  public boolean markFailed(final Connection connection, final long id, final String error)
      throws SQLException {
    final PreparedStatement update = statement(connection, FAILED);
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
