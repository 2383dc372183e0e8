package dev.coexist.store;

import dev.coexist.apply.JournalQueue;
import dev.coexist.db.Database;
import dev.coexist.journal.JournalSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The state of journal entries as an operator sees it, from the journal's rows (accepted,
 * duplicate, rejected: decided when a delivery arrives) and the store's record of how far it has
 * applied them ({@link JournalQueue}): {@code pending}, {@code applied}, {@code failed}, {@code
 * duplicate} or {@code rejected}. Also the backlog, and replay: asking the processor to apply
 * entries again.
 */
public final class JournalStates {
  private static final long BACKLOG_REFRESH_MILLIS = 1_000;

  // the state of an entry the journal took for processing: see JournalQueue
  private static final String COLUMNS =
      """
      SELECT j.id, j.received_at, j.route, j.headers, j.event_id, j.body_sha256,
             length(j.body) AS body_bytes,
             CASE WHEN j.state <> 'pending' THEN j.state
                  WHEN j.id > p.applied_up_to OR o.journal_id IS NULL
                       OR EXISTS (SELECT 1 FROM replay_requests r WHERE r.journal_id = j.id)
                  THEN 'pending'
                  ELSE o.state END AS state,
             CASE WHEN j.state <> 'pending' THEN j.error
                  WHEN j.id <= p.applied_up_to AND o.state = 'failed' THEN o.error END AS error,
             COALESCE(o.attempts, 0) AS attempts, j.duplicate_of,
             COALESCE(o.updated_at, j.updated_at) AS updated_at
        FROM journal j
        JOIN processor_lanes p ON p.lane = j.lane
        LEFT JOIN entry_outcomes o ON o.journal_id = j.id
      """;

  private static final String ONE = COLUMNS + " WHERE j.id = ?";

  // beyond their lane's position (one range of the partial index per lane), or asked again
  private static final String PENDING =
      COLUMNS
          + """
           WHERE j.id IN (SELECT i.id FROM processor_lanes q JOIN journal i ON i.lane = q.lane
                           WHERE i.state = 'pending'
                             AND i.id > CASE WHEN ? > q.applied_up_to THEN ? ELSE q.applied_up_to END
                          UNION
                          SELECT r.journal_id FROM replay_requests r WHERE r.journal_id > ?)
           ORDER BY j.id
           LIMIT ?
          """;

  // Every condition of the state is inside the LIMIT: a page cut before a condition dropped rows
  // came back short, and a short page reads as the last one (an entry asked again, or applied
  // beyond its lane's position after a replay, hid every entry after it).
  private static final String OUTCOME =
      COLUMNS
          + """
           WHERE j.id IN (SELECT o2.journal_id FROM entry_outcomes o2
                            JOIN journal i ON i.id = o2.journal_id
                            JOIN processor_lanes q ON q.lane = i.lane
                           WHERE o2.state = ? AND o2.journal_id > ?
                             AND o2.journal_id <= q.applied_up_to
                             AND NOT EXISTS (SELECT 1 FROM replay_requests r
                                              WHERE r.journal_id = o2.journal_id)
                           ORDER BY o2.journal_id
                           LIMIT ?)
           ORDER BY j.id
          """;

  // applied, with items that were not: along journal_problem_counts, which has a row only for an
  // entry with problems, so the list costs what it shows and not a scan of every applied entry
  private static final String APPLIED_WITH_PROBLEMS =
      COLUMNS
          + """
           WHERE j.id IN (SELECT c.journal_id FROM journal_problem_counts c
                            JOIN entry_outcomes o2 ON o2.journal_id = c.journal_id
                            JOIN journal i ON i.id = c.journal_id
                            JOIN processor_lanes q ON q.lane = i.lane
                           WHERE c.journal_id > ? AND c.problems > 0 AND o2.state = 'applied'
                             AND c.journal_id <= q.applied_up_to
                             AND NOT EXISTS (SELECT 1 FROM replay_requests r
                                              WHERE r.journal_id = c.journal_id)
                           ORDER BY c.journal_id
                           LIMIT ?)
           ORDER BY j.id
          """;

  private static final String JOURNAL_STATE =
      COLUMNS + " WHERE j.state = ? AND j.id > ? ORDER BY j.id LIMIT ?";

  // Counted lane by lane from the lane's position along journal_pending_by_lane, so the cost
  // follows the backlog; a join of the lanes with the journal read every entry ever journalled
  // (82 ms a scrape on PostgreSQL at 90,000 entries).
  private static final String COUNT_PENDING =
      """
      SELECT COALESCE((SELECT sum((SELECT count(*) FROM journal j
                                    WHERE j.state = 'pending' AND j.lane = p.lane
                                      AND j.id > p.applied_up_to))
                         FROM processor_lanes p), 0)
           + (SELECT count(*) FROM replay_requests)
      """;

  // Only entries that were applied or failed go back: pending ones are to come anyway, duplicates
  // and rejected bodies have nothing of their own to apply. The store is idempotent, so applying
  // again is harmless.
  private static final String REPLAY_RANGE =
      """
      INSERT INTO replay_requests (journal_id, lane, requested_at)
      SELECT j.id, j.lane, ?
        FROM entry_outcomes o
        JOIN journal j ON j.id = o.journal_id
        JOIN processor_lanes p ON p.lane = j.lane
       WHERE o.journal_id BETWEEN ? AND ? AND j.id <= p.applied_up_to
      ON CONFLICT (journal_id) DO NOTHING
      """;

