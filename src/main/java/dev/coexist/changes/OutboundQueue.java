package dev.coexist.changes;

import dev.coexist.db.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Each subscription's queue of changes to deliver ({@code outbound_events}): filled from the change
 * log in transactions that also move the subscription's position, so a change is queued exactly
 * once; then each event pending, delivered, or dead (its retries exhausted) with its attempts.
 */
public final class OutboundQueue {
  private static final String QUEUE =
      """
      INSERT INTO outbound_events (subscription_id, seq, part, wamid, ordering_key, state,
                                   next_attempt_at)
      VALUES (?, ?, ?, ?, ?, 'pending', ?)
      ON CONFLICT (subscription_id, seq, part) DO NOTHING
      """;

  private static final String MOVE =
      "UPDATE subscriptions SET position = ? WHERE id = ? AND position < ?";

  private static final String PENDING =
      """
      SELECT seq, part, wamid, ordering_key, attempts, next_attempt_at FROM outbound_events
       WHERE subscription_id = ? AND state = 'pending'
       ORDER BY seq, part LIMIT ?
      """;

  // a chunk's per-message events (part > 0) are message.created, whatever their change's type
  private static final String ATTEMPTED =
      """
      SELECT e.seq, CASE WHEN e.part > 0 THEN 'message.created' ELSE c.type END, e.state,
             e.attempts, e.last_status, e.last_error, e.last_attempt_at, e.next_attempt_at, e.part
        FROM outbound_events e LEFT JOIN changes c ON c.seq = e.seq
       WHERE e.subscription_id = ? AND e.state = ?
         AND (e.seq > ? OR (e.seq = ? AND e.part > ?))
       ORDER BY e.seq, e.part LIMIT ?
      """;

  private static final String RECENT =
      """
      SELECT e.seq, CASE WHEN e.part > 0 THEN 'message.created' ELSE c.type END, e.state,
             e.attempts, e.last_status, e.last_error, e.last_attempt_at, e.next_attempt_at, e.part
        FROM outbound_events e LEFT JOIN changes c ON c.seq = e.seq
       WHERE e.subscription_id = ? AND e.last_attempt_at IS NOT NULL
       ORDER BY e.last_attempt_at DESC, e.seq DESC, e.part DESC LIMIT ?
      """;

