package dev.coexist.apply;

import dev.coexist.db.Engine;
import dev.coexist.journal.Partitioning;
import dev.coexist.journal.PendingEntry;
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
 * The processor's side of the journal: the entries still to apply, lane by lane in id order, and
 * how far the store has applied each lane, recorded inside the apply transaction (so an entry
 * counts as applied exactly when its effects are committed). The journal's rows never change: on
 * SQLite they are in a file of their own, which the store's connections read as {@code journal_db}.
 *
 * <p>An entry is pending while its id is beyond its lane's {@code applied_up_to}, or while a replay
 * asks for it again ({@code replay_requests}); its outcome (applied or failed, the error, the
 * attempts) is kept in {@code entry_outcomes}. One per processor: it keeps its prepared statements,
 * so it is not shared between threads.
 */
public final class JournalQueue {
  private static final String POSITION = "SELECT applied_up_to FROM processor_lanes WHERE lane = ?";

  // The partitioning's rule, in the same statement (one snapshot) as the read: no entry after the
  // last change of the count while an entry before it may still wait (see Partitioning); the
  // caller passes the change it found drained. SQLite steps through the result as the loop asks,
  // so the loop stops reading at the budget.
  private static final String PENDING =
      """
      SELECT id, received_at, body
        FROM journal
       WHERE state = 'pending' AND lane = ? AND id > ?
         AND (id <= (SELECT since_id FROM journal_partitions)
              OR (SELECT since_id FROM journal_partitions) <= ?)
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
                 AND (id <= (SELECT since_id FROM journal_partitions)
                      OR (SELECT since_id FROM journal_partitions) <= ?)
               ORDER BY id
               LIMIT ?) AS next
       WHERE before < GREATEST(?, 1)
       ORDER BY id
      """;

  // entries an operator asked to apply again: before the lane's new entries, one at a time
  private static final String REPLAYS =
      """
      SELECT j.id, j.received_at, j.body
        FROM replay_requests r JOIN journal j ON j.id = r.journal_id
       WHERE r.lane = ? AND r.journal_id > ?
       ORDER BY r.journal_id
       LIMIT 1
      """;

  // One probe of the partial index journal_pending_by_lane per lane, from the lane's position
  private static final String LANES_WITH_WORK =
      """
      SELECT p.lane, EXISTS (SELECT 1 FROM replay_requests r WHERE r.lane = p.lane)
        FROM processor_lanes p
       WHERE EXISTS (SELECT 1 FROM journal j
                      WHERE j.state = 'pending' AND j.lane = p.lane AND j.id > p.applied_up_to)
          OR EXISTS (SELECT 1 FROM replay_requests r WHERE r.lane = p.lane)
      """;

  // whether an entry journalled before the last change of the count still waits
  private static final String WAITING_UP_TO =
      """
      SELECT 1 FROM processor_lanes p
       WHERE p.lane >= 0
         AND EXISTS (SELECT 1 FROM journal j
                      WHERE j.state = 'pending' AND j.lane = p.lane
                        AND j.id > p.applied_up_to AND j.id <= ?)
       LIMIT 1
      """;

  // The lane's position only moves over entries in order: an entry is next when nothing taken for
  // processing lies between the position and it. Entries a processor read but did not apply (its
  // transaction found the lane taken, or was refused) stay there, and a later read must not pass
  // them: without this check a processor that went on to later entries of the lane in the same
  // step moved the position over them, and they were never applied (ApplyCrashIT, PostgreSQL).
  private static final String GAP =
      """
      SELECT 1 FROM journal
       WHERE state = 'pending' AND lane = ? AND id > ? AND id < ?
       LIMIT 1
      """;

  private static final String IS_REPLAY = "SELECT 1 FROM replay_requests WHERE journal_id = ?";

  // the lane's row is this transaction's already (every apply transaction takes it first)
  private static final String ADVANCE =
      """
      UPDATE processor_lanes SET applied_up_to = ? WHERE lane = ? AND applied_up_to = ?
      """;

