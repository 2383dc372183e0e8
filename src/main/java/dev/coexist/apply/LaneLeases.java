package dev.coexist.apply;

import dev.coexist.db.Database;
import dev.coexist.db.Engine;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

/**
 * The lanes one node's processors hold, by lease in {@code processor_lanes}: before it reads any
 * entry of a lane a processor claims the lane (free, its own, or a lease that ran out), and renews
 * the lease while the lane has work. Another owner taking a lane raises its epoch; every apply
 * transaction checks owner and epoch ({@link #fence}), so a processor that froze and woke up after
 * its lease ran out cannot commit. Lease times are the database's clock, the one clock all nodes
 * share.
 */
final class LaneLeases {
  // the owner's own lease keeps its epoch; taking another's (run out) or a free lane raises it
  private static final String CLAIM =
      """
      UPDATE processor_lanes
         SET epoch = CASE WHEN owner = ? THEN epoch ELSE epoch + 1 END,
             owner = ?, lease_until = %1$s + ?
       WHERE lane = ? AND (owner IS NULL OR owner = ? OR lease_until < %1$s)
      RETURNING epoch
      """;

  private static final String NOW_POSTGRESQL =
      "CAST(extract(epoch FROM clock_timestamp()) * 1000 AS BIGINT)";
  private static final String NOW_SQLITE =
      "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)";

  /** A held lease: its epoch, and when (this process's nanoTime) to renew it. */
  record Lease(long epoch, long renewAfterNanos) {}

  private final Database database;
  private final String owner;
  private final long leaseNanos;
  private final String claim;
  private final Map<Integer, Lease> held;

  /**
   * @param node the node's lanes, shared by its processors: they hold the lanes together, so that a
   *     processor busy with a history chunk does not keep the node's other processor from a live
   *     lane it claimed on the way (within the node, the lane's row lock and {@link LaneClaims}
   *     keep them apart)
   */
  LaneLeases(final Database database, final LaneClaims node, final Duration lease) {
    this.database = database;
    this.owner = node.owner();
    this.held = node.leases();
    this.leaseNanos = lease.toNanos();
    this.claim =
        CLAIM.formatted(database.engine() == Engine.POSTGRESQL ? NOW_POSTGRESQL : NOW_SQLITE);
  }

  /** An owner name for a node: host and pid, then a short random part. */
  static String newOwner() {
    return ManagementFactory.getRuntimeMXBean().getName()
        + "/"
        + UUID.randomUUID().toString().substring(0, 8);
  }

  String owner() {
    return owner;
  }

  /** Whether this node holds {@code lane} and need not renew its lease yet. */
  boolean fresh(final int lane) {
    final Lease lease = held.get(lane);
    return lease != null && System.nanoTime() - lease.renewAfterNanos() < 0;
  }

  /**
   * Whether this node holds {@code lane}, claiming or renewing its lease when it must (a third of
   * the lease has passed), in a short write transaction of its own. The read transaction on {@code
   * connection} must have ended.
   */
  boolean hold(final Connection connection, final int lane) throws SQLException {
    if (fresh(lane)) {
      return true;
    }
    final long now = System.nanoTime();
    final long millis = leaseNanos / 1_000_000;
    database.beginWriteTurn(false);
    try (PreparedStatement statement = connection.prepareStatement(claim)) {
      statement.setString(1, owner);
      statement.setString(2, owner);
      statement.setLong(3, millis);
      statement.setInt(4, lane);
      statement.setString(5, owner);
      final Long epoch;
      try (ResultSet row = statement.executeQuery()) {
        epoch = row.next() ? row.getLong(1) : null;
      }
      connection.commit();
      if (epoch == null) {
        held.remove(lane);
        return false;
      }
      // counted from before the claim was sent: never later than the database's own expiry
      held.put(lane, new Lease(epoch, now + leaseNanos / 3));
      return true;
    } catch (SQLException refused) {
      connection.rollback();
      held.remove(lane);
      throw refused;
    } finally {
      database.endWriteTurn();
    }
  }

  /** Hands every lane this node holds back (a clean stop), in a transaction of its own. */
  void releaseAll(final Connection connection) throws SQLException {
    try (PreparedStatement release =
        connection.prepareStatement(
            "UPDATE processor_lanes SET owner = NULL, lease_until = 0 WHERE owner = ?")) {
      release.setString(1, owner);
      release.executeUpdate();
      connection.commit();
    } finally {
      held.clear();
    }
  }

  /** The epoch this node holds {@code lane} with; -1 when it holds no lease of it. */
  long epoch(final int lane) {
    final Lease lease = held.get(lane);
    return lease == null ? -1 : lease.epoch();
  }

  /** The lane's lease was found lost (another owner or epoch): claim it again before reading. */
  void lost(final int lane) {
    held.remove(lane);
  }
}