  private static final String REPLAY_FAILED =
      """
      INSERT INTO replay_requests (journal_id, lane, requested_at)
      SELECT j.id, j.lane, ?
        FROM entry_outcomes o
        JOIN journal j ON j.id = o.journal_id
        JOIN processor_lanes p ON p.lane = j.lane
       WHERE o.state = 'failed' AND j.id <= p.applied_up_to
      ON CONFLICT (journal_id) DO NOTHING
      """;

  private final Database store;
  private final AtomicLong backlog = new AtomicLong();
  private volatile long backlogReadAt;

  public JournalStates(final Database store, final MeterRegistry meters) {
    this.store = store;
    Gauge.builder("coexist.journal.backlog", this, JournalStates::pendingEntries)
        .description("Journal entries waiting to be applied")
        .register(meters);
  }

  /** One entry without its body, in its state; empty when there is no such entry. */
  public Optional<JournalSummary> summary(final long id) throws SQLException {
    try (Connection connection = store.pool().getConnection();
        PreparedStatement find = connection.prepareStatement(ONE)) {
      find.setLong(1, id);
      try (ResultSet row = find.executeQuery()) {
        return row.next() ? Optional.of(summary(row)) : Optional.empty();
      }
    }
  }

  /**
   * Entries in one state ({@code pending|applied|duplicate|failed|rejected}), oldest first, after
   * the id {@code afterId} (0 for the start): keyset pagination by id.
   */
  public List<JournalSummary> entries(final String state, final long afterId, final int limit)
      throws SQLException {
    try (Connection connection = store.pool().getConnection();
        PreparedStatement list = connection.prepareStatement(query(state))) {
      switch (state) {
        case "pending" -> {
          list.setLong(1, afterId);
          list.setLong(2, afterId);
          list.setLong(3, afterId);
          list.setInt(4, limit);
        }
        case "applied", "failed", "duplicate", "rejected" -> {
          list.setString(1, state);
          list.setLong(2, afterId);
          list.setInt(3, limit);
        }
        default -> throw new IllegalArgumentException("no journal state " + state);
      }
      return read(list);
    }
  }

  /**
   * Applied entries with items that were not applied (their problems), oldest first, after the id
   * {@code afterId}: keyset pagination by id.
   */
  public List<JournalSummary> appliedWithProblems(final long afterId, final int limit)
      throws SQLException {
    try (Connection connection = store.pool().getConnection();
        PreparedStatement list = connection.prepareStatement(APPLIED_WITH_PROBLEMS)) {
      list.setLong(1, afterId);
      list.setInt(2, limit);
      return read(list);
    }
  }

  private static List<JournalSummary> read(final PreparedStatement list) throws SQLException {
    final List<JournalSummary> entries = new ArrayList<>();
    try (ResultSet rows = list.executeQuery()) {
      while (rows.next()) {
        entries.add(summary(rows));
      }
    }
    return entries;
  }

  private static String query(final String state) {
    return switch (state) {
      case "pending" -> PENDING;
      case "applied", "failed" -> OUTCOME;
      default -> JOURNAL_STATE;
    };
  }

  private static JournalSummary summary(final ResultSet rows) throws SQLException {
    final long duplicateOf = rows.getLong("duplicate_of");
    // wasNull() speaks of the last column read, so it is asked right away
    final boolean original = rows.wasNull();
    return new JournalSummary(
        rows.getLong("id"),
        rows.getLong("received_at"),
        rows.getString("route"),
        rows.getString("headers"),
        rows.getString("event_id"),
        rows.getString("body_sha256"),
        rows.getLong("body_bytes"),
        rows.getString("state"),
        rows.getString("error"),
        rows.getInt("attempts"),
        original ? null : duplicateOf,
        rows.getLong("updated_at"));
  }

  /**
   * Asks for one applied or failed entry to be applied again (call the processor's {@code wake()}
   * afterwards). Returns whether the entry was replayable.
   */
  public boolean replay(final long id) throws SQLException {
    return replayRange(id, id) == 1;
  }

  /** Asks for the applied and failed entries with ids in {@code [fromId, toId]} again. */
  public int replayRange(final long fromId, final long toId) throws SQLException {
    try (Connection connection = store.pool().getConnection();
        PreparedStatement replay = connection.prepareStatement(REPLAY_RANGE)) {
      replay.setLong(1, System.currentTimeMillis());
      replay.setLong(2, fromId);
      replay.setLong(3, toId);
      return commit(connection, replay.executeUpdate());
    }
  }

  /** Asks for every failed entry again; returns how many. */
  public int replayFailed() throws SQLException {
    try (Connection connection = store.pool().getConnection();
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
        // the last known figure stays; readiness says what is wrong
      }
    }
    return backlog.get();
  }

  /** Entries waiting to be applied, counted now. */
  public long pendingEntriesNow() throws SQLException {
    try (Connection connection = store.pool().getConnection();
        PreparedStatement count = connection.prepareStatement(COUNT_PENDING);
        ResultSet row = count.executeQuery()) {
      row.next();
      return row.getLong(1);
    }
  }
}