  private static final String REPLAYED = "DELETE FROM replay_requests WHERE journal_id = ?";

  private static final String OUTCOME =
      """
      INSERT INTO entry_outcomes (journal_id, state, error, attempts, updated_at)
      VALUES (?, ?, ?, 1, ?)
      ON CONFLICT (journal_id) DO UPDATE
         SET state = excluded.state, error = excluded.error,
             attempts = entry_outcomes.attempts + 1, updated_at = excluded.updated_at
      """;

  /** Errors are for operators; a stack of causes can be long, the column need not be. */
  private static final int ERROR_MAX_CHARS = 4_000;

  private final boolean budgetInDatabase;
  // the last change of the partition count whose earlier entries were all found applied: derived
  // from the positions, so a restart finds it again
  private long drainedSince;

  public JournalQueue(final Engine engine) {
    this.budgetInDatabase = engine == Engine.POSTGRESQL;
  }

  /**
   * Reads the journal's partitioning, and whether the entries before its last change are all
   * applied (until they are, {@link #pending} reads none after it). The lanes to look at: {@link
   * Partitioning#lanes()} of the result.
   */
  public Partitioning partitioning(final Connection connection) throws SQLException {
    final Partitioning partitioning = Partitioning.read(statement(connection, Partitioning.READ));
    if (partitioning.sinceId() > drainedSince) {
      final PreparedStatement waiting = statement(connection, WAITING_UP_TO);
      waiting.setLong(1, partitioning.sinceId());
      try (ResultSet row = waiting.executeQuery()) {
        if (!row.next()) {
          drainedSince = partitioning.sinceId();
        }
      }
    }
    return partitioning;
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

  /**
   * The lanes that have pending entries, and those of them with entries asked for again (which come
   * first, one at a time: see {@link #pending}).
   */
  record LanesWithWork(Set<Integer> lanes, Set<Integer> replaying) {}

  public LanesWithWork lanesWithWork(final Connection connection) throws SQLException {
    final Set<Integer> lanes = new HashSet<>();
    final Set<Integer> replaying = new HashSet<>();
    try (ResultSet rows = statement(connection, LANES_WITH_WORK).executeQuery()) {
      while (rows.next()) {
        lanes.add(rows.getInt(1));
        if (rows.getBoolean(2)) {
          replaying.add(rows.getInt(1));
        }
      }
    }
    return new LanesWithWork(lanes, replaying);
  }

  /**
   * The last change of the partition count whose earlier entries are all applied (see {@link
   * #partitioning}): no entry after it may be read before.
   */
  long drainedSince() {
    return drainedSince;
  }

  /**
   * Up to {@code limit} pending entries of {@code lane} after {@code afterId}, oldest first, as
   * long as the bodies before an entry total less than {@code maxBytes} (so the first entry, when
   * there is one, is always returned, however big). An entry asked to be applied again comes alone,
   * before the lane's new entries.
   */
  public List<PendingEntry> pending(
      final Connection connection,
      final int lane,
      final long afterId,
      final int limit,
      final long maxBytes)
      throws SQLException {
    final PreparedStatement replays = statement(connection, REPLAYS);
    replays.setInt(1, lane);
    replays.setLong(2, afterId);
    try (ResultSet row = replays.executeQuery()) {
      if (row.next()) {
        return List.of(new PendingEntry(row.getLong(1), row.getLong(2), row.getBytes(3), lane));
      }
    }
    final long position = position(connection, lane);
    final List<PendingEntry> entries = new ArrayList<>();
    final PreparedStatement select =
        statement(connection, budgetInDatabase ? PENDING_WITHIN_BYTES : PENDING);
    select.setInt(1, lane);
    select.setLong(2, Math.max(afterId, position));
    select.setLong(3, drainedSince);
    select.setInt(4, limit);
    if (budgetInDatabase) {
      select.setLong(5, maxBytes);
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

  /** How far the store has applied the lane: every entry up to this id is applied or failed. */
  long position(final Connection connection, final int lane) throws SQLException {
    final PreparedStatement select = statement(connection, POSITION);
    select.setInt(1, lane);
    try (ResultSet row = select.executeQuery()) {
      return row.next() ? row.getLong(1) : 0;
    }
  }

  /**
   * The lane's position when the entry is the lane's next (beyond the position, nothing taken for
   * processing in between), else -1. Two index probes with explicit bounds: as one correlated
   * statement PostgreSQL planned the gap check as a scan of the whole backlog per entry.
   */
  private long isNext(final Connection connection, final PendingEntry entry) throws SQLException {
    final long position = position(connection, entry.lane());
    if (entry.id() <= position) {
      return -1;
    }
    final PreparedStatement gap = statement(connection, GAP);
    gap.setInt(1, entry.lane());
    gap.setLong(2, position);
    gap.setLong(3, entry.id());
    try (ResultSet row = gap.executeQuery()) {
      return row.next() ? -1 : position;
    }
  }

  /** What became of one entry of a read applied in one go; a null error: applied. */
  record Done(PendingEntry entry, String error) {}

  /**
   * Records in the apply transaction the outcome of every entry of a read applied in one go, whose
   * lanes' positions {@link LanePositions#advance} moved past them: one batch.
   */
  void recordAll(final Connection connection, final List<Done> done) throws SQLException {
    final PreparedStatement outcome = statement(connection, OUTCOME);
    final long now = System.currentTimeMillis();
    for (final Done entry : done) {
      outcome.setLong(1, entry.entry().id());
      outcome.setString(2, entry.error() == null ? "applied" : "failed");
      outcome.setString(3, clipped(entry.error()));
      outcome.setLong(4, now);
      outcome.addBatch();
    }
    outcome.executeBatch();
  }

  /**
   * Whether the entry is to be applied now: the next of its lane (a replay, another node or an
   * earlier transaction may have changed that), or asked for again.
   */
  public boolean isPending(final Connection connection, final PendingEntry entry)
      throws SQLException {
    if (isNext(connection, entry) >= 0) {
      return true;
    }
    final PreparedStatement replay = statement(connection, IS_REPLAY);
    replay.setLong(1, entry.id());
    try (ResultSet row = replay.executeQuery()) {
      return row.next();
    }
  }

  /**
   * Records in the apply transaction that the entry is applied; false when it was not pending
   * (nothing recorded then).
   */
  public boolean markApplied(final Connection connection, final PendingEntry entry)
      throws SQLException {
    return done(connection, entry, "applied", null);
  }

  /** Records in the apply transaction that the entry failed, with why; false when not pending. */
  public boolean markFailed(
      final Connection connection, final PendingEntry entry, final String error)
      throws SQLException {
    return done(connection, entry, "failed", clipped(error));
  }

  private static String clipped(final String error) {
    return error == null || error.length() <= ERROR_MAX_CHARS
        ? error
        : error.substring(0, ERROR_MAX_CHARS);
  }

  /**
   * Moves the lane's position to the entry when it is the lane's next (entries apply in id order,
   * so everything before it in the lane is done), or takes its replay request; then records the
   * outcome. False, with nothing recorded, when it is neither.
   */
  private boolean done(
      final Connection connection, final PendingEntry entry, final String state, final String error)
      throws SQLException {
    final long position = isNext(connection, entry);
    final PreparedStatement advance = statement(connection, ADVANCE);
    advance.setLong(1, entry.id());
    advance.setInt(2, entry.lane());
    advance.setLong(3, position);
    if (position < 0 || advance.executeUpdate() != 1) {
      final PreparedStatement replayed = statement(connection, REPLAYED);
      replayed.setLong(1, entry.id());
      if (replayed.executeUpdate() != 1) {
        return false;
      }
    }
    final PreparedStatement outcome = statement(connection, OUTCOME);
    outcome.setLong(1, entry.id());
    outcome.setString(2, state);
    outcome.setString(3, error);
    outcome.setLong(4, System.currentTimeMillis());
    outcome.executeUpdate();
    return true;
  }
}
