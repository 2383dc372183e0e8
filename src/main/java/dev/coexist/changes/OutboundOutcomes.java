package dev.coexist.changes;

import dev.coexist.db.Database;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes what the forwarder's attempts came to: each event delivered, waiting for its next attempt,
 * or dead; and each subscription's counters and failing spell, with them.
 */
final class OutboundOutcomes {
  private static final String DELIVERED =
      """
      UPDATE outbound_events SET state = 'delivered', attempts = attempts + 1, last_status = ?,
             last_error = NULL, last_attempt_at = ?
       WHERE subscription_id = ? AND seq = ? AND part = ? AND state = 'pending'
      """;

  private static final String FAILED =
      """
      UPDATE outbound_events SET state = ?, attempts = attempts + 1, last_status = ?,
             last_error = ?, last_attempt_at = ?, next_attempt_at = ?
       WHERE subscription_id = ? AND seq = ? AND part = ? AND state = 'pending'
      """;

  // the receiver is back after an outage: every retry waiting goes now; attempts keep their
  // count, so the schedule resumes where it was if it fails again. It walks the subscription's
  // pending events, so it runs once per outage, not at every round.
  private static final String RECOVERED =
      """
      UPDATE outbound_events SET next_attempt_at = ?
       WHERE subscription_id = ? AND state = 'pending' AND attempts > 0 AND next_attempt_at > ?
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

  private final Database database;

  OutboundOutcomes(final Database database) {
    this.database = database;
  }

  /**
   * What one attempt came to.
   *
   * @param status the answer's status, null when none came
   * @param nextAttemptAt when to try again; null when delivered, or when it is now a dead letter
   */
  record Outcome(
      String subscription,
      EventId id,
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
   * transaction per round of the forwarder, not one each. A subscription of {@code backFromOutage}
   * that got a delivery has its waiting retries brought forward to now.
   */
  void record(final List<Outcome> outcomes, final Instant now, final Set<String> backFromOutage)
      throws SQLException {
    if (outcomes.isEmpty()) {
      return;
    }
    Transactions.run(
        database,
        connection -> {
          try (PreparedStatement delivered = connection.prepareStatement(DELIVERED);
              PreparedStatement failed = connection.prepareStatement(FAILED);
              PreparedStatement recovered = connection.prepareStatement(RECOVERED);
              PreparedStatement counts = connection.prepareStatement(COUNT)) {
            final List<Outcome> batchedDelivered = new ArrayList<>();
            final List<Outcome> batchedFailed = new ArrayList<>();
            for (final Outcome outcome : outcomes) {
              if (outcome.delivered()) {
                delivered.setInt(1, outcome.status());
                delivered.setLong(2, now.toEpochMilli());
                delivered.setString(3, outcome.subscription());
                delivered.setLong(4, outcome.id().seq());
                delivered.setInt(5, outcome.id().part());
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
                failed.setLong(7, outcome.id().seq());
                failed.setInt(8, outcome.id().part());
                failed.addBatch();
                batchedFailed.add(outcome);
              }
            }
            // only what the batches changed counts (an event replayed or deleted meanwhile not)
            final Map<String, long[]> tally = new LinkedHashMap<>();
            count(delivered.executeBatch(), batchedDelivered, tally);
            count(failed.executeBatch(), batchedFailed, tally);
            for (final Map.Entry<String, long[]> subscription : tally.entrySet()) {
              if (subscription.getValue()[0] > 0
                  && backFromOutage.contains(subscription.getKey())) {
                recovered.setLong(1, now.toEpochMilli());
                recovered.setString(2, subscription.getKey());
                recovered.setLong(3, now.toEpochMilli());
                recovered.addBatch();
              }
            }
            recovered.executeBatch();
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
}
