package dev.coexist.changes;

import dev.coexist.db.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Each subscription's queue of changes to deliver ({@code outbound_events}): filled from the change
 * log in transactions that also move the subscription's position, so a change is queued exactly
 * once; then each event pending, delivered, or dead (its retries exhausted) with its attempts.
 */
public final class OutboundQueue {
  private static final String QUEUE =
      """
      INSERT INTO outbound_events (subscription_id, seq, ordering_key, state, next_attempt_at)
      VALUES (?, ?, ?, 'pending', ?)
      ON CONFLICT (subscription_id, seq) DO NOTHING
      """;

  private static final String MOVE =
      "UPDATE subscriptions SET position = ? WHERE id = ? AND position < ?";

  // the change's row is joined: an event whose change the retention deleted has none
  private static final String PENDING =
      """
      SELECT e.seq, e.ordering_key, e.attempts, e.next_attempt_at, c.type, c.committed_at, c.data
        FROM outbound_events e LEFT JOIN changes c ON c.seq = e.seq
       WHERE e.subscription_id = ? AND e.state = 'pending'
       ORDER BY e.seq LIMIT ?
      """;

  private static final String DELIVERED =
      """
      UPDATE outbound_events SET state = 'delivered', attempts = attempts + 1, last_status = ?,
             last_error = NULL, last_attempt_at = ?
       WHERE subscription_id = ? AND seq = ? AND state = 'pending'
      """;

  private static final String FAILED =
      """
      UPDATE outbound_events SET state = ?, attempts = attempts + 1, last_status = ?,
             last_error = ?, last_attempt_at = ?, next_attempt_at = ?
       WHERE subscription_id = ? AND seq = ? AND state = 'pending'
      """;

  // a delivery ends the failing spell; a failure starts one unless one is under way
  private static final String COUNT =
      """
      UPDATE subscriptions SET delivered = delivered + ?, failed_attempts = failed_attempts + ?,
             dead_letters = dead_letters + ?,
             failing_since = CASE WHEN ? > 0 THEN NULL
                                  WHEN ? > 0 THEN COALESCE(failing_since, ?)
                                  ELSE failing_since END
       WHERE id = ?
      """;

  private static final String ATTEMPTED =
      """
      SELECT e.seq, c.type, e.state, e.attempts, e.last_status, e.last_error, e.last_attempt_at,
             e.next_attempt_at
        FROM outbound_events e LEFT JOIN changes c ON c.seq = e.seq
       WHERE e.subscription_id = ? AND e.state = ? AND e.seq > ?
       ORDER BY e.seq LIMIT ?
      """;

  private static final String RECENT =
      """
      SELECT e.seq, c.type, e.state, e.attempts, e.last_status, e.last_error, e.last_attempt_at,
             e.next_attempt_at
        FROM outbound_events e LEFT JOIN changes c ON c.seq = e.seq
       WHERE e.subscription_id = ? AND e.last_attempt_at IS NOT NULL
       ORDER BY e.last_attempt_at DESC, e.seq DESC LIMIT ?
      """;

  private static final String REPLAY =
      """
      UPDATE outbound_events SET state = 'pending', attempts = 0, next_attempt_at = ?
       WHERE subscription_id = ? AND state = 'dead' AND seq = ?
      """;

  private static final String REPLAY_SINCE =
      """
      UPDATE outbound_events SET state = 'pending', attempts = 0, next_attempt_at = ?
       WHERE subscription_id = ? AND state = 'dead'
         AND seq IN (SELECT seq FROM changes WHERE committed_at >= ?)
      """;

  private static final String UNCOUNT_DEAD =
      "UPDATE subscriptions SET dead_letters = dead_letters - ? WHERE id = ?";

  private static final String OLDEST_PENDING =
      """
      SELECT min(c.committed_at) FROM outbound_events e JOIN changes c ON c.seq = e.seq
       WHERE e.subscription_id = ? AND e.state = 'pending'
      """;

  private static final String FORGET_DELIVERED =
      "DELETE FROM outbound_events WHERE state = 'delivered' AND seq <= ?";

  private final Database database;

  public OutboundQueue(final Database database) {
    this.database = database;
  }

  /** A change to queue, with the key that orders it. */
  record Queued(long seq, String orderingKey) {}

  /** A pending event with its change (null fields when the retention deleted the change). */
  record Pending(
      long seq,
      String orderingKey,
      int attempts,
      Instant nextAttemptAt,
      String type,
      Instant committedAt,
      String dataJson) {}

  /** An event as the API lists it. */
  public record Attempted(
      long seq,
      String type,
      String state,
      int attempts,
      Integer lastStatus,
      String lastError,
      Instant lastAttemptAt,
      Instant nextAttemptAt) {}

