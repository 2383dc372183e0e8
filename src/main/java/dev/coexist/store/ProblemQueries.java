package dev.coexist.store;

import dev.coexist.db.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The items of journal entries that were not applied, with why: a count per entry, and the kept
 * problems (at most a hundred per entry, written by the apply transaction) page by page, in the
 * order they were found: the decoder's, in the body's order, then the apply's.
 */
public final class ProblemQueries {
  private static final String COUNT =
      "SELECT problems FROM journal_problem_counts WHERE journal_id = ?";

  private static final String PAGE =
      """
      SELECT journal_id, location, kind, message, item, ordinal FROM journal_problems
       WHERE journal_id = ? AND ordinal > ?
       ORDER BY ordinal
       LIMIT ?
      """;

  /** Where the first page starts: before the first problem found (numbered 0). */
  public static final int FIRST = -1;

  private final Database database;

  public ProblemQueries(final Database database) {
    this.database = database;
  }

  /** How many items of each entry were not applied; entries without problems are left out. */
  public Map<Long, Integer> counts(final Collection<Long> journalIds) throws SQLException {
    final Map<Long, Integer> counts = new HashMap<>();
    if (journalIds.isEmpty()) {
      return counts;
    }
    try (Connection connection = database.pool().getConnection();
        PreparedStatement select = connection.prepareStatement(COUNT)) {
      for (final long id : journalIds) {
        select.setLong(1, id);
        try (ResultSet row = select.executeQuery()) {
          if (row.next()) {
            counts.put(id, row.getInt(1));
          }
        }
      }
    }
    return counts;
  }

  /**
   * The first problems of each entry (in the order they were found), up to {@code most} per entry:
   * what a list shows of them.
   */
  public Map<Long, List<ProblemView>> firstOf(final Collection<Long> journalIds, final int most)
      throws SQLException {
    final Map<Long, List<ProblemView>> first = new HashMap<>();
    try (Connection connection = database.pool().getConnection();
        PreparedStatement select = connection.prepareStatement(PAGE)) {
      for (final long id : journalIds) {
        final List<ProblemView> problems = read(select, id, FIRST, most);
        if (!problems.isEmpty()) {
          first.put(id, problems);
        }
      }
    }
    return first;
  }

  /**
   * A page of an entry's problems after the one numbered {@code after} in the order they were found
   * ({@link #FIRST} for the first page).
   */
  public Page<ProblemView, Integer> page(final long journalId, final int after, final int limit)
      throws SQLException {
    try (Connection connection = database.pool().getConnection();
        PreparedStatement select = connection.prepareStatement(PAGE)) {
      final List<ProblemView> problems = read(select, journalId, after, limit + 1);
      if (problems.size() <= limit) {
        return new Page<>(problems, null);
      }
      return new Page<>(problems.subList(0, limit), problems.get(limit - 1).ordinal());
    }
  }

  /** Every kept problem of an entry (at most a hundred). */
  public List<ProblemView> all(final long journalId) throws SQLException {
    return page(journalId, FIRST, Integer.MAX_VALUE - 1).items();
  }

  private static List<ProblemView> read(
      final PreparedStatement select, final long journalId, final int after, final int limit)
      throws SQLException {
    select.setLong(1, journalId);
    select.setInt(2, after);
    select.setInt(3, limit);
    final List<ProblemView> problems = new ArrayList<>();
    try (ResultSet rows = select.executeQuery()) {
      while (rows.next()) {
        problems.add(
            new ProblemView(
                rows.getLong(1),
                rows.getString(2),
                rows.getString(3),
                rows.getString(4),
                rows.getString(5),
                rows.getInt(6)));
      }
    }
    return problems;
  }
}
