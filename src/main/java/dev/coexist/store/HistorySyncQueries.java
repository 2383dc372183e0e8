package dev.coexist.store;

import static dev.coexist.store.EpochTimes.millis;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The history sync of a number, from its chunks and its decline. The state is evaluated at read
 * time against the clock, so {@code stalled} needs no timer.
 */
final class HistorySyncQueries {
  private static final String PHASES =
      """
      SELECT phase, count(*) AS chunks, max(chunk_order) AS highest, sum(messages) AS messages,
             max(progress) AS progress, min(received_at) AS first_at, max(received_at) AS last_at,
             min(CASE WHEN progress = 100 THEN received_at END) AS completed_at
        FROM history_chunks
       WHERE phone_number_id = ?
       GROUP BY phase
       ORDER BY phase
      """;

  private static final String DECLINE =
      "SELECT code, title, details, received_at FROM history_declines WHERE phone_number_id = ?";

  private final Clock clock;
  private final Duration stallAfter;

  /**
   * @param stallAfter a history sync in progress with no chunk for this long is {@code stalled}
   */
  HistorySyncQueries(final Clock clock, final Duration stallAfter) {
    this.clock = clock;
    this.stallAfter = stallAfter;
  }

  /** The history sync of the number {@code id}. */
  HistorySync of(final Statements statements, final String id) throws SQLException {
    final List<PhaseProgress> phases = new ArrayList<>();
    Integer progress = null;
    int chunks = 0;
    long messages = 0;
    long firstAt = 0;
    long lastAt = 0;
    long completedAt = 0;
    final PreparedStatement phasesOf = statements.prepare(PHASES);
    phasesOf.setString(1, id);
    try (ResultSet rows = phasesOf.executeQuery()) {
      while (rows.next()) {
        final PhaseProgress phase =
            new PhaseProgress(
                rows.getInt("phase"),
                rows.getInt("chunks"),
                rows.getInt("highest"),
                rows.getLong("messages"));
        phases.add(phase);
        chunks += phase.chunks();
        messages += phase.messages();
        final int phaseProgress = rows.getInt("progress");
        if (!rows.wasNull() && (progress == null || phaseProgress > progress)) {
          progress = phaseProgress;
        }
        firstAt = earliest(firstAt, rows.getLong("first_at"));
        lastAt = Math.max(lastAt, rows.getLong("last_at"));
        completedAt = earliest(completedAt, rows.getLong("completed_at"));
      }
    }
    Integer declinedCode = null;
    String declinedTitle = null;
    String declinedDetails = null;
    Instant declinedAt = null;
    boolean declined = false;
    final PreparedStatement declineOf = statements.prepare(DECLINE);
    declineOf.setString(1, id);
    try (ResultSet row = declineOf.executeQuery()) {
      if (row.next()) {
        declined = true;
        final int code = row.getInt(1);
        declinedCode = row.wasNull() ? null : code;
        declinedTitle = row.getString(2);
        declinedDetails = row.getString(3);
        declinedAt = millis(row.getLong(4));
      }
    }
    final HistorySyncState state;
    if (declined) {
      state = HistorySyncState.DECLINED;
    } else if (completedAt > 0) {
      state = HistorySyncState.COMPLETED;
    } else if (chunks == 0) {
      state = HistorySyncState.NOT_STARTED;
    } else if (clock.millis() - lastAt > stallAfter.toMillis()) {
      state = HistorySyncState.STALLED;
    } else {
      state = HistorySyncState.IN_PROGRESS;
    }
    return new HistorySync(
        state,
        progress,
        chunks,
        messages,
        millis(firstAt),
        millis(lastAt),
        millis(completedAt),
        declinedCode,
        declinedTitle,
        declinedDetails,
        declinedAt,
        phases);
  }

  private static long earliest(final long current, final long candidate) {
    if (candidate <= 0) {
      return current;
    }
    return current <= 0 ? candidate : Math.min(current, candidate);
  }
}
