package dev.coexist.apply;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coexist.coexistence.Decoded;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * The problems of one journal entry being applied: the items that were not applied, with why. The
 * first {@link Decoded#PROBLEMS_KEPT} are written to {@code journal_problems}; all are counted in
 * {@code journal_problem_counts}. So a body of a million broken items costs a hundred rows and a
 * count, and a list of entries shows the count without reading their problems.
 */
final class ProblemWriter {
  // an item is kept for an operator to see what was wrong, not as a copy of any size
  private static final int ITEM_MAX_CHARS = 16_000;

  private static final String CLEAR = "DELETE FROM journal_problems WHERE journal_id = ?";

  private static final String CLEAR_COUNT =
      "DELETE FROM journal_problem_counts WHERE journal_id = ?";

  private static final String INSERT =
      """
      INSERT INTO journal_problems (journal_id, location, kind, message, item, ordinal)
      VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT (journal_id, location) DO NOTHING
      """;

  private static final String COUNT =
      """
      INSERT INTO journal_problem_counts (journal_id, problems) VALUES (?, ?)
      ON CONFLICT (journal_id) DO UPDATE SET problems = excluded.problems
      """;

  private final WriteSession session;
  private final long journalId;
  private int written;
  private int count;

  private ProblemWriter(final WriteSession session, final long journalId) {
    this.session = session;
    this.journalId = journalId;
  }

  /** The problems of an entry applied for the first time: it has none recorded yet. */
  static ProblemWriter first(final WriteSession session, final long journalId) {
    return new ProblemWriter(session, journalId);
  }

  /**
   * Starts the problems of an entry afresh: a replay rewrites them, since those of an earlier
   * attempt may be gone now.
   */
  static ProblemWriter startingOver(final WriteSession session, final long journalId)
      throws SQLException {
    for (final String clear : new String[] {CLEAR, CLEAR_COUNT}) {
      final PreparedStatement delete = session.prepare(clear);
      delete.setLong(1, journalId);
      delete.executeUpdate();
    }
    return new ProblemWriter(session, journalId);
  }

  /** One problem: written while fewer than {@link Decoded#PROBLEMS_KEPT} are, counted always. */
  void add(final String location, final String kind, final String message, final JsonNode item)
      throws SQLException {
    count++;
    if (written >= Decoded.PROBLEMS_KEPT) {
      return;
    }
    final PreparedStatement insert = session.prepare(INSERT);
    insert.setLong(1, journalId);
    insert.setString(2, location == null || location.isEmpty() ? "/" : location);
    insert.setString(3, kind);
    insert.setString(4, message == null ? kind : message);
    insert.setString(5, item == null || item.isMissingNode() ? null : clip(item));
    insert.setInt(6, written); // the order they were found in, which the problem pages keep
    insert.executeUpdate();
    written++;
  }

  /** Problems that were counted but not kept before they got here (the decoder's). */
  void addUnkept(final int problems) {
    count += problems;
  }

  /** How many problems the entry has so far. */
  int count() {
    return count;
  }

  /** Writes the count, when there is something to count. */
  void finish() throws SQLException {
    if (count == 0) {
      return;
    }
    final PreparedStatement upsert = session.prepare(COUNT);
    upsert.setLong(1, journalId);
    upsert.setInt(2, count);
    upsert.executeUpdate();
  }

  /** An item as JSON text, shortened to what an operator needs to see. */
  static String clip(final JsonNode item) {
    final String text = item.toString();
    return text.length() <= ITEM_MAX_CHARS ? text : text.substring(0, ITEM_MAX_CHARS);
  }
}
