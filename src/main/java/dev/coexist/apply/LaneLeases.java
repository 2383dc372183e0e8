package dev.coexist.apply;

import dev.coexist.db.Database;
import dev.coexist.db.Engine;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
  // The owner's own lease keeps its epoch; taking another's (run out) or a free lane raises it.
  // %2$s:
  // the lanes, one parameter.
  private static final String CLAIM_LANES =
      """
      UPDATE processor_lanes
         SET epoch = CASE WHEN owner = ? THEN epoch ELSE epoch + 1 END,
             owner = ?, lease_until = %1$s + ?
       WHERE lane IN (%2$s) AND (owner IS NULL OR owner = ? OR lease_until < %1$s)
      RETURNING lane, epoch
      """;

  // the node's heartbeat, and how many nodes are up (a node gone for a minute is forgotten)
  private static final String HEARTBEAT =
      """
      INSERT INTO processor_nodes (owner, seen_until) VALUES (?, %1$s + ?)
      ON CONFLICT (owner) DO UPDATE SET seen_until = excluded.seen_until
      """;
  private static final String FORGET =
      "DELETE FROM processor_nodes WHERE seen_until < %1$s - 60000";
  private static final String LIVE_NODES =
      "SELECT count(*) FROM processor_nodes WHERE seen_until >= %1$s";
  private static final String GONE = "DELETE FROM processor_nodes WHERE owner = ?";

  private static final String NOW_POSTGRESQL =
      "CAST(extract(epoch FROM clock_timestamp()) * 1000 AS BIGINT)";
  private static final String NOW_SQLITE =
      "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)";

  /** A held lease: its epoch, and when (this process's nanoTime) to renew it. */
  record Lease(long epoch, long renewAfterNanos) {}

  private final Database database;
  private final String owner;
  private final long leaseNanos;
  private final String claimLanes;
  private final boolean lanesAsArray;
  private final String heartbeat;
  private final String forget;
  private final String liveNodes;
  private final Map<Integer, Lease> held;
  private final LaneClaims node;

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
    this.node = node;
    this.leaseNanos = lease.toNanos();
    final String now = database.engine() == Engine.POSTGRESQL ? NOW_POSTGRESQL : NOW_SQLITE;
    this.lanesAsArray = database.engine() == Engine.POSTGRESQL;
    this.claimLanes =
        CLAIM_LANES.formatted(
            now,
            lanesAsArray
                ? "SELECT unnest(CAST(? AS integer[]))"
                : "SELECT value FROM json_each(?)");
    this.heartbeat = HEARTBEAT.formatted(now);
    this.forget = FORGET.formatted(now);
    this.liveNodes = LIVE_NODES.formatted(now);
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
   * connection} must have ended. A node takes no lane beyond its share (see {@link #share}), and
   * hands back one it holds beyond it when the lease is due for renewal and {@code readNow} says
   * none of the lane's entries is read but not applied yet. Live lanes and history lanes are shared
   * out each on their own, from the count of {@code lanes}, not from the lanes that have work at
   * the moment: those come and go between two reads, and a share that followed them had the nodes
   * hand lanes to and fro (ack to visible p99 of 2.9 s with three nodes).
   */
  boolean hold(final Connection connection, final int lane, final int lanes, final boolean readNow)
      throws SQLException {
    if (fresh(lane)) {
      return true;
    }
    final long now = System.nanoTime();
    final long millis = leaseNanos / 1_000_000;
    database.beginWriteTurn(false);
    try {
      beat(connection, now, millis);
      final boolean mine = held.containsKey(lane);
      final int holding = holding(now, lane, lanes);
      final int share = share(lanes / 2);
      if (!mine && holding >= share) {
        connection.commit();
        return false; // the other nodes take it: this one has its share
      }
      if (mine && holding > share && !readNow) {
        release(connection, lane);
        connection.commit();
        return false;
      }
      final Long epoch = claim(connection, lane, millis);
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

  /**
   * Renews, in one short write transaction, the leases of {@code due} (lanes this node holds whose
   * renewal is due, claimed by the calling processor within the node): those renewed; null, with
   * nothing done, when the node holds more lanes than its share (then {@link #hold} renews or hands
   * back each). Every lease a node claimed at once comes up for renewal at once: one by one they
   * were a burst of a hundred round trips every third of a lease, and every delivery waited for it.
   * The read transaction on {@code connection} must have ended.
   */
  Set<Integer> renew(final Connection connection, final List<Integer> due, final int laneCount)
      throws SQLException {
    final long now = System.nanoTime();
    if (holding(now, 0, laneCount) > share(laneCount / 2)
        || holding(now, laneCount / 2, laneCount) > share(laneCount / 2)) {
      return null;
    }
    final long millis = leaseNanos / 1_000_000;
    final Map<Integer, Long> renewed = new HashMap<>();
    database.beginWriteTurn(false);
    try {
      beat(connection, now, millis);
      renewed.putAll(claim(connection, due, millis));
      connection.commit();
    } catch (SQLException refused) {
      connection.rollback();
      due.forEach(held::remove);
      throw refused;
    } finally {
      database.endWriteTurn();
    }
    for (final int lane : due) {
      final Long epoch = renewed.get(lane);
      if (epoch == null) {
        held.remove(lane);
      } else {
        held.put(lane, new Lease(epoch, now + leaseNanos / 3));
      }
    }
    return renewed.keySet();
  }

  // the lane's new epoch when this node holds it now; null when another node does
  private Long claim(final Connection connection, final int lane, final long millis)
      throws SQLException {
    return claim(connection, List.of(lane), millis).get(lane);
  }

  // the new epochs of those of {@code lanes} this node holds now
  private Map<Integer, Long> claim(
      final Connection connection, final List<Integer> lanes, final long millis)
      throws SQLException {
    final Map<Integer, Long> epochs = new HashMap<>();
    try (PreparedStatement statement = connection.prepareStatement(claimLanes)) {
      statement.setString(1, owner);
      statement.setString(2, owner);
      statement.setLong(3, millis);
      statement.setString(
          4, lanesAsArray ? SqlArrays.of(lanes) : lanes.toString().replace(" ", ""));
      statement.setString(5, owner);
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          epochs.put(rows.getInt(1), rows.getLong(2));
        }
      }
    }
    return epochs;
  }

  /**
   * The node's heartbeat, at most once a third of a lease (with the node's other processor): keeps
   * its row in {@code processor_nodes} alive and counts the nodes that are up.
   */
  private void beat(final Connection connection, final long now, final long leaseMillis)
      throws SQLException {
    if (now - node.nextBeatNanos() < 0) {
      return;
    }
    try (PreparedStatement beat = connection.prepareStatement(heartbeat);
        PreparedStatement gone = connection.prepareStatement(forget);
        PreparedStatement count = connection.prepareStatement(liveNodes)) {
      beat.setString(1, owner);
      beat.setLong(2, leaseMillis);
      beat.executeUpdate();
      gone.executeUpdate();
      try (ResultSet row = count.executeQuery()) {
        row.next();
        node.beaten(Math.max(1, row.getInt(1)), now + leaseNanos / 3);
      }
    }
  }

  /**
   * Whether this node would take {@code lane} were it free: it holds fewer lanes of its kind than
   * its share (see {@link #hold}); read from memory, without asking the database.
   */
  boolean mayTake(final int lane, final int lanes) {
    return holding(System.nanoTime(), lane, lanes) < share(lanes / 2);
  }

  /** Whether this node found no other node up at its last heartbeat. */
  boolean alone() {
    return node.liveNodes() <= 1;
  }

  /** This node's share of {@code lanes}: the count over the nodes that are up, rounded up. */
  private int share(final int lanes) {
    final int nodes = node.liveNodes();
    return Math.max(1, (lanes + nodes - 1) / nodes);
  }

  // the lanes of the kind of {@code lane} (live, or history: the upper half) this node holds a
  // lease of that has not run out
  private int holding(final long now, final int lane, final int lanes) {
    final boolean history = lane >= lanes / 2;
    int holding = 0;
    for (final Map.Entry<Integer, Lease> lease : held.entrySet()) {
      // renewAfter is a third into the lease: the lease runs out two thirds after it
      if ((lease.getKey() >= lanes / 2) == history
          && now - (lease.getValue().renewAfterNanos() + 2 * leaseNanos / 3) < 0) {
        holding++;
      }
    }
    return holding;
  }

  private void release(final Connection connection, final int lane) throws SQLException {
    try (PreparedStatement release =
        connection.prepareStatement(
            "UPDATE processor_lanes SET owner = NULL, lease_until = 0 WHERE lane = ? AND owner = ?")) {
      release.setInt(1, lane);
      release.setString(2, owner);
      release.executeUpdate();
    }
    held.remove(lane);
  }

  /** Hands every lane this node holds back (a clean stop), in a transaction of its own. */
  void releaseAll(final Connection connection) throws SQLException {
    try (PreparedStatement release =
            connection.prepareStatement(
                "UPDATE processor_lanes SET owner = NULL, lease_until = 0 WHERE owner = ?");
        PreparedStatement gone = connection.prepareStatement(GONE)) {
      release.setString(1, owner);
      release.executeUpdate();
      gone.setString(1, owner);
      gone.executeUpdate();
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
