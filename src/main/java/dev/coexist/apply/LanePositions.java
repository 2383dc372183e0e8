package dev.coexist.apply;

import dev.coexist.journal.PendingEntry;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The positions of the lanes a read applied in one go belongs to (see ApplyTransactions): whether
 * its entries are exactly each lane's next, and moving each lane past its last. A read of several
 * lanes costs one statement for each on PostgreSQL, not one per lane; SQLite, in process, goes lane
 * by lane.
 */
final class LanePositions {
  // The pending entries of a lane from its position up to the last of a read, in order: when they
  // are exactly the read's, nothing before them is still to apply and none of them is a replay.
  private static final String NEXT_IDS =
      """
      SELECT id FROM journal
       WHERE state = 'pending' AND lane = ? AND id > ? AND id <= ?
       ORDER BY id
       LIMIT ?
      """;

  private static final String NEXT_IDS_OF_LANES =
      """
      SELECT l.lane, n.id
        FROM unnest(CAST(? AS integer[]), CAST(? AS bigint[]), CAST(? AS bigint[]),
                    CAST(? AS integer[])) AS l(lane, after, last, most)
       CROSS JOIN LATERAL (SELECT j.id FROM journal j
                            WHERE j.state = 'pending' AND j.lane = l.lane
                              AND j.id > l.after AND j.id <= l.last
                            ORDER BY j.id
                            LIMIT l.most) AS n
       ORDER BY l.lane, n.id
      """;

  // the lane's row is this transaction's already (every apply transaction takes it first)
  private static final String ADVANCE =
      "UPDATE processor_lanes SET applied_up_to = ? WHERE lane = ? AND applied_up_to = ?";

  private static final String ADVANCE_LANES =
      """
      UPDATE processor_lanes p SET applied_up_to = l.up_to
        FROM unnest(CAST(? AS integer[]), CAST(? AS bigint[]), CAST(? AS bigint[]))
             AS l(lane, was, up_to)
       WHERE p.lane = l.lane AND p.applied_up_to = l.was
      """;

  private LanePositions() {}

  /** The entries by lane, each lane's in id order, lanes in ascending order. */
  static Map<Integer, List<PendingEntry>> byLane(final List<PendingEntry> entries) {
    final Map<Integer, List<PendingEntry>> lanes = new TreeMap<>();
    for (final PendingEntry entry : entries) {
      lanes.computeIfAbsent(entry.lane(), lane -> new ArrayList<>()).add(entry);
    }
    return lanes;
  }

  /**
   * Whether the entries of each lane are exactly the lane's next entries after its position ({@code
   * positions}, lane to position): nothing before them still to apply, none a replay.
   */
  static boolean areNext(
      final WriteSession writer,
      final Map<Integer, Long> positions,
      final Map<Integer, List<PendingEntry>> lanes)
      throws SQLException {
    final Map<Integer, List<Long>> found = new HashMap<>();
    if (writer.dialect().lanesAsArrays()) {
      final List<Integer> most = new ArrayList<>();
      for (final List<PendingEntry> entries : lanes.values()) {
        most.add(entries.size() + 1);
      }
      final PreparedStatement next = writer.prepare(NEXT_IDS_OF_LANES);
      next.setString(1, SqlArrays.of(lanes.keySet()));
      next.setString(2, SqlArrays.of(positionsOf(positions, lanes)));
      next.setString(3, SqlArrays.of(lastIds(lanes)));
      next.setString(4, SqlArrays.of(most));
      try (ResultSet rows = next.executeQuery()) {
        while (rows.next()) {
          found.computeIfAbsent(rows.getInt(1), lane -> new ArrayList<>()).add(rows.getLong(2));
        }
      }
    } else {
      final PreparedStatement next = writer.prepare(NEXT_IDS);
      for (final Map.Entry<Integer, List<PendingEntry>> lane : lanes.entrySet()) {
        final List<PendingEntry> entries = lane.getValue();
        next.setInt(1, lane.getKey());
        next.setLong(2, positions.get(lane.getKey()));
        next.setLong(3, last(entries));
        next.setInt(4, entries.size() + 1);
        final List<Long> ids = new ArrayList<>();
        try (ResultSet rows = next.executeQuery()) {
          while (rows.next()) {
            ids.add(rows.getLong(1));
          }
        }
        found.put(lane.getKey(), ids);
      }
    }
    for (final Map.Entry<Integer, List<PendingEntry>> lane : lanes.entrySet()) {
      final List<Long> ids = found.getOrDefault(lane.getKey(), List.of());
      final List<PendingEntry> entries = lane.getValue();
      if (ids.size() != entries.size()) {
        return false;
      }
      for (int index = 0; index < ids.size(); index++) {
        if (ids.get(index) != entries.get(index).id()) {
          return false;
        }
      }
    }
    return true;
  }

  /**
   * Moves each lane from its position ({@code positions}) past its last entry; false when a lane's
   * position is not what it was any more (nothing is then to be committed: the caller rolls back).
   */
  static boolean advance(
      final WriteSession writer,
      final Map<Integer, Long> positions,
      final Map<Integer, List<PendingEntry>> lanes)
      throws SQLException {
    if (writer.dialect().lanesAsArrays()) {
      final PreparedStatement advance = writer.prepare(ADVANCE_LANES);
      advance.setString(1, SqlArrays.of(lanes.keySet()));
      advance.setString(2, SqlArrays.of(positionsOf(positions, lanes)));
      advance.setString(3, SqlArrays.of(lastIds(lanes)));
      return advance.executeUpdate() == lanes.size();
    }
    final PreparedStatement advance = writer.prepare(ADVANCE);
    for (final Map.Entry<Integer, List<PendingEntry>> lane : lanes.entrySet()) {
      advance.setLong(1, last(lane.getValue()));
      advance.setInt(2, lane.getKey());
      advance.setLong(3, positions.get(lane.getKey()));
      if (advance.executeUpdate() != 1) {
        return false;
      }
    }
    return true;
  }

  private static long last(final List<PendingEntry> entries) {
    return entries.get(entries.size() - 1).id();
  }

  /** The last entry's id of each lane, in the lanes' order. */
  private static List<Long> lastIds(final Map<Integer, List<PendingEntry>> lanes) {
    final List<Long> ids = new ArrayList<>(lanes.size());
    for (final List<PendingEntry> entries : lanes.values()) {
      ids.add(last(entries));
    }
    return ids;
  }

  /** The position of each lane, in the lanes' order. */
  private static List<Long> positionsOf(
      final Map<Integer, Long> positions, final Map<Integer, List<PendingEntry>> lanes) {
    final List<Long> of = new ArrayList<>(lanes.size());
    for (final int lane : lanes.keySet()) {
      of.add(positions.get(lane));
    }
    return of;
  }
}
