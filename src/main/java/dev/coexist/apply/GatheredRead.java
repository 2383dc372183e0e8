package dev.coexist.apply;

import dev.coexist.journal.PendingEntry;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The next small entries of several lanes, read for one apply transaction: live deliveries of many
 * numbers share its fixed cost (taking the lanes, checking and moving their positions, listing
 * threads, the change log, the commit) instead of paying it lane by lane. Each lane gives its next
 * entries from its position (or from what the step read of it already) up to its first big one (a
 * history chunk, which takes a turn of its own); the lanes fill the read in the order given, up to
 * a count of entries and of bytes. On PostgreSQL one statement reads them all; SQLite, in process,
 * reads lane by lane.
 */
final class GatheredRead {
  // The partitioning's rule as in JournalQueue.PENDING. Each lane's entries are a prefix of its
  // pending ones (up to its first big entry); the windows over (turn, id) cut the whole at the
  // count and the bytes, which keeps every lane's part a prefix. octet_length is known without
  // unpacking a body.
  private static final String LANES =
      """
      SELECT id, received_at, body, lane
        FROM (SELECT n.id, n.received_at, n.body, l.lane, l.turn,
                     row_number() OVER w AS nth,
                     sum(n.size) OVER w - n.size AS before
                FROM unnest(CAST(? AS integer[]), CAST(? AS bigint[]))
                     WITH ORDINALITY AS l(lane, after, turn)
                JOIN processor_lanes p ON p.lane = l.lane
               CROSS JOIN LATERAL (
                     SELECT id, received_at, body, size
                       FROM (SELECT j.id, j.received_at, j.body, octet_length(j.body) AS size,
                                    count(*) FILTER (WHERE octet_length(j.body) >= ?)
                                      OVER (ORDER BY j.id) AS big
                               FROM journal j
                              WHERE j.state = 'pending' AND j.lane = l.lane
                                AND j.id > GREATEST(l.after, p.applied_up_to)
                                AND (j.id <= (SELECT since_id FROM journal_partitions)
                                     OR (SELECT since_id FROM journal_partitions) <= ?)
                              ORDER BY j.id
                              LIMIT ?) AS lane_next
                      WHERE big = 0) AS n
              WINDOW w AS (ORDER BY l.turn, n.id)) AS gathered
       WHERE nth <= ? AND before < ?
       ORDER BY turn, id
      """;

  // one lane; a big entry's body is not read (length() does not load it)
  private static final String LANE =
      """
      SELECT id, received_at, CASE WHEN length(body) < ? THEN body END
        FROM journal
       WHERE state = 'pending' AND lane = ?
         AND id > max(?, (SELECT applied_up_to FROM processor_lanes WHERE lane = ?))
         AND (id <= (SELECT since_id FROM journal_partitions)
              OR (SELECT since_id FROM journal_partitions) <= ?)
       ORDER BY id
       LIMIT ?
      """;

  private GatheredRead() {}

  /**
   * The next small entries of each lane after its position and after {@code after} (per lane, in
   * the order of {@code lanes}), within the budget; in the order of the lanes, each lane's in id
   * order.
   *
   * @param drainedSince see {@link JournalQueue#drainedSince()}
   */
  static List<PendingEntry> read(
      final WriteSession writer,
      final List<Integer> lanes,
      final List<Long> after,
      final long drainedSince,
      final Budget budget)
      throws SQLException {
    final List<PendingEntry> entries = new ArrayList<>();
    if (writer.dialect().lanesAsArrays()) {
      final PreparedStatement select = writer.prepare(LANES);
      select.setString(1, SqlArrays.of(lanes));
      select.setString(2, SqlArrays.of(after));
      select.setLong(3, budget.bigBytes());
      select.setLong(4, drainedSince);
      select.setInt(5, budget.perLane());
      select.setInt(6, budget.most());
      select.setLong(7, Math.max(1, budget.maxBytes()));
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          entries.add(
              new PendingEntry(rows.getLong(1), rows.getLong(2), rows.getBytes(3), rows.getInt(4)));
        }
      }
      return entries;
    }
    final PreparedStatement select = writer.prepare(LANE);
    long bytes = 0;
    for (int index = 0; index < lanes.size() && entries.size() < budget.most(); index++) {
      final int lane = lanes.get(index);
      select.setLong(1, budget.bigBytes());
      select.setInt(2, lane);
      select.setLong(3, after.get(index));
      select.setInt(4, lane);
      select.setLong(5, drainedSince);
      select.setInt(6, Math.min(budget.perLane(), budget.most() - entries.size()));
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next() && bytes < budget.maxBytes()) {
          final byte[] body = rows.getBytes(3);
          if (body == null) {
            break; // a big entry: the lane's turn of its own reads it
          }
          bytes += body.length;
          entries.add(new PendingEntry(rows.getLong(1), rows.getLong(2), body, lane));
        }
      }
    }
    return entries;
  }

  /**
   * What one gathered read takes: entries under {@code bigBytes}, at most {@code perLane} of a lane
   * and {@code most} in all, while the bodies before an entry total less than {@code maxBytes}.
   */
  record Budget(long bigBytes, int perLane, int most, long maxBytes) {}
}