  /**
   * Queues {@code changes} for the subscription and moves its position to {@code upTo}, in one
   * transaction (nothing when another node moved it already).
   */
  void queue(
      final String subscription, final List<Queued> changes, final long upTo, final Instant now)
      throws SQLException {
    try (Connection connection = database.pool().getConnection()) {
      database.beginWriteTurn(false);
      connection.setAutoCommit(false);
      try (PreparedStatement move = connection.prepareStatement(MOVE);
          PreparedStatement queue = connection.prepareStatement(QUEUE)) {
        move.setLong(1, upTo);
        move.setString(2, subscription);
        move.setLong(3, upTo);
        if (move.executeUpdate() == 1) {
          for (final Queued change : changes) {
            queue.setString(1, subscription);
            queue.setLong(2, change.seq());
            queue.setString(3, change.orderingKey());
            queue.setLong(4, now.toEpochMilli());
            queue.addBatch();
          }
          queue.executeBatch();
        }
        connection.commit();
      } catch (SQLException | RuntimeException failed) {
        connection.rollback();
        throw failed;
      } finally {
        connection.setAutoCommit(true);
        database.endWriteTurn();
      }
    }
  }

  /** The first {@code limit} pending events of the subscription, in seq order. */
  List<Pending> pending(final String subscription, final int limit) throws SQLException {
    try (Connection connection = database.pool().getConnection();
        PreparedStatement select = connection.prepareStatement(PENDING)) {
      select.setString(1, subscription);
      select.setInt(2, limit);
      final List<Pending> pending = new ArrayList<>();
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          final long committed = rows.getLong(6);
          final boolean kept = !rows.wasNull();
          pending.add(
              new Pending(
                  rows.getLong(1),
                  rows.getString(2),
                  rows.getInt(3),
                  Instant.ofEpochMilli(rows.getLong(4)),
                  rows.getString(5),
                  kept ? Instant.ofEpochMilli(committed) : null,
                  rows.getString(7)));
        }
      }
      return pending;
    }
  }

  /**
   * What one attempt came to.
   *
   * @param status the answer's status, null when none came
   * @param nextAttemptAt when to try again; null when delivered, or when it is now a dead letter
   */
  record Outcome(
      String subscription,
      long seq,
      boolean delivered,
      Integer status,
      String error,
      Instant nextAttemptAt) {

    boolean dead() {
      return !delivered && nextAttemptAt == null;
    }
  }

  /**
   * Records attempts' outcomes, all in one transaction: a busy receiver's deliveries cost one write
   * transaction per round of the forwarder, not one each.
   */
  void record(final List<Outcome> outcomes, final Instant now) throws SQLException {
    if (outcomes.isEmpty()) {
      return;
    }
    inTransaction(
        connection -> {
          try (PreparedStatement delivered = connection.prepareStatement(DELIVERED);
              PreparedStatement failed = connection.prepareStatement(FAILED);
              PreparedStatement counts = connection.prepareStatement(COUNT)) {
            final List<Outcome> batchedDelivered = new ArrayList<>();
            final List<Outcome> batchedFailed = new ArrayList<>();
            for (final Outcome outcome : outcomes) {
              if (outcome.delivered()) {
                delivered.setInt(1, outcome.status());
                delivered.setLong(2, now.toEpochMilli());
                delivered.setString(3, outcome.subscription());
                delivered.setLong(4, outcome.seq());
                delivered.addBatch();
                batchedDelivered.add(outcome);
              } else {
                failed.setString(1, outcome.dead() ? "dead" : "pending");
                if (outcome.status() == null) {
                  failed.setNull(2, Types.INTEGER);
                } else {
                  failed.setInt(2, outcome.status());
                }
                final String error = outcome.error();
                failed.setString(3, error.length() > 500 ? error.substring(0, 500) : error);
                failed.setLong(4, now.toEpochMilli());
                failed.setLong(5, (outcome.dead() ? now : outcome.nextAttemptAt()).toEpochMilli());
                failed.setString(6, outcome.subscription());
                failed.setLong(7, outcome.seq());
                failed.addBatch();
                batchedFailed.add(outcome);
              }
            }
            // only what the batches changed counts (an event replayed or deleted meanwhile not)
            final Map<String, long[]> tally = new LinkedHashMap<>();
            count(delivered.executeBatch(), batchedDelivered, tally);
            count(failed.executeBatch(), batchedFailed, tally);
            for (final Map.Entry<String, long[]> subscription : tally.entrySet()) {
              final long[] figures = subscription.getValue();
              counts.setLong(1, figures[0]);
              counts.setLong(2, figures[1]);
              counts.setLong(3, figures[2]);
              counts.setLong(4, figures[0]);
              counts.setLong(5, figures[1]);
              counts.setLong(6, now.toEpochMilli());
              counts.setString(7, subscription.getKey());
              counts.addBatch();
            }
            counts.executeBatch();
          }
        });
  }

  private static void count(
      final int[] updated, final List<Outcome> outcomes, final Map<String, long[]> tally) {
    for (int index = 0; index < outcomes.size(); index++) {
      if (updated[index] == 0) {
        continue;
      }
      final Outcome outcome = outcomes.get(index);
      final long[] figures = tally.computeIfAbsent(outcome.subscription(), id -> new long[3]);
      if (outcome.delivered()) {
        figures[0]++;
      } else {
        figures[1]++;
        if (outcome.dead()) {
          figures[2]++;
        }
      }
    }
  }

  /** Events of a state ({@code dead}: the dead letters) after {@code afterSeq}, in seq order. */
  public List<Attempted> inState(
      final String subscription, final String state, final long afterSeq, final int limit)
      throws SQLException {
    return attempted(ATTEMPTED, subscription, state, afterSeq, limit);
  }

  /** The events attempted last, newest first. */
  public List<Attempted> recent(final String subscription, final int limit) throws SQLException {
    return attempted(RECENT, subscription, null, 0, limit);
  }

  /** Sends a dead letter again (attempts start over); false when it is not one. */
  public boolean replay(final String subscription, final long seq, final Instant now)
      throws SQLException {
    return replayed(REPLAY, subscription, seq, now) == 1;
  }

  /** Sends again every dead letter whose change was committed at or after {@code since}. */
  public int replaySince(final String subscription, final Instant since, final Instant now)
      throws SQLException {
    return replayed(REPLAY_SINCE, subscription, since.toEpochMilli(), now);
  }

  /** When the oldest undelivered change was committed; null when none waits. */
  public Instant oldestPending(final String subscription) throws SQLException {
    try (Connection connection = database.pool().getConnection();
        PreparedStatement select = connection.prepareStatement(OLDEST_PENDING)) {
      select.setString(1, subscription);
      try (ResultSet row = select.executeQuery()) {
        if (row.next()) {
          final long millis = row.getLong(1);
          return row.wasNull() ? null : Instant.ofEpochMilli(millis);
        }
        return null;
      }
    }
  }

  /** Forgets delivered events whose change the retention deleted. */
  void forgetDelivered(final long upToSeq) throws SQLException {
    try (Connection connection = database.pool().getConnection();
        PreparedStatement delete = connection.prepareStatement(FORGET_DELIVERED)) {
      delete.setLong(1, upToSeq);
      delete.executeUpdate();
    }
  }

  private int replayed(
      final String sql, final String subscription, final long bound, final Instant now)
      throws SQLException {
    final int[] replayed = new int[1];
    inTransaction(
        connection -> {
          try (PreparedStatement replay = connection.prepareStatement(sql);
              PreparedStatement uncount = connection.prepareStatement(UNCOUNT_DEAD)) {
            replay.setLong(1, now.toEpochMilli());
            replay.setString(2, subscription);
            replay.setLong(3, bound);
            replayed[0] = replay.executeUpdate();
            uncount.setInt(1, replayed[0]);
            uncount.setString(2, subscription);
            uncount.executeUpdate();
          }
        });
    return replayed[0];
  }

  private List<Attempted> attempted(
      final String sql,
      final String subscription,
      final String state,
      final long afterSeq,
      final int limit)
      throws SQLException {
    try (Connection connection = database.pool().getConnection();
        PreparedStatement select = connection.prepareStatement(sql)) {
      int index = 0;
      select.setString(++index, subscription);
      if (state != null) {
        select.setString(++index, state);
        select.setLong(++index, afterSeq);
      }
      select.setInt(++index, limit);
      final List<Attempted> found = new ArrayList<>();
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          final int status = rows.getInt(5);
          final Integer lastStatus = rows.wasNull() ? null : status;
          final long attemptedAt = rows.getLong(7);
          final Instant lastAttemptAt = rows.wasNull() ? null : Instant.ofEpochMilli(attemptedAt);
          found.add(
              new Attempted(
                  rows.getLong(1),
                  rows.getString(2),
                  rows.getString(3),
                  rows.getInt(4),
                  lastStatus,
                  rows.getString(6),
                  lastAttemptAt,
                  Instant.ofEpochMilli(rows.getLong(8))));
        }
      }
      return found;
    }
  }

  @FunctionalInterface
  private interface Work {
    void run(Connection connection) throws SQLException;
  }

  private void inTransaction(final Work work) throws SQLException {
    try (Connection connection = database.pool().getConnection()) {
      database.beginWriteTurn(false);
      connection.setAutoCommit(false);
      try {
        work.run(connection);
        connection.commit();
      } catch (SQLException | RuntimeException failed) {
        connection.rollback();
        throw failed;
      } finally {
        connection.setAutoCommit(true);
        database.endWriteTurn();
      }
    }
  }
}