  private static final String REPLAY =
      """
      UPDATE outbound_events SET state = 'pending', attempts = 0, next_attempt_at = ?
       WHERE subscription_id = ? AND state = 'dead' AND seq = ? AND part = ?
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
  private final OutboundOutcomes outcomes;

  public OutboundQueue(final Database database) {
    this.database = database;
    this.outcomes = new OutboundOutcomes(database);
  }

  /** Records attempts' outcomes (see {@link OutboundOutcomes}). */
  void record(
      final List<OutboundOutcomes.Outcome> finished,
      final Instant now,
      final Set<String> backFromOutage)
      throws SQLException {
    outcomes.record(finished, now, backFromOutage);
  }

  /**
   * An event to queue, with the key that orders it.
   *
   * @param wamid the message of a history chunk's per-message event (part &gt; 0), else null
   */
  record Queued(EventId id, String wamid, String orderingKey) {
    Queued(final long seq, final String orderingKey) {
      this(EventId.of(seq), null, orderingKey);
    }
  }

  /** A pending event (its change, or its message, is read only when it is sent). */
  record Pending(
      EventId id, String wamid, String orderingKey, int attempts, Instant nextAttemptAt) {
    long seq() {
      return id.seq();
    }
  }

  /**
   * An event as the API lists it.
   *
   * @param seq its change
   * @param part 0 for the change itself, n for the n-th message of a history chunk's change
   */
  public record Attempted(
      long seq,
      String type,
      String state,
      int attempts,
      Integer lastStatus,
      String lastError,
      Instant lastAttemptAt,
      Instant nextAttemptAt,
      int part) {

    /** Its {@code webhook-id}. */
    public EventId webhookId() {
      return new EventId(seq, part);
    }
  }

  /**
   * Queues {@code changes} for the subscription and moves its position to {@code upTo}, in one
   * transaction (nothing when another node moved it already).
   */
  void queue(
      final String subscription, final List<Queued> changes, final long upTo, final Instant now)
      throws SQLException {
    Transactions.run(
        database,
        connection -> {
          try (PreparedStatement move = connection.prepareStatement(MOVE);
              PreparedStatement queue = connection.prepareStatement(QUEUE)) {
            move.setLong(1, upTo);
            move.setString(2, subscription);
            move.setLong(3, upTo);
            if (move.executeUpdate() == 1) {
              for (final Queued event : changes) {
                queue.setString(1, subscription);
                queue.setLong(2, event.id().seq());
                queue.setInt(3, event.id().part());
                queue.setString(4, event.wamid());
                queue.setString(5, event.orderingKey());
                queue.setLong(6, now.toEpochMilli());
                queue.addBatch();
              }
              queue.executeBatch();
            }
          }
        });
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
          pending.add(
              new Pending(
                  new EventId(rows.getLong(1), rows.getInt(2)),
                  rows.getString(3),
                  rows.getString(4),
                  rows.getInt(5),
                  Instant.ofEpochMilli(rows.getLong(6))));
        }
      }
      return pending;
    }
  }

  /** Events of a state ({@code dead}: the dead letters) after the change {@code afterSeq}'s own. */
  public List<Attempted> inState(
      final String subscription, final String state, final long afterSeq, final int limit)
      throws SQLException {
    return inState(subscription, state, EventId.of(afterSeq), limit);
  }

  /** Events of a state ({@code dead}: the dead letters) after {@code after}, in id order. */
  public List<Attempted> inState(
      final String subscription, final String state, final EventId after, final int limit)
      throws SQLException {
    return attempted(ATTEMPTED, subscription, state, after, limit);
  }

  /** The events attempted last, newest first. */
  public List<Attempted> recent(final String subscription, final int limit) throws SQLException {
    return attempted(RECENT, subscription, null, null, limit);
  }

  /** Sends a change's own dead letter again (attempts start over); false when it is not one. */
  public boolean replay(final String subscription, final long seq, final Instant now)
      throws SQLException {
    return replay(subscription, EventId.of(seq), now);
  }

  /** Sends a dead letter again (attempts start over); false when it is not one. */
  public boolean replay(final String subscription, final EventId id, final Instant now)
      throws SQLException {
    return replayed(REPLAY, subscription, id.seq(), id.part(), now) == 1;
  }

  /** Sends again every dead letter whose change was committed at or after {@code since}. */
  public int replaySince(final String subscription, final Instant since, final Instant now)
      throws SQLException {
    return replayed(REPLAY_SINCE, subscription, since.toEpochMilli(), -1, now);
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

  /**
   * @param part the part of the event {@code bound} names; -1: {@code bound} is a time
   */
  private int replayed(
      final String sql,
      final String subscription,
      final long bound,
      final int part,
      final Instant now)
      throws SQLException {
    final int[] replayed = new int[1];
    Transactions.run(
        database,
        connection -> {
          try (PreparedStatement replay = connection.prepareStatement(sql);
              PreparedStatement uncount = connection.prepareStatement(UNCOUNT_DEAD)) {
            replay.setLong(1, now.toEpochMilli());
            replay.setString(2, subscription);
            replay.setLong(3, bound);
            if (part >= 0) {
              replay.setInt(4, part);
            }
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
      final EventId after,
      final int limit)
      throws SQLException {
    try (Connection connection = database.pool().getConnection();
        PreparedStatement select = connection.prepareStatement(sql)) {
      int index = 0;
      select.setString(++index, subscription);
      if (state != null) {
        select.setString(++index, state);
        select.setLong(++index, after.seq());
        select.setLong(++index, after.seq());
        select.setInt(++index, after.part());
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
                  Instant.ofEpochMilli(rows.getLong(8)),
                  rows.getInt(9)));
        }
      }
      return found;
    }
  }
}
